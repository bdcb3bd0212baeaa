// Package numfmt formats numbers and amounts for people: thousands
// separated, a fixed number of decimals, no float artefacts and no
// exponent. The dashboard, the charts, the briefings, the chat tools and
// the search all write numbers through it, so "34,456.00 EUR" reads the
// same everywhere.
package numfmt

import (
	"math"
	"strconv"
	"strings"
)

// Number formats v with thousands separators and the given decimals:
// 1234567.891 with 0 decimals is "1,234,568". NaN and infinities are "–";
// a value that rounds to zero has no minus sign.
func Number(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	p := math.Pow10(decimals)
	s := strconv.FormatFloat(math.Round(math.Abs(v)*p)/p, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// Money formats an amount with two decimals and its currency code:
// "34,456.00 EUR" (the bare number without a currency).
func Money(v float64, currency string) string {
	s := Number(v, 2)
	if currency != "" {
		s += " " + currency
	}
	return s
}
