package chart_test

import (
	"encoding/xml"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/numfmt"
)

// wellFormed parses s as XML and returns the text of every <title>.
func wellFormed(t *testing.T, s string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	var titles []string
	inTitle := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inTitle = x.Name.Local == "title"
		case xml.EndElement:
			inTitle = false
		case xml.CharData:
			if inTitle {
				titles = append(titles, string(x))
			}
		}
	}
	return titles
}

func TestCharts(t *testing.T) {
	t.Parallel()
	labels := []string{"Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024"}
	cases := []struct {
		name   string
		c      chart.Chart
		titles []string // hover texts that must appear
	}{
		{"line with band and a gap", chart.Chart{ID: "cash", Title: "Cash", Kind: chart.Line, Unit: "EUR", Labels: labels,
			Series: []chart.Series{{Name: "Cash", Values: []float64{1234567.891, math.NaN(), -25000, 310000}}},
			Band:   &chart.Band{Name: "Forecast range", Low: []float64{math.NaN(), math.NaN(), -30000, 250000}, High: []float64{math.NaN(), math.NaN(), -20000, 350000}}},
			[]string{"Cash, Jan 2024: 1,234,568 EUR", "Cash, Mar 2024: -25,000 EUR", "Forecast range"}},
		{"stacked with negatives", chart.Chart{ID: "ar", Title: "Receivables by age", Kind: chart.Stacked, Unit: "EUR", Labels: labels[:2],
			Series: []chart.Series{{Name: "Not due", Values: []float64{1000, 2000}}, {Name: "1–30 days", Values: []float64{500, -100}}}},
			[]string{"Not due, Jan 2024: 1,000 EUR", "1–30 days, Feb 2024: -100 EUR"}},
		{"grouped", chart.Chart{ID: "rev", Title: "Revenue", Kind: chart.Grouped, Unit: "USD", Labels: labels[:3],
			Series: []chart.Series{{Name: "This year", Values: []float64{10, 20, 30}}, {Name: "A year before", Values: []float64{5, 25, 0}}}},
			[]string{"This year, Mar 2024: 30 USD", "A year before, Feb 2024: 25 USD"}},
		{"horizontal", chart.Chart{ID: "top", Title: "Top overdue", Kind: chart.Horizontal, Unit: "EUR", Labels: []string{"Alpen Industrieservice KG & Co. Handels", "B <script>"},
			Series: []chart.Series{{Name: "Overdue", Values: []float64{34456.2, 999}}}},
			[]string{"Alpen Industrieservice KG & Co. Handels: 34,456 EUR", "B <script>: 999 EUR"}},
		{"one flat point", chart.Chart{ID: "one", Title: "Deals", Kind: chart.Line, Unit: "count", Labels: labels[:1],
			Series: []chart.Series{{Name: "Won", Values: []float64{0}}}},
			[]string{"Jan 2024: 0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			svg := tc.c.SVG()
			if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") || strings.Contains(svg, "e+") {
				t.Errorf("SVG holds a non-number: %s", svg)
			}
			if strings.Contains(svg, "style=") || strings.Contains(svg, "<script") {
				t.Errorf("SVG has a style attribute or a script (the CSP forbids them): %s", svg)
			}
			titles := wellFormed(t, svg)
			for _, want := range tc.titles {
				found := false
				for _, got := range titles {
					found = found || got == want
				}
				if !found {
					t.Errorf("no mark titled %q; titles %q", want, titles)
				}
			}
			html := string(tc.c.HTML())
			wellFormed(t, strings.ReplaceAll(html, "&nbsp;", " "))
			if !strings.Contains(html, "<table>") || !strings.Contains(html, `viewBox="0 0 440`) || !strings.Contains(html, `width="100%"`) {
				t.Errorf("HTML lacks the table or the scalable SVG: %s", html)
			}
		})
	}
}

func TestEmptyChart(t *testing.T) {
	t.Parallel()
	c := chart.Chart{ID: "e", Title: "Cash", Href: "/analytics/finance", Labels: []string{"Jan"}, Series: []chart.Series{{Name: "Cash", Values: []float64{math.NaN()}}}}
	html := string(c.HTML())
	if !c.Empty() || strings.Contains(html, "<svg") || !strings.Contains(html, "No figures") || !strings.Contains(html, `href="/analytics/finance"`) {
		t.Errorf("empty chart = %s", html)
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		v    float64
		dec  int
		want string
	}{
		{0, 0, "0"}, {999, 0, "999"}, {1000, 0, "1,000"}, {-1234567.891, 0, "-1,234,568"}, {1234567.891, 2, "1,234,567.89"},
		{320.84999999999997, 2, "320.85"}, {1.036179887e+07, 0, "10,361,799"}, {-0.001, 0, "0"}, {math.NaN(), 0, "–"},
	}
	for _, tc := range cases {
		if got := numfmt.Number(tc.v, tc.dec); got != tc.want {
			t.Errorf("numfmt.Number(%v, %d) = %q, want %q", tc.v, tc.dec, got, tc.want)
		}
	}
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{{45.6, "days", "46 days"}, {0.253, "ratio", "25.3%"}, {12, "count", "12"}, {1500.5, "EUR", "1,501 EUR"}} {
		if got := chart.Value(tc.v, tc.unit); got != tc.want {
			t.Errorf("Value(%v, %q) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

// TestDashedSeries: a derived series is drawn dashed, without hover dots,
// and still listed in the table.
func TestDashedSeries(t *testing.T) {
	t.Parallel()
	c := chart.Chart{ID: "c", Title: "Cash", Unit: "EUR", Labels: []string{"Jan", "Feb", "Mar"},
		Series: []chart.Series{{Name: "Cash", Values: []float64{1, 2, 3}}, {Name: "Trend", Values: []float64{1.5, 2, 2.5}, Dashed: true}}}
	svg := c.SVG()
	for _, title := range wellFormed(t, svg) {
		if strings.HasPrefix(title, "Trend,") {
			t.Errorf("the dashed series has a hover dot %q", title)
		}
	}
	if !strings.Contains(svg, `stroke-dasharray`) || !strings.Contains(string(c.HTML()), "<th scope=\"col\" class=\"num\">Trend</th>") {
		t.Errorf("dashed series missing from the SVG or the table: %s", c.HTML())
	}
}
