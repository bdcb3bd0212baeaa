package alerts

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// PriorityInsight as a rule's priority keeps the priority of the insight.
const PriorityInsight = "insight"

// Grouping defaults, as in Prometheus Alertmanager.
const (
	GroupWaitDefault      = 30 * time.Second
	GroupIntervalDefault  = 5 * time.Minute
	RepeatIntervalDefault = 4 * time.Hour
)

// catalogue is the analyzers' catalogue the package-level functions
// (Compile, InsightKinds) check rules against; an Engine uses its own
// (Config.Catalogue).
var catalogue = areas.Catalogue()

// channels are the built-in notification channel kinds the package-level
// functions (Compile, CheckChannel) check rules against; an Engine uses
// its own (Config.Channels).
var channels = notify.Unconfigured()

// InsightKinds lists the insight kinds a rule can match, sorted.
func InsightKinds() []string { return catalogue.InsightKinds() }

// RuleSpec is a rule as written by a person (CLI, API) or a built-in.
type RuleSpec struct {
	Name               string            `json:"name"`
	Description        string            `json:"description,omitempty"`
	UserID             int64             `json:"user_id,omitempty"` // 0: org-wide
	Source             string            `json:"source"`            // insight, metric (alert: built-in only)
	InsightKind        string            `json:"insight_kind,omitempty"`
	Expression         string            `json:"expression,omitempty"`
	Threshold          float64           `json:"threshold,omitempty"`
	Priority           string            `json:"priority"`
	PendingEvaluations int               `json:"pending_evaluations,omitempty"`
	PendingFor         time.Duration     `json:"pending_for,omitempty"`
	Labels             map[string]string `json:"labels,omitempty"`
	Channels           []string          `json:"channels,omitempty"`
	EscalationPolicyID int64             `json:"escalation_policy_id,omitempty"`
	GroupWait          time.Duration     `json:"group_wait,omitempty"`
	GroupInterval      time.Duration     `json:"group_interval,omitempty"`
	RepeatInterval     time.Duration     `json:"repeat_interval,omitempty"`
	Enabled            bool              `json:"enabled"`
}

// SpecOf returns the spec of a stored rule.
func SpecOf(r *store.AlertRule) RuleSpec {
	return RuleSpec{Name: r.Name, Description: r.Description, UserID: r.UserID, Source: r.Source, InsightKind: r.InsightKind,
		Expression: r.Expression, Threshold: r.Threshold, Priority: r.Priority, PendingEvaluations: r.PendingEvaluations,
		PendingFor: r.PendingFor, Labels: r.Labels, Channels: r.Channels, EscalationPolicyID: r.EscalationPolicyID,
		GroupWait: r.GroupWait, GroupInterval: r.GroupInterval, RepeatInterval: r.RepeatInterval, Enabled: r.Enabled}
}

func (sp RuleSpec) params(connectionID int64, builtin string) store.AlertRuleParams {
	return store.AlertRuleParams{ConnectionID: connectionID, UserID: sp.UserID, Name: sp.Name, Description: sp.Description,
		Builtin: builtin, Source: sp.Source, InsightKind: sp.InsightKind, Expression: sp.Expression, Threshold: sp.Threshold,
		Priority: sp.Priority, PendingEvaluations: sp.PendingEvaluations, PendingFor: sp.PendingFor, Labels: sp.Labels,
		Channels: sp.Channels, EscalationPolicyID: sp.EscalationPolicyID, GroupWait: sp.GroupWait,
		GroupInterval: sp.GroupInterval, RepeatInterval: sp.RepeatInterval, Enabled: sp.Enabled}
}

// Program is a compiled rule.
type Program struct {
	Spec RuleSpec
	// Metrics are the metric names a metric rule reads; Area is their area
	// (for an insight rule, empty: its kind decides).
	Metrics []string
	Area    string
	// Names are the other variables the expressions read (insight facts).
	Names []string

	cond      *vm.Program // nil: always true
	prio      *vm.Program // nil: fixed or inherited
	fixedPrio string
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// insightVars are the variables an insight rule sees besides the facts.
var insightVars = map[string]any{"priority": "", "score": 0.0, "subject": "", "company_id": 0.0, "kind": "", "threshold": 0.0}

// Compile checks a rule against the analyzers' catalogue and compiles its
// expressions. Errors name the field and say what is wrong.
func Compile(sp RuleSpec) (*Program, error) { return CompileIn(catalogue, channels, sp) }

// CompileIn is Compile against the catalogue cat and the channel kinds of
// chans.
func CompileIn(cat *analysis.Catalogue, chans *notify.Registry, sp RuleSpec) (*Program, error) {
	if err := checkSpec(cat, chans, sp); err != nil {
		return nil, err
	}
	p := &Program{Spec: sp}
	switch sp.Source {
	case store.RuleSourceInsight:
		if sp.Expression != "" || !isPriorityName(sp.Priority) && sp.Priority != PriorityInsight {
			names, err := referencedNames(sp.Expression, sp.priorityExpr())
			if err != nil {
				return nil, err
			}
			for _, n := range names {
				if _, ok := insightVars[n]; !ok {
					p.Names = append(p.Names, n)
				}
			}
		}
		env := map[string]any{}
		for k, v := range insightVars {
			env[k] = v
		}
		for _, n := range p.Names {
			env[n] = 0.0 // facts are numbers
		}
		if err := p.compileExprs(env); err != nil {
			return nil, err
		}
	case store.RuleSourceMetric:
		names, err := referencedNames(sp.Expression, sp.priorityExpr())
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			if n == "threshold" || n == "company_id" {
				continue
			}
			area, _, _ := strings.Cut(n, ".")
			if !cat.IsArea(area) || !strings.Contains(n, ".") {
				return nil, fmt.Errorf("alerts: rule %q: expression: %q is not a metric name (metric names start with an area: %s, as in finance.cash.runway_days)",
					sp.Name, n, strings.Join(cat.Areas(), ", "))
			}
			if p.Area != "" && p.Area != area {
				return nil, fmt.Errorf("alerts: rule %q: expression reads metrics of %s and %s; a metric rule reads the metrics of one area",
					sp.Name, p.Area, area)
			}
			p.Area = area
			p.Metrics = append(p.Metrics, n)
		}
		if len(p.Metrics) == 0 {
			return nil, fmt.Errorf("alerts: rule %q: expression reads no metric", sp.Name)
		}
		if err := p.compileExprs(metricEnv(p.Metrics, nil, sp.Threshold, 0)); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (sp RuleSpec) priorityExpr() string {
	if isPriorityName(sp.Priority) || sp.Priority == PriorityInsight {
		return ""
	}
	return sp.Priority
}

func (p *Program) compileExprs(env map[string]any) error {
	sp := p.Spec
	if sp.Expression != "" {
		prog, err := expr.Compile(sp.Expression, expr.Env(env), expr.AsBool())
		if err != nil {
			return fmt.Errorf("alerts: rule %q: expression: %w", sp.Name, err)
		}
		p.cond = prog
	}
	switch {
	case isPriorityName(sp.Priority), sp.Priority == PriorityInsight:
		p.fixedPrio = sp.Priority
	default:
		prog, err := expr.Compile(sp.Priority, expr.Env(env), expr.AsKind(reflect.String))
		if err != nil {
			return fmt.Errorf("alerts: rule %q: priority is not critical, high, medium, low, %q, or an expression giving one: %w",
				sp.Name, PriorityInsight, err)
		}
		p.prio = prog
	}
	// Metrics are typed any in their nested maps, so the result types are
	// checked by one run on zero values (runtime errors are not judged here).
	for _, c := range []struct{ src, want, field string }{{sp.Expression, "bool", "expression"}, {sp.priorityExpr(), "string", "priority expression"}} {
		if c.src == "" {
			continue
		}
		dry, err := expr.Compile(c.src, expr.Env(env))
		if err != nil {
			continue
		}
		out, err := expr.Run(dry, env)
		if err != nil {
			continue
		}
		if got := fmt.Sprintf("%T", out); got != c.want {
			return fmt.Errorf("alerts: rule %q: %s gives a %s, not a %s", sp.Name, c.field, got, c.want)
		}
	}
	return nil
}

func isPriorityName(s string) bool { return store.PriorityRank(s) < 4 }

func checkSpec(cat *analysis.Catalogue, chans *notify.Registry, sp RuleSpec) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(sp.Name) == "" {
		bad("name is empty")
	}
	switch sp.Source {
	case store.RuleSourceInsight:
		if len(cat.AreasOfKind(sp.InsightKind)) == 0 {
			bad("insight_kind %q is not an insight kind (known: %s)", sp.InsightKind, strings.Join(cat.InsightKinds(), ", "))
		}
	case store.RuleSourceMetric:
		if strings.TrimSpace(sp.Expression) == "" {
			bad("a metric rule needs an expression, e.g. finance.cash.runway_days < threshold")
		}
		if sp.Priority == PriorityInsight {
			bad("priority %q only fits insight rules", PriorityInsight)
		}
		if sp.InsightKind != "" {
			bad("insight_kind is for insight rules")
		}
	case store.RuleSourceAlert:
		bad("source %q is reserved for built-in rules", sp.Source)
	default:
		bad("source %q is neither insight nor metric", sp.Source)
	}
	if word := strings.TrimSpace(sp.Priority); labelName.MatchString(word) && !isPriorityName(word) && word != PriorityInsight {
		bad("priority %q is not critical, high, medium, low, %q, or an expression giving one", word, PriorityInsight)
	}
	if strings.TrimSpace(sp.Priority) == "" {
		bad("priority is empty (critical, high, medium, low, %q, or an expression)", PriorityInsight)
	}
	if sp.PendingEvaluations < 0 || sp.PendingFor < 0 {
		bad("pending period is negative")
	}
	if sp.GroupWait < 0 || sp.GroupInterval < 0 || sp.RepeatInterval < 0 {
		bad("grouping times are negative")
	}
	if sp.RepeatInterval > 0 && sp.RepeatInterval < time.Minute {
		bad("repeat_interval %s is under a minute", sp.RepeatInterval)
	}
	for k := range sp.Labels {
		if !labelName.MatchString(k) {
			bad("label name %q is not a word of letters, digits and _", k)
		}
	}
	for _, c := range sp.Channels {
		if err := chans.Check(c); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("alerts: rule %q: %w", sp.Name, errors.Join(errs...))
	}
	return nil
}

// CheckChannel checks a channel reference against the built-in kinds: a
// kind, or kind:name (notify.Registry.Check).
func CheckChannel(c string) error { return channels.Check(c) }

// referencedNames returns the variables of the expressions: identifiers and
// dotted member chains (finance.cash.runway_days), longest chains only.
func referencedNames(srcs ...string) ([]string, error) {
	seen := map[string]bool{}
	for _, src := range srcs {
		if strings.TrimSpace(src) == "" {
			continue
		}
		tree, err := parser.Parse(src)
		if err != nil {
			return nil, fmt.Errorf("alerts: expression %q: %w", src, err)
		}
		ast.Walk(&tree.Node, collector(seen))
	}
	var out []string
	for n := range seen {
		prefix := false
		for m := range seen {
			if strings.HasPrefix(m, n+".") {
				prefix = true
				break
			}
		}
		if !prefix {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

type collector map[string]bool

func (c collector) Visit(node *ast.Node) {
	if name, ok := chainName(*node); ok {
		c[name] = true
	}
}

func chainName(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value, true
	case *ast.MemberNode:
		prop, ok := n.Property.(*ast.StringNode)
		if !ok || n.Method {
			return "", false
		}
		base, ok := chainName(n.Node)
		if !ok {
			return "", false
		}
		return base + "." + prop.Value, true
	}
	return "", false
}

// metricEnv builds the environment of a metric rule: the metrics as nested
// maps (finance -> cash -> runway_days), threshold and company_id. values
// nil gives a typing environment with every metric 0.
func metricEnv(names []string, values map[string]float64, threshold float64, companyID int64) map[string]any {
	env := map[string]any{"threshold": threshold, "company_id": float64(companyID)}
	for _, n := range names {
		parts := strings.Split(n, ".")
		m := env
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = values[n]
	}
	return env
}

// run evaluates the condition and the priority in env; base is the
// insight's priority for "insight".
func (p *Program) run(env map[string]any, base string) (bool, string, error) {
	if p.cond != nil {
		out, err := expr.Run(p.cond, env)
		if err != nil {
			return false, "", fmt.Errorf("rule %q: expression: %w", p.Spec.Name, err)
		}
		if ok, _ := out.(bool); !ok {
			return false, "", nil
		}
	}
	prio := p.fixedPrio
	if prio == PriorityInsight {
		prio = base
	}
	if p.prio != nil {
		out, err := expr.Run(p.prio, env)
		if err != nil {
			return false, "", fmt.Errorf("rule %q: priority: %w", p.Spec.Name, err)
		}
		prio, _ = out.(string)
	}
	if !isPriorityName(prio) {
		return false, "", fmt.Errorf("rule %q: priority gave %q, not critical, high, medium or low", p.Spec.Name, prio)
	}
	return true, prio, nil
}
