package expenses

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// words returns the distinct lower-case words (letters and digits) of a
// description, sorted.
func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	sort.Strings(f)
	out := f[:0]
	for i, w := range f {
		if i == 0 || w != f[i-1] {
			out = append(out, w)
		}
	}
	return out
}

// Similarity returns the Jaccard index of two sorted word sets: shared
// words over all words, 1 for two empty descriptions.
func Similarity(a, b []string) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	i, j, shared := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			shared++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(shared) / float64(len(a)+len(b)-shared)
}

// WorkingDaysBetween returns the Monday-to-Friday days after a up to and
// including b (negative when b is before a): a receipt filed again on the
// next working day after a weekend is one working day later.
func WorkingDaysBetween(a, b odoo.Date) int {
	if b.Before(a) {
		return -WorkingDaysBetween(b, a)
	}
	n := 0
	for d := a; d.Before(b); {
		d = d.AddDays(1)
		if wd := d.In(time.UTC).Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return n
}

// isDuplicate applies the duplicate rule to two expenses of one employee.
func isDuplicate(a, b *expense, days int, tol, sim float64) bool {
	if d := WorkingDaysBetween(a.date, b.date); d > days || d < -days {
		return false
	}
	hi := max(a.amount, b.amount)
	if hi <= 0 || absf(a.amount-b.amount) > tol*hi+0.005 {
		return false
	}
	return Similarity(a.words, b.words) >= sim
}

func absf(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// duplicates raises one duplicate_expense insight per group of expenses of
// one employee (and company) that are pairwise linked by the duplicate
// rule: dated at most the threshold working days apart, amounts within the
// tolerance of the larger, and similar descriptions. Refused claims do not
// count. A group is reported when one of its expenses is in the lookback
// window. It returns the number of groups per company.
func (x *run) duplicates() map[int64]int {
	days := int(x.env.Threshold(ThresholdDuplicateDays, DuplicateDaysDefault))
	tol := x.env.Threshold(ThresholdDuplicateAmountTolerance, DuplicateAmountToleranceDefault)
	sim := x.env.Threshold(ThresholdDuplicateSimilarity, DuplicateSimilarityDefault)
	high := x.env.Threshold(ThresholdDuplicateHighAmount, DuplicateHighAmountDefault)
	type key struct{ company, employee int64 }
	byEmp := map[key][]*expense{}
	for _, e := range x.expenses {
		if e.refused() || e.employee == 0 || e.date.IsZero() {
			continue
		}
		k := key{e.company, e.employee}
		byEmp[k] = append(byEmp[k], e)
	}
	keys := make([]key, 0, len(byEmp))
	for k := range byEmp {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].company != keys[j].company {
			return keys[i].company < keys[j].company
		}
		return keys[i].employee < keys[j].employee
	})
	out := map[int64]int{}
	for _, k := range keys {
		es := byEmp[k]
		sort.Slice(es, func(i, j int) bool {
			if c := es[i].date.Compare(es[j].date); c != 0 {
				return c < 0
			}
			return es[i].id < es[j].id
		})
		// Union the linked pairs; dates are sorted, so the inner loop stops
		// once the window is passed.
		parent := make([]int, len(es))
		for i := range parent {
			parent[i] = i
		}
		var find func(int) int
		find = func(i int) int {
			for parent[i] != i {
				parent[i] = parent[parent[i]]
				i = parent[i]
			}
			return i
		}
		for i := range es {
			for j := i + 1; j < len(es) && WorkingDaysBetween(es[i].date, es[j].date) <= days; j++ {
				if isDuplicate(es[i], es[j], days, tol, sim) {
					parent[find(j)] = find(i)
				}
			}
		}
		groups := map[int][]*expense{}
		for i := range es {
			r := find(i)
			groups[r] = append(groups[r], es[i])
		}
		roots := make([]int, 0, len(groups))
		for r, g := range groups {
			if len(g) > 1 {
				roots = append(roots, r)
			}
		}
		sort.Ints(roots)
		for _, r := range roots {
			g := groups[r]
			recent := false
			for _, e := range g {
				recent = recent || x.recent(e.date)
			}
			if !recent {
				continue
			}
			x.reportDuplicate(g, high)
			out[k.company]++
		}
	}
	return out
}

func (x *run) reportDuplicate(g []*expense, high float64) {
	sort.Slice(g, func(i, j int) bool { return g[i].id < g[j].id })
	ids := make([]int64, len(g))
	var extra float64
	amounts := make([]string, len(g))
	for i, e := range g {
		ids[i] = e.id
		amounts[i] = fmt.Sprintf("%.2f on %s", e.amount, e.date)
		if i > 0 {
			extra += e.amount
		}
	}
	first := g[0]
	cur := x.currency(first.company)
	prio := "medium"
	if extra >= high {
		prio = "high"
	}
	x.res.Insights = append(x.res.Insights, analysis.Insight{
		Kind: KindDuplicateExpense, Priority: prio, CompanyID: first.company,
		Title: fmt.Sprintf("%s filed %q %d times", x.employee(first), fields.String(first.rec, "name"), len(g)),
		Detail: fmt.Sprintf("%d expenses of %s (%s) have close amounts and dates and similar descriptions: %s %s. %.2f %s may be claimed twice.",
			len(g), x.employee(first), x.category(first), strings.Join(amounts, ", "), cur, extra, cur),
		Subject: "hr.expense:" + strconv.FormatInt(ids[0], 10),
		Refs:    []analysis.Ref{x.env.Ref("hr.expense", ids...), x.env.Ref("hr.employee", first.employee)},
		Facts:   map[string]float64{"amount": fields.Round2(first.amount), "duplicated_amount": fields.Round2(extra), "count": float64(len(g))},
		Score:   fields.Clamp01(extra / high),
	})
}
