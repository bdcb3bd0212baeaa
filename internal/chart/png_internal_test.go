package chart

import (
	"html"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var svgText = regexp.MustCompile(`<text[^>]*>([^<]*)`)

// TestPNGMatchesSVG: the PNG writes the same value ticks and axis unit as
// the SVG of the same chart (category labels may be thinned differently:
// the widths differ).
func TestPNGMatchesSVG(t *testing.T) {
	t.Parallel()
	labels := []string{"Jan 2026", "Feb 2026", "Mar 2026", "Apr 2026"}
	for _, c := range []Chart{
		{Title: "Cash", Kind: Line, Unit: "EUR", Labels: labels, Series: []Series{{Name: "Cash", Values: []float64{1.2e6, 950000, math.NaN(), -40000}}}},
		{Title: "Late", Note: "Share of deliveries", Kind: Line, Unit: "ratio", Labels: labels, Series: []Series{{Name: "Late", Values: []float64{0.1, 0.125, 0.3, 0.05}}}},
		{Title: "Deals", Kind: Grouped, Unit: "count", Labels: labels, Series: []Series{{Name: "Won", Values: []float64{3, 7, 2, 0}}, {Name: "Lost", Values: []float64{1, 4, 9, 2}}}},
		{Title: "Aging", Kind: Stacked, Unit: "USD", Labels: labels[:2], Series: []Series{{Name: "Not due", Values: []float64{12000, 18000}}, {Name: "Overdue", Values: []float64{3000, -500}}}},
		{Title: "Top", Kind: Horizontal, Unit: "EUR", Labels: []string{"A very long customer name of thirty", "B"}, Series: []Series{{Name: "Overdue", Values: []float64{34456, 999}}}},
	} {
		// Texts that are not labels, names, title or note: ticks and unit.
		axis := func(texts []string) []string {
			var out []string
			for _, s := range texts {
				s = strings.TrimSuffix(s, "…")
				own := strings.Contains(c.Title, s) || strings.Contains(c.Note, s) ||
					slices.ContainsFunc(c.Labels, func(l string) bool { return strings.HasPrefix(l, s) }) ||
					slices.ContainsFunc(c.Series, func(x Series) bool { return x.Name == s })
				if !own {
					out = append(out, s)
				}
			}
			slices.Sort(out)
			return out
		}
		var fromSVG []string
		for _, m := range svgText.FindAllStringSubmatch(c.SVG(), -1) {
			fromSVG = append(fromSVG, html.UnescapeString(m[1]))
		}
		cv, err := c.draw(PNGOptions{Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		want, got := axis(fromSVG), axis(cv.drawn)
		if len(want) < 3 || !slices.Equal(got, want) {
			t.Errorf("%s: the PNG's axis says %q, the SVG's %q", c.Title, got, want)
		}
	}
}
