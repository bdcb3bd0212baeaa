// Package grounding checks that the numbers a language model wrote are
// figures aicoo computed: each written number must be one of the allowed
// values after the rounding, scale (k, million, ...) and percent sign the
// writer chose. The briefing's narrative and the chat's answers share it,
// so "grounded" means the same thing in both.
package grounding

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// numberRE finds numbers in prose: 1,234,567.89, 12.5, 7, with an optional
// scale or percent suffix.
var numberRE = regexp.MustCompile(`(?i)(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(\s*(?:%|k\b|m\b|bn\b|million\b|thousand\b|billion\b))?`)

// Number is one number written in a text.
type Number struct {
	// Text is the number as written, suffix included ("1.2 million").
	Text string
	// Start and End are Text's byte offsets in the text.
	Start, End int
	// Value is the number without its scale (1.2 for "1.2 million").
	Value float64
	// Decimals is how many decimals were written.
	Decimals int
	// Scale is 1, 1e3, 1e6 or 1e9 from the suffix.
	Scale float64
	// Percent marks a number written with %.
	Percent bool
}

// Numbers finds the numbers written in text, in order.
func Numbers(text string) []Number {
	var out []Number
	for _, m := range numberRE.FindAllStringSubmatchIndex(text, -1) {
		numText := text[m[2]:m[3]]
		v, err := strconv.ParseFloat(strings.ReplaceAll(numText, ",", ""), 64)
		if err != nil {
			continue // the pattern only matches digits: cannot happen
		}
		n := Number{Text: text[m[0]:m[1]], Start: m[0], End: m[1], Value: v, Scale: 1}
		if i := strings.IndexByte(numText, '.'); i >= 0 {
			n.Decimals = len(numText) - i - 1
		}
		if m[4] >= 0 {
			switch strings.ToLower(strings.TrimSpace(text[m[4]:m[5]])) {
			case "%":
				n.Percent = true
			case "k", "thousand":
				n.Scale = 1e3
			case "m", "million":
				n.Scale = 1e6
			case "bn", "billion":
				n.Scale = 1e9
			}
		}
		out = append(out, n)
	}
	return out
}

// Matches reports whether the written number n is some allowed value
// rounded to n's precision and scale; a percentage also matches a ratio
// (0.125 for 12.5%). Signs are ignored: prose says "down 5%" for -5.
func Matches(n Number, allowed []float64) bool {
	pow := math.Pow(10, float64(n.Decimals))
	for _, a := range allowed {
		cands := [2]float64{a, math.NaN()}
		if n.Percent {
			cands[1] = a * 100 // a ratio written as a percentage
		}
		for _, c := range cands {
			if math.IsNaN(c) {
				continue
			}
			c = math.Abs(c) / n.Scale
			if math.Abs(math.Round(c*pow)/pow-n.Value) < 0.5/pow/1e3 {
				return true
			}
		}
	}
	return false
}

// Values returns the plain values of the numbers written in s, without
// scale or percent: what a text allows when its numbers are figures.
func Values(s string) []float64 {
	var out []float64
	for _, n := range Numbers(s) {
		out = append(out, n.Value)
	}
	return out
}

// JSONValues returns every number a JSON document states: its numbers,
// the numbers written in its strings (dates, references such as
// INV/2026/0042, amounts as text) and the length of each array (a list
// of three invoices allows "3 invoices"). Malformed JSON yields the
// numbers written in it as text.
func JSONValues(doc []byte) []float64 {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(doc)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return Values(string(doc))
	}
	var out []float64
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case json.Number:
			if f, err := x.Float64(); err == nil {
				out = append(out, f)
			}
		case string:
			out = append(out, Values(x)...)
		case []any:
			out = append(out, float64(len(x)))
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}
