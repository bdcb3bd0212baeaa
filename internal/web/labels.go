package web

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// metricLabel names a metric for people: its catalogue label, or for a
// per-record metric ("finance.ar.partner.1205.overdue@1") the label of the
// metric it breaks down with the record ("Overdue receivables — partner
// 1205"), or else its name in words. The stored key stays in the API and
// exports; pages show this, and link by areas.MetricPath.
func (v *vocab) metricLabel(key string) string {
	name, company, _ := strings.Cut(key, "@")
	label := v.metricNameLabel(name)
	if company != "" && company != "1" {
		// Company 1 is the only one in most databases: naming it is noise.
		label += " (company " + company + ")"
	}
	return label
}

// areaLabel names an analysis area for people: its catalogue label
// ("Business series"), or the area's name as a sentence.
func (v *vocab) areaLabel(area string) string {
	if a, ok := v.cat.Area(area); ok && a.Label != "" && a.Label != area {
		return a.Label
	}
	return sentence(words(area))
}

func (v *vocab) metricNameLabel(name string) string {
	if m, ok := v.cat.Metric(name); ok && m.Label != "" {
		return m.Label
	}
	return areas.MetricLabel(name)
}

// words turns a key part into words: "win_rate" → "win rate".
func words(s string) string { return areas.Words(s) }

func sentence(s string) string { return areas.Sentence(s) }

// metricKeyRE finds dotted metric names in rule expressions.
var metricKeyRE = regexp.MustCompile(`\b[a-z]+(?:\.[a-z0-9_]+)+(?:@\d+)?\b`)

// expressionLabel shows a rule expression with its metric names as labels
// ("finance.cash.runway_days < threshold" → "Cash runway < threshold").
func (v *vocab) expressionLabel(expr string) string {
	return metricKeyRE.ReplaceAllStringFunc(expr, v.metricLabel)
}

// roleName is a role in words.
func roleName(role string) string {
	switch role {
	case store.RoleAdmin:
		return "administrator"
	case store.RoleCEO, store.RoleCFO:
		return strings.ToUpper(role)
	case store.RoleOps:
		return "operations"
	}
	return role
}

// modelLabels are Odoo models' descriptions ("Journal Entry" for
// account.move), from the dataset schema.
var modelLabels = sync.OnceValue(func() map[string]string {
	out := map[string]string{}
	for _, m := range dataset.DefaultSchema().Models() {
		if m.Description != "" {
			out[m.Name] = m.Description
		}
	}
	return out
})

// modelLabel names an Odoo model for people.
func modelLabel(model string) string {
	if l := modelLabels()[model]; l != "" {
		return l
	}
	return sentence(words(model))
}

// kindLabel names an insight kind from the catalogue ("Stock-out risk").
func (v *vocab) kindLabel(kind string) string {
	for _, a := range v.cat.Areas() {
		info, _ := v.cat.Area(a)
		for _, k := range info.InsightKinds {
			if k.Kind == kind && k.Label != "" {
				return k.Label
			}
		}
	}
	return sentence(words(kind))
}

// groupLabel puts an action group key ("payment_reminder:overdue_invoice")
// into words: the action type and the finding it answers.
func (v *vocab) groupLabel(key string) string {
	typ, kind, _ := strings.Cut(key, ":")
	if kind == "" {
		return v.actionTypeLabel(typ)
	}
	return v.actionTypeLabel(typ) + " (" + strings.ToLower(v.kindLabel(kind)) + ")"
}

// prose formats the amounts in an analyzer's or the actions' text for
// people ("2941.97 EUR" reads "2,941.97 EUR") and names action types in
// words.
func (v *vocab) prose(s string) string {
	s = areas.Amounts(s)
	if strings.Contains(s, "_") {
		for _, t := range v.actionKeys {
			s = strings.ReplaceAll(s, t, `"`+v.actionTypeLabel(t)+`"`)
		}
	}
	return s
}

// actionTypeKeys lists the action types of ks, longest first so that no
// key replaces part of a longer one.
func actionTypeKeys(ks *actions.Kinds) []string {
	var out []string
	for _, info := range ks.Types() {
		out = append(out, string(info.Type))
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// channelLabel names a notification channel kind for people: its label in
// the registry, or else its name in words.
func channelLabel(reg *notify.Registry) func(kind string) string {
	return func(kind string) string {
		if k, ok := reg.Lookup(kind); ok {
			return k.Label
		}
		return words(kind)
	}
}
