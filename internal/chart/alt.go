package chart

import (
	"strings"
)

// AltText says what the chart shows in words, for an image's alt text
// and a plain-text message: the title, then per series its latest value,
// its first, and its lowest and highest, with their labels, and the
// band's last range. A reader who cannot see the image still gets the
// figures that matter.
func (c *Chart) AltText() string {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(c.Title, "."))
	b.WriteString(".")
	if c.Empty() {
		b.WriteString(" No figures yet.")
		return b.String()
	}
	brief := len(c.Series) > 3 // a breakdown: the latest values are enough
	for k := range c.Series {
		s := &c.Series[k]
		first, last, lo, hi := -1, -1, -1, -1
		for i := range c.Labels {
			v := s.value(i)
			if !finite(v) {
				continue
			}
			if first < 0 {
				first = i
			}
			last = i
			if lo < 0 || v < s.Values[lo] {
				lo = i
			}
			if hi < 0 || v > s.Values[hi] {
				hi = i
			}
		}
		if last < 0 {
			continue
		}
		at := func(i int) string { return Value(s.Values[i], c.Unit) + " in " + c.Labels[i] }
		b.WriteString(" " + s.Name + ": ")
		if first == last || brief {
			b.WriteString(at(last) + ".")
			continue
		}
		if lo == hi {
			b.WriteString(at(last) + ", unchanged since " + c.Labels[first] + ".")
			continue
		}
		b.WriteString(at(last) + ", from " + at(first))
		if lo != first && lo != last {
			b.WriteString("; lowest " + at(lo))
		}
		if hi != first && hi != last {
			b.WriteString("; highest " + at(hi))
		}
		b.WriteString(".")
	}
	if bd := c.Band; bd != nil {
		for i := len(c.Labels) - 1; i >= 0; i-- {
			if lo, hi := valueAt(bd.Low, i), valueAt(bd.High, i); finite(lo) && finite(hi) && lo != hi {
				b.WriteString(" " + bd.Name + ": " + Value(lo, c.Unit) + " to " + Value(hi, c.Unit) + " in " + c.Labels[i] + ".")
				break
			}
		}
	}
	return b.String()
}
