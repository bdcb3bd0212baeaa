// Package chart renders charts as SVG on the server: line charts with an
// optional band, stacked, grouped and horizontal bar charts. The SVG uses
// presentation attributes only (no script, no style attribute), so it
// passes a strict Content-Security-Policy and prints as it shows; it
// scales with its container through its viewBox (width 100%). Every mark
// carries a <title> with its value (the browser shows it on hover), the
// chart an accessible name and description, and HTML wraps it with a
// legend and a table of the same values for screen readers and people
// who prefer numbers.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Kind is the kind of chart.
type Kind int

// Chart kinds.
const (
	// Line draws each series as a line over the labels, with Band shaded
	// behind.
	Line Kind = iota
	// Stacked stacks the series' bars per label (negative values below 0).
	Stacked
	// Grouped puts the series' bars side by side per label.
	Grouped
	// Horizontal draws one bar per label from the left, labels on the
	// left: for ranked lists with long names.
	Horizontal
)

// Series is one named row of values, one per label. NaN is a missing
// value (not drawn).
type Series struct {
	Name   string
	Values []float64
	// Dashed draws a Line series dashed and without dots: a derived line
	// such as a trend, not measured values.
	Dashed bool
}

// Band is a range shaded behind a line chart (a forecast's low and high).
type Band struct {
	Name      string
	Low, High []float64
	// Series is the index of the series whose colour the band takes.
	Series int
}

// Chart is one chart.
type Chart struct {
	// ID makes the element ids unique on a page ([a-z0-9-]).
	ID    string `json:"id"`
	Title string `json:"title"`
	// Note is a short caption under the title (what is counted, as of).
	Note string `json:"note,omitempty"`
	Kind Kind   `json:"kind"`
	// Unit of the values: a currency code ("EUR"), "days", "count", or
	// "ratio".
	Unit string `json:"unit,omitempty"`
	// Labels name the categories (x axis; y axis of Horizontal).
	Labels []string `json:"labels"`
	Series []Series `json:"series"`
	Band   *Band    `json:"band,omitempty"`
	// Href, when set, links the chart to its drill-down page.
	Href     string `json:"href,omitempty"`
	HrefText string `json:"href_text,omitempty"`
}

// Geometry of the viewBox: small enough that text stays readable when a
// phone scales the chart to 360 px, large enough for 25 labels.
const (
	width     = 440.0
	height    = 270.0
	padTop    = 26.0
	padRight  = 10.0
	padBottom = 30.0
	fontSize  = 14.0
	rowH      = 26.0 // a row of a Horizontal chart
)

// valueTicks is about how many ticks the value axis has, in SVG and PNG
// alike: the two draw the same chart.
const valueTicks = 4

// palette holds colours that stay distinct for colour-blind readers
// (Okabe-Ito) and in black-and-white print by lightness.
var palette = []string{"#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#555555"}

// Color returns the colour of series i.
func Color(i int) string { return palette[i%len(palette)] }

// Empty reports whether the chart has no value to draw.
func (c *Chart) Empty() bool {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if finite(v) {
				return false
			}
		}
	}
	return true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// value returns series s's value at i, NaN when missing.
func (s *Series) value(i int) float64 {
	if i < len(s.Values) {
		return s.Values[i]
	}
	return math.NaN()
}

// hover is the text of a mark's <title>.
func (c *Chart) hover(series string, i int, v float64) string {
	label := ""
	if i < len(c.Labels) {
		label = c.Labels[i]
	}
	if series != "" && (len(c.Series) > 1 || c.Band != nil) {
		return series + ", " + label + ": " + Value(v, c.Unit)
	}
	return label + ": " + Value(v, c.Unit)
}

// svg is a small SVG writer.
type svg struct{ b strings.Builder }

func (w *svg) printf(format string, a ...any) { fmt.Fprintf(&w.b, format, a...) }

func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func esc(s string) string { return template.HTMLEscapeString(s) }

// SVG returns the chart's <svg> element.
func (c *Chart) SVG() string {
	w := &svg{}
	titleID, descID := c.ID+"-t", c.ID+"-d"
	h := height
	if c.Kind == Horizontal {
		// Horizontal charts grow with their rows.
		h = padTop + rowH*float64(max(len(c.Labels), 1)) + 34
	}
	w.printf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s %s" font-family="system-ui, sans-serif" font-size="%s" class="chart-svg">`,
		f(width), f(h), esc(titleID), esc(descID), f(fontSize))
	w.printf(`<title id="%s">%s</title><desc id="%s">%s</desc>`, esc(titleID), esc(c.Title), esc(descID), esc(c.describe()))
	if c.Kind == Horizontal {
		c.horizontal(w)
	} else {
		c.vertical(w)
	}
	w.printf(`</svg>`)
	return w.b.String()
}

// describe summarises the chart in words for its <desc>.
func (c *Chart) describe() string {
	if len(c.Labels) == 0 {
		return "No data."
	}
	names := make([]string, len(c.Series))
	for i, s := range c.Series {
		names[i] = s.Name
	}
	d := fmt.Sprintf("%s from %s to %s", strings.Join(names, ", "), c.Labels[0], c.Labels[len(c.Labels)-1])
	if c.Kind == Horizontal {
		d = fmt.Sprintf("%s for %d items", strings.Join(names, ", "), len(c.Labels))
	}
	if c.Unit != "" && c.Unit != "count" {
		d += ", in " + c.Unit
	}
	return d + ". The table below the chart lists every value."
}

// bounds returns the smallest and largest value drawn, stacks summed.
func (c *Chart) bounds() (lo, hi float64) {
	for i := range c.Labels {
		var pos, neg float64
		for k := range c.Series {
			v := c.Series[k].value(i)
			if !finite(v) {
				continue
			}
			if c.Kind == Stacked {
				if v > 0 {
					pos += v
				} else {
					neg += v
				}
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		lo, hi = math.Min(lo, neg), math.Max(hi, pos)
		if c.Band != nil {
			for _, v := range []float64{valueAt(c.Band.Low, i), valueAt(c.Band.High, i)} {
				if finite(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
	}
	return lo, hi
}

func valueAt(vs []float64, i int) float64 {
	if i < len(vs) {
		return vs[i]
	}
	return math.NaN()
}

// axisUnit is the unit shown above the value axis.
func (c *Chart) axisUnit() string {
	switch c.Unit {
	case "count":
		return "number"
	case "ratio":
		return "%"
	}
	return c.Unit
}

// vertical draws line, stacked and grouped charts.
func (c *Chart) vertical(w *svg) {
	lo, hi := c.bounds()
	ticks, step := niceTicks(lo, hi, valueTicks)
	tlo, thi := ticks[0], ticks[len(ticks)-1]
	// The left margin fits the longest tick label.
	left := 12.0
	for _, t := range ticks {
		left = math.Max(left, float64(len(tick(t, step, c.Unit)))*fontSize*0.6+10)
	}
	plotW, plotH := width-left-padRight, height-padTop-padBottom
	y := func(v float64) float64 { return padTop + plotH - (v-tlo)/(thi-tlo)*plotH }
	n := len(c.Labels)
	slot := plotW / float64(max(n, 1))
	x := func(i int) float64 { return left + slot*(float64(i)+0.5) }
	// Grid and value axis.
	for _, t := range ticks {
		yy := y(t)
		stroke := "#e3e3e3"
		if t == 0 {
			stroke = "#888888"
		}
		w.printf(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="1"/>`, f(left), f(width-padRight), f(yy), f(yy), stroke)
		w.printf(`<text x="%s" y="%s" text-anchor="end" fill="#555555">%s</text>`, f(left-4), f(yy+fontSize*0.35), esc(tick(t, step, c.Unit)))
	}
	if u := c.axisUnit(); u != "" {
		w.printf(`<text x="2" y="%s" fill="#555555">%s</text>`, f(fontSize), esc(u))
	}
	// Category labels: as many as fit, evenly spaced, the last one always
	// (ending at the plot's right edge, so it is never cut off).
	longest := 0
	for _, l := range c.Labels {
		longest = max(longest, len([]rune(l)))
	}
	lw := float64(longest)*fontSize*0.6 + 12
	every := max(int(math.Ceil(float64(n)*lw/plotW)), 1)
	textW := func(i int) float64 { return float64(len([]rune(c.Labels[i]))) * fontSize * 0.6 }
	lastLeft := x(n-1) + slot/2 - textW(n-1)
	for i := 0; i < n; i++ {
		if (n-1-i)%every != 0 || (i < n-1 && x(i)+textW(i)/2+8 > lastLeft) {
			continue
		}
		anchor, lx := "middle", x(i)
		if i == n-1 && n > 1 {
			anchor, lx = "end", math.Min(x(i)+slot/2, width-padRight)
		}
		w.printf(`<text x="%s" y="%s" text-anchor="%s" fill="#555555">%s</text>`, f(lx), f(height-padBottom+fontSize+6), anchor, esc(c.Labels[i]))
	}
	switch c.Kind {
	case Line:
		c.lines(w, x, y)
	default:
		c.bars(w, x, y, slot)
	}
}

// lines draws the band, then each series as a polyline with a dot per
// value carrying its hover text.
func (c *Chart) lines(w *svg, x func(int) float64, y func(float64) float64) {
	if b := c.Band; b != nil {
		var up, down []string
		for i := range c.Labels {
			lo, hi := valueAt(b.Low, i), valueAt(b.High, i)
			if finite(lo) && finite(hi) {
				up = append(up, f(x(i))+","+f(y(hi)))
				down = append([]string{f(x(i)) + "," + f(y(lo))}, down...)
			}
		}
		if len(up) > 1 {
			w.printf(`<polygon points="%s" fill="%s" fill-opacity="0.25" stroke="none"><title>%s</title></polygon>`,
				strings.Join(append(up, down...), " "), Color(b.Series), esc(b.Name))
		}
	}
	for k := range c.Series {
		s := &c.Series[k]
		var run []string
		flush := func() {
			if len(run) > 1 {
				dash := ""
				if s.Dashed {
					dash = ` stroke-dasharray="6 4"`
				}
				w.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"%s/>`, strings.Join(run, " "), Color(k), dash)
			}
			run = run[:0]
		}
		for i := range c.Labels {
			v := s.value(i)
			if !finite(v) {
				flush()
				continue
			}
			run = append(run, f(x(i))+","+f(y(v)))
		}
		flush()
		if s.Dashed {
			continue
		}
		for i := range c.Labels {
			if v := s.value(i); finite(v) {
				w.printf(`<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s</title></circle>`, f(x(i)), f(y(v)), Color(k), esc(c.hover(s.Name, i, v)))
			}
		}
	}
}

// bars draws stacked or grouped bars.
func (c *Chart) bars(w *svg, x func(int) float64, y func(float64) float64, slot float64) {
	c.eachBar(x, y, slot, func(i, k int, v, x0, top, width, height float64) {
		w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
			f(x0), f(top), f(width), f(height), Color(k), esc(c.hover(c.Series[k].Name, i, v)))
	})
}

// eachBar calls draw with the box of every bar, stacked or grouped: the
// one geometry of the SVG and the PNG bars.
func (c *Chart) eachBar(x func(int) float64, y func(float64) float64, slot float64, draw func(i, k int, v, x0, top, width, height float64)) {
	bw := slot * 0.75
	if c.Kind == Grouped && len(c.Series) > 1 {
		bw = slot * 0.8 / float64(len(c.Series))
	}
	for i := range c.Labels {
		var pos, neg float64
		for k := range c.Series {
			v := c.Series[k].value(i)
			if !finite(v) || v == 0 {
				continue
			}
			var x0, from, to float64
			switch c.Kind {
			case Stacked:
				x0 = x(i) - bw/2
				if v > 0 {
					from, to = pos, pos+v
					pos = to
				} else {
					from, to = neg, neg+v
					neg = to
				}
			default:
				x0 = x(i) - float64(len(c.Series))*bw/2 + float64(k)*bw
				from, to = 0, v
			}
			top, bottom := y(math.Max(from, to)), y(math.Min(from, to))
			draw(i, k, v, x0, top, math.Max(bw-0.5, 0.5), math.Max(bottom-top, 0.5))
		}
	}
}

// horizontal draws one row per label with its bars from the left.
func (c *Chart) horizontal(w *svg) {
	lo, hi := c.bounds()
	ticks, step := niceTicks(lo, hi, valueTicks)
	tlo, thi := ticks[0], ticks[len(ticks)-1]
	const left = 170.0
	n := len(c.Labels)
	plotH := rowH * float64(max(n, 1))
	plotW := width - left - padRight - 8
	x := func(v float64) float64 { return left + (v-tlo)/(thi-tlo)*plotW }
	for _, t := range ticks {
		xx := x(t)
		stroke := "#e3e3e3"
		if t == 0 {
			stroke = "#888888"
		}
		w.printf(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="1"/>`, f(xx), f(xx), f(padTop), f(padTop+plotH), stroke)
		w.printf(`<text x="%s" y="%s" text-anchor="middle" fill="#555555">%s</text>`, f(xx), f(padTop+plotH+fontSize+4), esc(tick(t, step, c.Unit)))
	}
	if u := c.axisUnit(); u != "" {
		w.printf(`<text x="%s" y="%s" text-anchor="end" fill="#555555">%s</text>`, f(width-padRight), f(padTop+plotH+2*fontSize+6), esc(u))
	}
	bh := rowH * 0.7 / float64(max(len(c.Series), 1))
	for i, label := range c.Labels {
		cy := padTop + rowH*(float64(i)+0.5)
		name := label
		if r := []rune(name); len(r) > 20 {
			name = string(r[:19]) + "…"
		}
		w.printf(`<text x="%s" y="%s" text-anchor="end" fill="#222222">%s<title>%s</title></text>`, f(left-6), f(cy+fontSize*0.35), esc(name), esc(label))
		for k := range c.Series {
			v := c.Series[k].value(i)
			if !finite(v) {
				continue
			}
			y0 := cy - rowH*0.35 + float64(k)*bh
			x0, x1 := x(math.Min(0, v)), x(math.Max(0, v))
			w.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				f(x0), f(y0), f(math.Max(x1-x0, 0.5)), f(bh-1), Color(k), esc(c.hover(c.Series[k].Name, i, v)))
		}
	}
}
