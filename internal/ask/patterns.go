package ask

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Reply is a direct answer to a question of a known pattern, computed by
// the tools without a language model.
type Reply struct {
	// Pattern names the question pattern: "overdue", "overdue_total", "cash",
	// "top_customers", "open_alerts" or "approvals".
	Pattern string `json:"pattern"`
	// Text is the answer in words.
	Text string `json:"text"`
	// Calls are the tool calls the answer was computed with.
	Calls []Call `json:"calls"`
	// Sources are the pages and records behind the answer.
	Sources []Source `json:"sources"`
}

// Call is one tool call of a reply.
type Call struct {
	Tool  string          `json:"tool"`
	Input json.RawMessage `json:"input"`
}

// pattern is one kind of question answered directly.
type pattern struct {
	name string
	re   *regexp.Regexp
	run  func(ctx context.Context, reg *Registry, c Caller, m []string, now time.Time) (*Reply, error)
}

var patterns = []pattern{
	{"overdue", regexp.MustCompile(`(?i)^(?:(?:what|which)(?:'s| is| are)?\s+)?(?:(?:the|all)\s+)?(?:is\s+)?(?:overdue|late|unpaid)(?:\s+invoices?)?\s+(?:from|for|of|by|at|with)\s+(.+?)$`), overdueReply},
	{"overdue", regexp.MustCompile(`(?i)^(?:(?:what|which)\s+)?invoices?\s+(?:of|from|for)\s+(.+?)\s+(?:are|is)\s+(?:overdue|late|unpaid)$`), overdueReply},
	{"overdue", regexp.MustCompile(`(?i)^(?:(?:what|how much)\s+)?(?:does|do|is)\s+(.+?)\s+(?:owe|owe us|overdue|late)$`), overdueReply},
	{"overdue_total", regexp.MustCompile(`(?i)^(?:(?:what|how much)(?:'s| is)?\s+)?(?:(?:the|our|all|total)\s+)*(?:overdue|late)(?:\s+(?:invoices|receivables|amount|payments))?(?:\s+in total)?$`), overdueTotalReply},
	{"cash", regexp.MustCompile(`(?i)^(?:(?:what(?:'s| is)|how much)\s+)?(?:is\s+)?(?:our\s+|the\s+)?(?:cash|cash position|bank balance|money in the bank)(?:\s+do we have)?(?:\s+now|\s+today)?$`), cashReply},
	{"top_customers", regexp.MustCompile(`(?i)^(?:(?:show|list|who are|what are)\s+)?(?:(?:the|our)\s+)?(?:top|best|biggest|largest)\s+(\d+\s+)?customers(?:\s+by\s+(?:revenue|sales|turnover))?(?:\s+(this|last)\s+(year|quarter|month))?$`), topCustomersReply},
	{"open_alerts", regexp.MustCompile(`(?i)^(?:(?:show|list|what are)\s+)?(?:(?:the|my|our)\s+)?(?:open\s+)?alerts(?:\s+(?:are\s+)?open)?$`), alertsReply},
	{"approvals", regexp.MustCompile(`(?i)^(?:what|which actions?|what actions?)\s+(?:needs?|waits?|is waiting|are waiting)\s+(?:for\s+)?(?:my\s+)?(?:approval|to be approved|approving)$|^(?:pending|open)\s+(?:approvals|actions)$`), approvalsReply},
}

// Answer answers question directly when it matches one of a few patterns
// ("What is overdue from <customer>?", "cash", "top 10 customers by
// revenue this year", "open alerts", "what needs approval"), calling the
// registry's tools for c, so the role checks and sources are the tools'.
// ok is false when no pattern matches: free-form questions need a model.
// A tool's refusal is returned as its *RefusedError.
func Answer(ctx context.Context, reg *Registry, c Caller, question string) (*Reply, bool, error) {
	q := strings.TrimSpace(question)
	q = strings.TrimRight(q, "?!. ")
	q = strings.Join(strings.Fields(q), " ")
	for _, p := range patterns {
		m := p.re.FindStringSubmatch(q)
		if m == nil {
			continue
		}
		r, err := p.run(ctx, reg, c, m, time.Now().UTC())
		if err != nil {
			return nil, true, err
		}
		r.Pattern = p.name
		return r, true, nil
	}
	return nil, false, nil
}

// call runs a tool and records it in the reply.
func (r *Reply) call(ctx context.Context, reg *Registry, c Caller, tool string, input any) (*Output, error) {
	in, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	out, err := reg.Call(ctx, c, tool, in)
	if err != nil {
		return nil, err
	}
	r.Calls = append(r.Calls, Call{Tool: tool, Input: in})
	r.Sources = append(r.Sources, out.Sources...)
	return out, nil
}

// today is the clock the tools were built with, when reg came from
// NewTools, so answers and tools agree on "today" in tests.
func today(reg *Registry, now time.Time) time.Time {
	if reg.now != nil {
		now = reg.now().UTC()
	}
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
}

func overdueReply(ctx context.Context, reg *Registry, c Caller, m []string, now time.Time) (*Reply, error) {
	name := strings.Trim(m[1], `"' `)
	if reg.partners == nil {
		return nil, fmt.Errorf("ask: this registry cannot look up partners")
	}
	// The invoices are finance: check before revealing which partners
	// exist through the match.
	if t := reg.Tool("search_records"); t == nil || !reg.access.CanSeeArea(c.Role, "finance") {
		return nil, refuse("search_records", c.Role, "invoices", "finance")
	}
	best, cands, err := reg.partners(ctx, c, name)
	if err != nil {
		return nil, err
	}
	r := &Reply{}
	if best == nil {
		if len(cands) == 0 {
			r.Text = fmt.Sprintf("No customer named like %q was found in the synced data.", name)
			return r, nil
		}
		var names []string
		for _, m := range cands {
			names = append(names, m.Name)
		}
		r.Text = fmt.Sprintf("Several customers match %q: %s. Which one do you mean?", name, strings.Join(names, "; "))
		return r, nil
	}
	day := today(reg, now)
	out, err := r.call(ctx, reg, c, "search_records", map[string]any{
		"model": "account.move",
		"domain": []any{[]any{"partner_id", "child_of", best.ID}, []any{"move_type", "=", "out_invoice"}, []any{"state", "=", "posted"},
			[]any{"amount_residual", ">", 0}, []any{"invoice_date_due", "<", day.Format(time.DateOnly)}},
		"fields": []string{"name", "invoice_date", "invoice_date_due", "amount_residual_signed", "company_currency_id"},
		"order":  "invoice_date_due, name", "limit": searchLimitMax,
	})
	if err != nil {
		return nil, err
	}
	res := out.Data.(*searchResult)
	r.Sources = append([]Source{{Label: "Customer " + best.Name, Model: "res.partner", ID: best.ID}}, r.Sources...)
	if res.Count == 0 {
		r.Text = fmt.Sprintf("Nothing is overdue from %s: no posted customer invoice past its due date has an amount due.", best.Name)
		return r, nil
	}
	var b strings.Builder
	total, cur := 0.0, ""
	for _, rec := range res.Records {
		total += num(rec["amount_residual_signed"])
		if cc, ok := rec["company_currency_id"].(map[string]any); ok && cur == "" {
			cur, _ = cc["name"].(string)
		}
	}
	plural := "s"
	if res.Count == 1 {
		plural = ""
	}
	fmt.Fprintf(&b, "%s has %d overdue invoice%s, %s due in total:", best.Name, res.Count, plural, money(total, cur))
	for _, rec := range res.Records {
		due, _ := rec["invoice_date_due"].(string)
		days := 0
		if d, err := time.Parse(time.DateOnly, due); err == nil {
			days = int(day.Sub(d).Hours() / 24)
		}
		fmt.Fprintf(&b, "\n- %v, due %s (%d days overdue): %s", rec["name"], due, days, money(num(rec["amount_residual_signed"]), cur))
	}
	if res.Count > len(res.Records) {
		fmt.Fprintf(&b, "\n(the first %d listed)", len(res.Records))
	}
	r.Text = b.String()
	return r, nil
}

func cashReply(ctx context.Context, reg *Registry, c Caller, _ []string, _ time.Time) (*Reply, error) {
	r := &Reply{}
	out, err := r.call(ctx, reg, c, "metric", map[string]any{"name": "finance.cash.position"})
	if err != nil {
		return nil, err
	}
	r.Text = out.Text
	if runway, err := r.call(ctx, reg, c, "metric", map[string]any{"name": "finance.cash.runway_days"}); err == nil {
		if vals, ok := runway.Data.([]metricValue); ok && len(vals) > 0 && vals[0].Available {
			r.Text += " " + runway.Text
		}
	}
	return r, nil
}

// periodRange returns the first and last day of this or last year,
// quarter or month.
func periodRange(which, unit string, day time.Time) (time.Time, time.Time) {
	y, mo := day.Year(), day.Month()
	var from time.Time
	var step func(time.Time, int) time.Time
	switch unit {
	case "quarter":
		from = time.Date(y, time.Month((int(mo)-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
		step = func(t time.Time, n int) time.Time { return t.AddDate(0, 3*n, 0) }
	case "month":
		from = time.Date(y, mo, 1, 0, 0, 0, 0, time.UTC)
		step = func(t time.Time, n int) time.Time { return t.AddDate(0, n, 0) }
	default:
		from = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		step = func(t time.Time, n int) time.Time { return t.AddDate(n, 0, 0) }
	}
	if which == "last" {
		from = step(from, -1)
		return from, step(from, 1).AddDate(0, 0, -1)
	}
	return from, day
}

func topCustomersReply(ctx context.Context, reg *Registry, c Caller, m []string, now time.Time) (*Reply, error) {
	n := 10
	if s := strings.TrimSpace(m[1]); s != "" {
		n, _ = strconv.Atoi(s)
		n = min(max(n, 1), 100)
	}
	which, unit := strings.ToLower(m[2]), strings.ToLower(m[3])
	if which == "" {
		which, unit = "this", "year"
	}
	from, to := periodRange(which, unit, today(reg, now))
	r := &Reply{}
	out, err := r.call(ctx, reg, c, "aggregate", map[string]any{
		"model": "account.move",
		"domain": []any{[]any{"move_type", "in", []string{"out_invoice", "out_refund"}}, []any{"state", "=", "posted"},
			[]any{"invoice_date", ">=", from.Format(time.DateOnly)}, []any{"invoice_date", "<=", to.Format(time.DateOnly)}},
		"group_by": []string{"commercial_partner_id", "company_currency_id"},
		"measures": []string{"amount_untaxed_signed:sum", "count"},
		"order":    "amount_untaxed_signed:sum desc",
		"limit":    n,
	})
	if err != nil {
		return nil, err
	}
	res := out.Data.(*aggregateResult)
	var b strings.Builder
	fmt.Fprintf(&b, "Top %d customers by revenue %s %s (posted invoices less credit notes, untaxed, %s to %s):",
		n, which, unit, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if len(res.Groups) == 0 {
		b.WriteString("\nno posted customer invoice in that period.")
	}
	for i, g := range res.Groups {
		name := "(no customer)"
		if p, ok := g["commercial_partner_id"].(map[string]any); ok {
			name = fmt.Sprint(p["name"])
			if id, ok := p["id"].(int64); ok && len(r.Sources) < sourcesMax {
				r.Sources = append(r.Sources, Source{Label: "Customer " + name, Model: "res.partner", ID: id})
			}
		}
		cur := ""
		if cc, ok := g["company_currency_id"].(map[string]any); ok {
			cur, _ = cc["name"].(string)
		}
		fmt.Fprintf(&b, "\n%d. %s: %s (%v invoices)", i+1, name, money(num(g["amount_untaxed_signed:sum"]), cur), g["count"])
	}
	r.Text = b.String()
	return r, nil
}

func alertsReply(ctx context.Context, reg *Registry, c Caller, _ []string, _ time.Time) (*Reply, error) {
	r := &Reply{}
	out, err := r.call(ctx, reg, c, "alerts", map[string]any{"status": "open", "limit": 10})
	if err != nil {
		return nil, err
	}
	r.Text = out.Text
	return r, nil
}

func approvalsReply(ctx context.Context, reg *Registry, c Caller, _ []string, _ time.Time) (*Reply, error) {
	r := &Reply{}
	out, err := r.call(ctx, reg, c, "actions", map[string]any{"status": "pending", "limit": 10})
	if err != nil {
		return nil, err
	}
	r.Text = out.Text
	return r, nil
}

func overdueTotalReply(ctx context.Context, reg *Registry, c Caller, _ []string, _ time.Time) (*Reply, error) {
	r := &Reply{}
	out, err := r.call(ctx, reg, c, "metric", map[string]any{"name": "finance.ar.overdue"})
	if err != nil {
		return nil, err
	}
	r.Text = out.Text
	if top, err := r.call(ctx, reg, c, "explain_metric", map[string]any{"name": "finance.ar.top_overdue"}); err == nil {
		r.Text += " " + top.Text
	}
	return r, nil
}
