// Package access says what each role may do in aicoo: the permissions a role
// holds and the analysis areas whose figures, alerts and actions it may see.
// The dashboard, the JSON API, the chat tools and the MCP server all ask one
// Table, so a sales user is refused the same finance figure everywhere.
package access

import (
	"slices"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// Perm names what a role lets a person do.
type Perm string

const (
	// View reads the dashboard: overview, alerts, jobs, analytics, sync
	// status (each filtered by the areas the role may see), and asks
	// aicoo questions through the read tools.
	View Perm = "view"
	// AlertAct acknowledges, resolves and snoozes alerts.
	AlertAct Perm = "alerts.act"
	// JobRun starts a monitoring job now.
	JobRun Perm = "jobs.run"
	// ActionDecide approves, rejects and rolls back autonomous actions; the
	// action type's roles (Kinds.MayApprove) narrow it further.
	ActionDecide Perm = "actions.decide"
	// ActionPropose puts an action in the approval queue from a chat or an
	// MCP client; the policy and the approvers decide what happens to it.
	ActionPropose Perm = "actions.propose"
	// Rules reads alert rules and tests what they would fire now. It is
	// held by roles that see every area, since a rule spans areas.
	Rules Perm = "rules.view"
	// RulesEdit creates, changes and deletes the role holder's own alert
	// rules; org-wide rules and other people's need Admin as well.
	RulesEdit Perm = "rules.edit"
	// Thresholds changes analyzer thresholds, in the areas the role sees.
	Thresholds Perm = "settings.thresholds"
	// Admin reads and changes connections, channels and users, and tests
	// the Odoo connection.
	Admin Perm = "admin"
)

// AllPerms lists every permission, in the order /api/v1/me reports them.
func AllPerms() []Perm {
	return []Perm{View, AlertAct, JobRun, ActionDecide, ActionPropose, Rules, RulesEdit, Thresholds, Admin}
}

// grant is what one role may do.
type grant struct {
	perms map[Perm]bool
	// areas the role may see; nil means every area.
	areas map[string]bool
}

// Table is the permission table over one catalogue of analysis areas.
// It is read-only once built and safe for concurrent use.
type Table struct {
	grants map[string]grant
	areas  []string
}

// New builds the permission table over a catalogue: the sales and ops roles
// see the areas that name them (analysis.AreaInfo.Roles), the other roles
// every area. Alerts that belong to no area (a failing job, say) are seen by
// every role that can view.
func New(cat *analysis.Catalogue) *Table {
	all := func(ps ...Perm) grant {
		g := grant{perms: map[Perm]bool{}}
		for _, p := range ps {
			g.perms[p] = true
		}
		return g
	}
	limited := func(role string, ps ...Perm) grant {
		g := all(ps...)
		g.areas = map[string]bool{}
		for _, a := range cat.AreasOfRole(role) {
			g.areas[a] = true
		}
		return g
	}
	return &Table{
		areas: cat.Areas(),
		grants: map[string]grant{
			store.RoleAdmin:  all(View, AlertAct, JobRun, ActionDecide, ActionPropose, Rules, RulesEdit, Thresholds, Admin),
			store.RoleCEO:    all(View, AlertAct, JobRun, ActionDecide, ActionPropose, Rules, RulesEdit),
			store.RoleCFO:    all(View, AlertAct, JobRun, ActionDecide, ActionPropose, Rules, RulesEdit, Thresholds),
			store.RoleSales:  limited(store.RoleSales, View, AlertAct, ActionDecide, ActionPropose, Thresholds),
			store.RoleOps:    limited(store.RoleOps, View, AlertAct, JobRun, ActionDecide, ActionPropose, Thresholds),
			store.RoleViewer: all(View, Rules),
		},
	}
}

// Roles lists the roles the table knows, sorted.
func (t *Table) Roles() []string {
	var rs []string
	for r := range t.grants {
		rs = append(rs, r)
	}
	slices.Sort(rs)
	return rs
}

// Can reports whether role holds p. An unknown role holds nothing.
func (t *Table) Can(role string, p Perm) bool {
	return t.grants[role].perms[p]
}

// Perms lists the permissions role holds, in AllPerms order.
func (t *Table) Perms(role string) []Perm {
	var ps []Perm
	for _, p := range AllPerms() {
		if t.Can(role, p) {
			ps = append(ps, p)
		}
	}
	return ps
}

// SeesEveryArea reports whether role may view and is limited to no area.
func (t *Table) SeesEveryArea(role string) bool {
	g, ok := t.grants[role]
	return ok && g.perms[View] && g.areas == nil
}

// CanSeeArea reports whether role may see figures, results and alerts of an
// area. Names that are not areas of the catalogue (alert types like "job")
// are seen by every role that can view.
func (t *Table) CanSeeArea(role, area string) bool {
	g, ok := t.grants[role]
	if !ok || !g.perms[View] {
		return false
	}
	if g.areas == nil || !t.IsArea(area) {
		return true
	}
	return g.areas[area]
}

// IsArea reports whether a is an area of the table's catalogue.
func (t *Table) IsArea(a string) bool { return slices.Contains(t.areas, a) }

// Areas lists the catalogue's areas, in catalogue order.
func (t *Table) Areas() []string { return slices.Clone(t.areas) }
