package web

import (
	"strings"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
)

// perm names what a route lets a person do; the table of who holds what is
// package access, shared with the chat tools and the MCP server.
type perm = access.Perm

const (
	permView         = access.View
	permAlertAct     = access.AlertAct
	permJobRun       = access.JobRun
	permActionDecide = access.ActionDecide
	permRules        = access.Rules
	permRulesEdit    = access.RulesEdit
	permThresholds   = access.Thresholds
	permAdmin        = access.Admin
)

// catalogue is the analyzers' catalogue: its areas are the unit of
// visibility, and its metrics' labels name the figures.
var catalogue = areas.Catalogue()

// roleGrants is the permission table over the catalogue.
var roleGrants = access.New(catalogue)

// knownAreas are the analyzers' areas, the unit of visibility.
var knownAreas = catalogue.Areas()

// can reports whether role holds p. An unknown role holds nothing.
func can(role string, p perm) bool { return roleGrants.Can(role, p) }

// canSeeArea reports whether role may see figures, results and alerts of an
// area. Names outside knownAreas (alert types like "job") are seen by every
// role that can view.
func canSeeArea(role, area string) bool { return roleGrants.CanSeeArea(role, area) }

func isArea(a string) bool { return roleGrants.IsArea(a) }

// jobArea returns the area of a monitoring job ("analysis.finance" is
// finance), or "" for jobs that belong to no area (the Odoo sync).
func jobArea(j *store.MonitoringJob) string {
	area, ok := strings.CutPrefix(j.AnalyzerType, "analysis.")
	if !ok {
		return ""
	}
	return area
}
