package briefing

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// numberRE finds numbers in prose: 1,234,567.89, 12.5, 7, with an optional
// scale or percent suffix.
var numberRE = regexp.MustCompile(`(?i)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(\s*(?:%|k\b|m\b|bn\b|million\b|thousand\b|billion\b))?`)

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
	for _, m := range numberRE.FindAllStringSubmatchIndex(text, -1) {
		numText := text[m[2]:m[3]]
		suffix := ""
		if m[4] >= 0 {
			suffix = strings.ToLower(strings.TrimSpace(text[m[4]:m[5]]))
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(numText, ",", ""), 64)
		if err != nil {
			return fmt.Errorf("briefing: unreadable number %q", numText)
		}
		decimals := 0
		if i := strings.IndexByte(numText, '.'); i >= 0 {
			decimals = len(numText) - i - 1
		}
		scale := 1.0
		switch suffix {
		case "k", "thousand":
			scale = 1e3
		case "m", "million":
			scale = 1e6
		case "bn", "billion":
			scale = 1e9
		}
		if !matches(v, decimals, scale, suffix == "%", allowed) {
			return fmt.Errorf("briefing: number %q in the narrative is not a figure of the briefing", text[m[0]:m[1]])
		}
	}
	return nil
}

// matches reports whether the written number v (with its decimals, scale
// and percent sign) is some allowed value rounded to that precision.
func matches(v float64, decimals int, scale float64, percent bool, allowed []float64) bool {
	pow := math.Pow(10, float64(decimals))
	for _, a := range allowed {
		cands := []float64{a}
		if percent {
			cands = append(cands, a*100) // a ratio written as a percentage
		}
		for _, c := range cands {
			c = math.Abs(c) / scale
			if math.Abs(math.Round(c*pow)/pow-v) < 0.5/pow/1e3 {
				return true
			}
		}
	}
	return false
}

// allowedNumbers lists every number the bundle states as a figure: values
// and changes (raw and as displayed), figure labels ("90 days"), counts and
// the date. Numbers inside alert and recommendation texts are not allowed:
// those texts carry Odoo data (names, notes), and a number planted there
// must not become a "fact" the model can repeat.
func allowedNumbers(f *Facts) []float64 {
	var out []float64
	addText := func(s string) {
		for _, m := range numberRE.FindAllStringSubmatch(s, -1) {
			if v, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64); err == nil {
				out = append(out, v)
			}
		}
	}
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
