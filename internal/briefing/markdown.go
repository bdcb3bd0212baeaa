package briefing

import (
	"fmt"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
)

// mdEscape makes text from Odoo inert in Markdown: no links, emphasis,
// tables, HTML or line breaks can come out of it.
func mdEscape(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '!', '~', '(', ')':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func link(text, url string) string {
	if url == "" || !(strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://")) {
		return mdEscape(text)
	}
	return "[" + mdEscape(text) + "](<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20").Replace(url) + ">)"
}

// templateNarrative summarises the facts in plain sentences, with no model.
func templateNarrative(f *Facts) string {
	var parts []string
	var figs []string
	for _, fig := range f.Figures {
		if !fig.Available || len(figs) == 3 {
			continue
		}
		s := fmt.Sprintf("%s is %s", strings.ToLower(fig.Label[:1])+fig.Label[1:], fig.Display)
		if fig.DayText != "" && fig.DayText != "no change" {
			s += fmt.Sprintf(" (%s since yesterday)", fig.DayText)
		}
		figs = append(figs, s)
	}
	if len(figs) > 0 {
		first := figs[0]
		figs[0] = strings.ToUpper(first[:1]) + first[1:]
		parts = append(parts, strings.Join(figs, "; ")+".")
	}
	switch f.AlertsOpen {
	case 0:
		parts = append(parts, "No open alert needs your attention.")
	default:
		var byPrio []string
		for _, p := range []string{store.PriorityCritical, store.PriorityHigh, store.PriorityMedium, store.PriorityLow} {
			if n := f.AlertsByPrio[p]; n > 0 {
				byPrio = append(byPrio, fmt.Sprintf("%d %s", n, p))
			}
		}
		noun := "alerts need"
		if f.AlertsOpen == 1 {
			noun = "alert needs"
		}
		parts = append(parts, fmt.Sprintf("%d open %s attention (%s).", f.AlertsOpen, noun, strings.Join(byPrio, ", ")))
		if len(f.Alerts) > 0 {
			parts = append(parts, fmt.Sprintf("Most urgent: %s.", mdEscape(areas.Amounts(strings.TrimSuffix(f.Alerts[0].Text, ".")))))
		}
	}
	if len(f.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("No analysis has run yet for %s.", strings.Join(f.Missing, ", ")))
	}
	return strings.Join(parts, " ")
}

// Markdown renders the briefing: title, narrative, then the sections, all
// from the facts except the narrative.
func Markdown(f *Facts, narrative string) string {
	var b strings.Builder
	date := f.Date
	if d, err := time.Parse(time.DateOnly, f.Date); err == nil {
		date = d.Format("Monday 2 January 2006")
	}
	fmt.Fprintf(&b, "# %s, %s\n\n", mdEscape(f.Title), date)
	asOf := "no analysis yet"
	if !f.AsOf.IsZero() {
		asOf = "figures as of " + f.AsOf.UTC().Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(&b, "*%s · %s*\n\n", mdEscape(f.Company), asOf)
	b.WriteString(strings.TrimSpace(narrative))
	b.WriteString("\n\n## Headline figures\n\n| Figure | Now | Since yesterday | Since last week |\n|---|---|---|---|\n")
	for _, fig := range f.Figures {
		now, day, week := fig.Display, orDash(fig.DayText), orDash(fig.WeekText)
		if !fig.Available {
			now, day, week = fig.Note, "–", "–"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", link(fig.Label, firstURL(fig.Refs)), mdEscape(now), mdEscape(day), mdEscape(week))
	}
	b.WriteString("\n## Needs attention\n\n")
	if len(f.Alerts) == 0 {
		b.WriteString("Nothing open.\n")
	}
	for _, it := range f.Alerts {
		fmt.Fprintf(&b, "- **%s** · %s", strings.ToUpper(it.Priority[:1])+it.Priority[1:], link(areas.Amounts(it.Text), it.URL()))
		if it.Detail != "" {
			fmt.Fprintf(&b, ": %s", mdEscape(areas.Amounts(it.Detail)))
		}
		b.WriteString("\n")
	}
	if more := f.AlertsOpen - len(f.Alerts); more > 0 {
		fmt.Fprintf(&b, "- and %d more open alerts on the dashboard.\n", more)
	}
	if f.DecisionsWaiting > 0 {
		b.WriteString("\n## Decisions waiting\n\n")
		for _, it := range f.Decisions {
			fmt.Fprintf(&b, "- %s\n", mdEscape(areas.Amounts(it.Text)))
		}
		if more := f.DecisionsWaiting - len(f.Decisions); more > 0 {
			fmt.Fprintf(&b, "- and %d more in the approval center.\n", more)
		}
	}
	if len(f.Forecasts) > 0 {
		b.WriteString("\n## Forecasts\n\n")
		for _, fig := range f.Forecasts {
			fmt.Fprintf(&b, "- %s: %s", link(fig.Label, firstURL(fig.Refs)), mdEscape(fig.Display))
			if fig.WeekText != "" {
				fmt.Fprintf(&b, " (%s since last week)", mdEscape(fig.WeekText))
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n## Recommendations\n\n")
	if len(f.Recommendations) == 0 {
		b.WriteString("No finding calls for action today.\n")
	}
	for i, it := range f.Recommendations {
		fmt.Fprintf(&b, "%d. %s\n", i+1, link(areas.Amounts(it.Text), it.URL()))
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
