package briefing

import (
	"fmt"
	"regexp"
	"time"

	"github.com/aicoo/aicoo/internal/grounding"
)

// linkRE finds what the narrative may not carry: links and markup that
// could point a reader elsewhere.
var linkRE = regexp.MustCompile(`(?i)https?://|www\.|\]\(|<[a-z/!]|javascript:|data:`)

// Ground checks that every number in text is a figure of the bundle after
// rounding and formatting, that text carries no link or markup, and that
// its sweeping claims ("all overdue invoices have been paid", "no alert is
// open", "no products are at risk") are what the facts say (see
// claimTopics). It returns nil when the text may be used, or an error
// naming the first offending number or claim.
func Ground(text string, f *Facts) error {
	if m := linkRE.FindString(text); m != "" {
		return fmt.Errorf("briefing: narrative carries a link or markup (%q)", m)
	}
	if err := checkClaims(text, f); err != nil {
		return err
	}
	allowed := allowedNumbers(f)
	for _, n := range grounding.Numbers(text) {
		if !grounding.Matches(n, allowed) {
			return fmt.Errorf("briefing: number %q in the narrative is not a figure of the briefing", n.Text)
		}
	}
	return nil
}

// allowedNumbers lists every number the bundle states as a figure: values
// and changes (raw and as displayed), figure labels ("90 days"), counts and
// the date. Numbers inside alert and recommendation texts are not allowed:
// those texts carry Odoo data (names, notes), and a number planted there
// must not become a "fact" the model can repeat.
func allowedNumbers(f *Facts) []float64 {
	var out []float64
	addText := func(s string) { out = append(out, grounding.Values(s)...) }
	figs := append(append([]Figure(nil), f.Figures...), f.Forecasts...)
	for _, fig := range figs {
		if !fig.Available {
			continue
		}
		out = append(out, fig.Value)
		if fig.Unit == "ratio" {
			out = append(out, fig.Value*100)
		}
		for _, d := range []*float64{fig.Day, fig.Week} {
			if d != nil {
				out = append(out, *d)
				if fig.Unit == "ratio" {
					out = append(out, *d*100)
				}
			}
		}
		addText(fig.Label)
		addText(fig.Display)
		addText(fig.DayText)
		addText(fig.WeekText)
	}
	out = append(out, float64(f.AlertsOpen), float64(f.Insights), float64(len(f.Alerts)), float64(len(f.Recommendations)),
		float64(f.DecisionsWaiting))
	for _, n := range f.AlertsByPrio {
		out = append(out, float64(n))
	}
	if d, err := time.Parse(time.DateOnly, f.Date); err == nil {
		out = append(out, float64(d.Year()), float64(d.Month()), float64(d.Day()))
	}
	return out
}
