package web

import (
	"strings"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
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

// vocab is what one server knows of the analyzers' areas and the action
// types: the catalogue (Config.Catalogue), whose areas are the unit of
// visibility and whose labels name figures, insight kinds and areas, the
// permission table over it, and the action types (Config.ActionKinds).
// Each server builds its own in New, so a test can serve an area or an
// action type of its own.
type vocab struct {
	cat    *analysis.Catalogue
	grants *access.Table
	// areas are the catalogue's areas, in order.
	areas []string
	// keyFigures are the overview's key figures (keyFigureNames).
	keyFigures []keyFigure
	// acts are the action types (Config.ActionKinds); actionKeys their
	// names, longest first (actionTypeKeys).
	acts       *actions.Kinds
	actionKeys []string
}

func newVocab(cat *analysis.Catalogue, acts *actions.Kinds) *vocab {
	return &vocab{cat: cat, grants: access.New(cat), areas: cat.Areas(), keyFigures: keyFiguresOf(cat, keyFigureNames...),
		acts: acts, actionKeys: actionTypeKeys(acts)}
}

// can reports whether role holds p. An unknown role holds nothing.
func (v *vocab) can(role string, p perm) bool { return v.grants.Can(role, p) }

// canSeeArea reports whether role may see figures, results and alerts of an
// area. Names outside the catalogue's areas (alert types like "job") are
// seen by every role that can view.
func (v *vocab) canSeeArea(role, area string) bool { return v.grants.CanSeeArea(role, area) }

func (v *vocab) isArea(a string) bool { return v.grants.IsArea(a) }

// jobArea returns the area of a monitoring job ("analysis.finance" is
// finance), or "" for jobs that belong to no area (the Odoo sync).
func jobArea(j *store.MonitoringJob) string {
	area, ok := strings.CutPrefix(j.AnalyzerType, "analysis.")
	if !ok {
		return ""
	}
	return area
}
