package chat

import (
	"regexp"
	"slices"
	"time"

	"github.com/aicoo/aicoo/internal/grounding"
)

// listMarkerRE finds the numbers of numbered lists ("1. ", "2) ") at the
// start of a line: layout, not figures.
var listMarkerRE = regexp.MustCompile(`(?m)^[ \t]*\d{1,2}[.)][ \t]`)

// ungrounded returns the numbers of text that no allowed value matches
// after rounding (see package grounding), as written, in order, each once.
func ungrounded(text string, allowed []float64) []string {
	var markers [][2]int
	for _, m := range listMarkerRE.FindAllStringIndex(text, -1) {
		markers = append(markers, [2]int{m[0], m[1]})
	}
	var out []string
	for _, n := range grounding.Numbers(text) {
		if slices.ContainsFunc(markers, func(m [2]int) bool { return n.Start >= m[0] && n.End <= m[1] }) {
			continue
		}
		if !grounding.Matches(n, allowed) && !slices.Contains(out, n.Text) {
			out = append(out, n.Text)
		}
	}
	return out
}

// dateNumbers are the numbers of today's date, which the system prompt
// states and an answer may repeat.
func dateNumbers(t time.Time) []float64 {
	t = t.UTC()
	return []float64{float64(t.Year()), float64(t.Month()), float64(t.Day())}
}

// Segment is a piece of an answer's text; Ungrounded marks a number no tool
// result of its question supports.
type Segment struct {
	Text       string `json:"text"`
	Ungrounded bool   `json:"ungrounded,omitempty"`
}

// Segments splits text so that the numbers listed in ungrounded (as
// written) stand alone and marked, for the page to highlight them.
func Segments(text string, ungrounded []string) []Segment {
	if len(ungrounded) == 0 {
		return []Segment{{Text: text}}
	}
	var out []Segment
	last := 0
	for _, n := range grounding.Numbers(text) {
		if !slices.Contains(ungrounded, n.Text) {
			continue
		}
		if n.Start > last {
			out = append(out, Segment{Text: text[last:n.Start]})
		}
		out = append(out, Segment{Text: n.Text, Ungrounded: true})
		last = n.End
	}
	if last < len(text) {
		out = append(out, Segment{Text: text[last:]})
	}
	return out
}
