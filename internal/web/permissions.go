package web

import (
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
)

// perm names what a route lets a person do.
type perm string

const (
	// permView reads the dashboard: overview, alerts, jobs, analytics, sync
	// status (each filtered by the areas the role may see).
	permView perm = "view"
	// permAlertAct acknowledges, resolves and snoozes alerts.
	permAlertAct perm = "alerts.act"
	// permJobRun starts a monitoring job now.
	permJobRun perm = "jobs.run"
	// permActionDecide approves, rejects and rolls back autonomous actions;
	// the action type's roles (actions.MayApprove) narrow it further.
	permActionDecide perm = "actions.decide"
	// permRules reads alert rules and tests what they would fire now. It
	// is held by roles that see every area, since a rule spans areas.
	permRules perm = "rules.view"
	// permThresholds changes analyzer thresholds; canTune narrows it to
	// the areas the role owns (admins: every area).
	permThresholds perm = "settings.thresholds"
	// permAdmin reads and changes connections, channels and users, and
	// tests the Odoo connection.
	permAdmin perm = "admin"
)

// allPerms lists every permission, in the order /api/v1/me reports them.
var allPerms = []perm{permView, permAlertAct, permJobRun, permActionDecide, permRules, permThresholds, permAdmin}

// roleGrant is what one role may do.
type roleGrant struct {
	perms map[perm]bool
	// areas the role may see; nil means every area.
	areas map[string]bool
}

// grant gives perms over every area.
func grant(perms []perm) roleGrant {
	g := roleGrant{perms: map[perm]bool{}}
	for _, p := range perms {
		g.perms[p] = true
	}
	return g
}

// grantAreas gives perms over the areas of the catalogue that name role
// (none, if no area does).
func grantAreas(cat *analysis.Catalogue, role string, perms []perm) roleGrant {
	g := grant(perms)
	g.areas = map[string]bool{}
	for _, a := range cat.AreasOfRole(role) {
		g.areas[a] = true
	}
	return g
}

// catalogue is the analyzers' catalogue: its areas are the unit of
// visibility, and its metrics' labels name the figures.
var catalogue = areas.Catalogue()

// roleGrants is the permission table.
var roleGrants = grantsFor(catalogue)

// grantsFor builds the permission table over a catalogue: the sales and
// ops roles see the areas that name them (analysis.AreaInfo.Roles), the
// other roles every area. Alerts that belong to no area (a failing job,
// say) are seen by every role.
func grantsFor(cat *analysis.Catalogue) map[string]roleGrant {
	return map[string]roleGrant{
		store.RoleAdmin:  grant([]perm{permView, permAlertAct, permJobRun, permActionDecide, permRules, permThresholds, permAdmin}),
		store.RoleCEO:    grant([]perm{permView, permAlertAct, permJobRun, permActionDecide, permRules}),
		store.RoleCFO:    grant([]perm{permView, permAlertAct, permJobRun, permActionDecide, permRules, permThresholds}),
		store.RoleSales:  grantAreas(cat, store.RoleSales, []perm{permView, permAlertAct, permActionDecide, permThresholds}),
		store.RoleOps:    grantAreas(cat, store.RoleOps, []perm{permView, permAlertAct, permJobRun, permActionDecide, permThresholds}),
		store.RoleViewer: grant([]perm{permView, permRules}),
	}
}

// knownAreas are the analyzers' areas, the unit of visibility.
var knownAreas = catalogue.Areas()

// can reports whether role holds p. An unknown role holds nothing.
func can(role string, p perm) bool {
	return roleGrants[role].perms[p]
}

// canSeeArea reports whether role may see figures, results and alerts of an
// area. Names outside knownAreas (alert types like "job") are seen by every
// role that can view.
func canSeeArea(role, area string) bool {
	g, ok := roleGrants[role]
	if !ok || !g.perms[permView] {
		return false
	}
	if g.areas == nil || !isArea(area) {
		return true
	}
	return g.areas[area]
}

func isArea(a string) bool {
	for _, k := range knownAreas {
		if k == a {
			return true
		}
	}
	return false
}

// jobArea returns the area of a monitoring job ("analysis.finance" is
// finance), or "" for jobs that belong to no area (the Odoo sync).
func jobArea(j *store.MonitoringJob) string {
	area, ok := strings.CutPrefix(j.AnalyzerType, "analysis.")
	if !ok {
		return ""
	}
	return area
}
