package forecast

import (
	"reflect"
	"testing"

	"github.com/aicoo/aicoo/internal/odoo"
)

func TestHabits(t *testing.T) {
	t.Parallel()
	today := dayOfDate(odoo.Date{Year: 2025, Month: 3, Day: 5})
	// paid returns a customer invoice of partner due dueAgo days before
	// today, paid late days after its due date.
	paid := func(partner int64, dueAgo, late int) *doc {
		due := today - day(dueAgo)
		return &doc{company: 1, partner: partner, kind: customerDoc, amount: 100, due: due, date: due - 30, created: due - 30, known: true,
			settle: []flow{{d: due + day(late), created: due + day(late), amt: -100}}}
	}
	docs := []*doc{
		paid(1, 100, 3), paid(1, 70, 10), paid(1, 40, 20),
		paid(1, 500, 100),               // paid more than a year ago: not in the habit
		paid(2, 60, -4), paid(2, 30, 1), // two invoices: too few for its own habit
		{company: 1, partner: 3, kind: customerDoc, amount: 100, due: today - 5, created: today - 35, known: true}, // open
		{company: 1, partner: 9, kind: vendorDoc, amount: -50, due: today - 20, created: today - 50, known: true,
			settle: []flow{{d: today - 22, created: today - 22, amt: 50}}}, // a bill paid two days early
	}
	h := computeHabits(docs, 1, today)
	if got := h.customer[1].Late; !reflect.DeepEqual(got, []int{3, 10, 20}) {
		t.Errorf("customer 1 habit %v, want [3 10 20]", got)
	}
	if got := h.company.Late; !reflect.DeepEqual(got, []int{-4, 1, 3, 10, 20}) {
		t.Errorf("company habit %v, want [-4 1 3 10 20]", got)
	}
	if got := h.paying.Late; !reflect.DeepEqual(got, []int{-2}) {
		t.Errorf("paying habit %v, want [-2]", got)
	}
	if hab, own := h.of(1); !own || hab.Median() != 10 {
		t.Errorf("customer 1: own %v median %.1f, want its own habit, median 10", own, hab.Median())
	}
	if hab, own := h.of(2); own || hab != &h.company {
		t.Errorf("customer 2 (two paid invoices) should follow the company's habit")
	}
	if s := h.customer[1].Spread(); s != 1.4826*7 {
		t.Errorf("customer 1 spread %.3f, want 1.4826 * MAD 7", s)
	}

	c1 := h.customer[1]
	due := today + 10
	cases := []struct {
		name   string
		due, t day
		want   day
		ok     bool
	}{
		{"not yet due: the median delay", due, today, due + 10, true},
		{"5 days late already: the median of the longer delays (10, 20)", today - 5, today, today - 5 + 15, true},
		{"12 days late: only 20 is longer", today - 12, today, today - 12 + 20, true},
		{"20 days late: later than ever", today - 20, today, 0, false},
	}
	for _, tc := range cases {
		got, _, ok := c1.expect(tc.due, tc.t)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("%s: expect %v %v, want %v %v", tc.name, got.date(), ok, tc.want.date(), tc.ok)
		}
	}
}
