package ask_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/store"
)

// typo spells a name in lower case with two letters swapped, as people
// type them.
func typo(name string) string {
	r := []rune(strings.ToLower(name))
	i := len(r) / 2
	r[i], r[i+1] = r[i+1], r[i] // swap two letters
	return string(r)
}

func TestAnswerOverdue(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	ctx := context.Background()
	partner, overdue := overdueTruth(t, d.ds)
	total := 0.0
	for _, m := range overdue {
		total += m.Float("amount_residual_signed")
	}
	name := partner.Str("name")
	for _, q := range []string{
		"What is overdue from " + name + "?",
		"overdue invoices of " + strings.ToLower(name),
		"What's overdue from " + typo(name),
		"Which invoices of " + strings.ToUpper(name) + " are overdue?",
	} {
		r, ok, err := ask.Answer(ctx, d.reg, d.caller(store.RoleCFO), q)
		if err != nil || !ok {
			t.Fatalf("%q: ok %v, %v", q, ok, err)
		}
		t.Logf("%s\n%s", q, r.Text)
		if r.Pattern != "overdue" || !strings.Contains(r.Text, name) || !strings.Contains(r.Text, fmt.Sprintf("%d overdue invoice", len(overdue))) ||
			!strings.Contains(r.Text, money(total)) {
			t.Errorf("%q:\n%s\nwant %d invoices, %s", q, r.Text, len(overdue), money(total))
		}
		for _, m := range overdue {
			if !strings.Contains(r.Text, m.Str("name")) || !slices.ContainsFunc(r.Sources, func(s ask.Source) bool { return s.Model == "account.move" && s.ID == m.ID() }) {
				t.Errorf("%q: lacks invoice %s or its source", q, m.Str("name"))
			}
		}
		if len(r.Calls) != 1 || r.Calls[0].Tool != "search_records" || r.Sources[0].Model != "res.partner" || r.Sources[0].ID != partner.ID() {
			t.Errorf("%q: calls %+v sources %+v", q, r.Calls, r.Sources[:1])
		}
	}
	// A sales user may not see invoices: refused, without naming partners.
	if _, ok, err := ask.Answer(ctx, d.reg, d.caller(store.RoleSales), "What is overdue from "+name+"?"); !ok || !isRefused(err) {
		t.Errorf("sales: ok %v %v", ok, err)
	}
	r, _, err := ask.Answer(ctx, d.reg, d.caller(store.RoleCFO), "What is overdue from Zzyzx Nonexistent Holdings?")
	if err != nil || !strings.Contains(r.Text, "No customer named like") {
		t.Errorf("unknown customer: %+v %v", r, err)
	}
}

func isRefused(err error) bool {
	var refused *ask.RefusedError
	return errors.As(err, &refused)
}

// money is the answers' spelling of an amount, without the currency.
func money(x float64) string {
	s := fmt.Sprintf("%.2f", round2(x))
	i, f, _ := strings.Cut(s, ".")
	var b strings.Builder
	for k, c := range i {
		if k > 0 && (len(i)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + f
}

func TestAnswerPatterns(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	ctx := context.Background()

	// Top customers this year, from the raw invoices and credit notes.
	commercial := map[int64]int64{}
	for _, p := range d.ds.Records("res.partner") {
		commercial[p.ID()] = p.ID()
		if parent := p.M2O("parent_id"); parent != 0 {
			commercial[p.ID()] = parent
		}
	}
	revenue := map[int64]float64{}
	for _, m := range d.ds.Records("account.move") {
		if (m.Str("move_type") == "out_invoice" || m.Str("move_type") == "out_refund") && m.Str("state") == "posted" &&
			m.Str("invoice_date") >= "2026-01-01" && m.Str("invoice_date") <= "2026-03-09" {
			revenue[commercial[m.M2O("partner_id")]] += m.Float("amount_untaxed_signed")
		}
	}
	var ids []int64
	for id := range revenue {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b int64) int {
		if revenue[a] != revenue[b] {
			if revenue[a] > revenue[b] {
				return -1
			}
			return 1
		}
		return 0
	})
	r, ok, err := ask.Answer(ctx, d.reg, d.caller(store.RoleCEO), "Top 10 customers by revenue this year?")
	if err != nil || !ok || r.Pattern != "top_customers" {
		t.Fatalf("top customers: %v %v %+v", ok, err, r)
	}
	t.Log(r.Text)
	lines := strings.Split(r.Text, "\n")
	if len(lines) != min(10, len(ids))+1 {
		t.Fatalf("top customers:\n%s", r.Text)
	}
	for i, id := range ids[:min(10, len(ids))] {
		want := fmt.Sprintf("%d. %s: %s", i+1, d.ds.Get("res.partner", id).Str("name"), money(revenue[id]))
		if !strings.HasPrefix(lines[i+1], want) {
			t.Errorf("rank %d: %q, want %q", i+1, lines[i+1], want)
		}
	}

	cash := latestMetric(t, d, "finance", "finance.cash.position")
	tests := []struct {
		q, role, pattern, want string
	}{
		{"cash", store.RoleCFO, "cash", money(cash.Value)},
		{"What is our cash position?", store.RoleCEO, "cash", money(cash.Value)},
		{"open alerts", store.RoleOps, "open_alerts", "open alerts"},
		{"What is overdue?", store.RoleCFO, "overdue_total", money(latestMetric(t, d, "finance", "finance.ar.overdue").Value)},
		{"total overdue receivables", store.RoleCEO, "overdue_total", "Computed from"},
		{"What needs approval?", store.RoleCFO, "approvals", "Send a payment reminder for INV/TEST"},
		{"pending approvals", store.RoleCEO, "approvals", "pending actions"},
	}
	for _, tt := range tests {
		r, ok, err := ask.Answer(ctx, d.reg, d.caller(tt.role), tt.q)
		if err != nil || !ok || r.Pattern != tt.pattern || !strings.Contains(r.Text, tt.want) || len(r.Sources) == 0 {
			t.Errorf("%q as %s: ok %v err %v\n%+v\nwant %s with %q", tt.q, tt.role, ok, err, r, tt.pattern, tt.want)
		}
	}
	if _, ok, err := ask.Answer(ctx, d.reg, d.caller(store.RoleSales), "cash"); !ok || !isRefused(err) {
		t.Errorf("cash for sales: %v %v", ok, err)
	}
	for _, q := range []string{"Why did margins fall in February?", "Write a poem about invoices", ""} {
		if _, ok, err := ask.Answer(ctx, d.reg, d.caller(store.RoleCEO), q); ok || err != nil {
			t.Errorf("%q matched a pattern (%v)", q, err)
		}
	}
}
