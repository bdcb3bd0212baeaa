package chart

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// PNG output is for where SVG is not shown: email clients (Gmail,
// Outlook) drop SVG images. The PNG draws the same chart as SVG, from the
// same values, bounds, ticks and formats, and adds what the HTML around an
// SVG carries: the title, the note and the legend, so the image stands
// alone in a message.

// EmailWidth is the width of a PNG chart in CSS pixels: the usual width
// of an email's body.
const EmailWidth = 600

// Geometry of a PNG chart, in CSS pixels.
const (
	pngPlotH     = 200.0 // plot area of a vertical chart
	pngPad       = 12.0
	pngTitleSize = 17.0
	pngTextSize  = 13.0
	pngRowH      = 24.0 // a row of a Horizontal chart
	pngLineH     = 1.35 // line height, times the font size
)

var (
	inkText  = hexColor("#222222", 0xff)
	inkMuted = hexColor("#555555", 0xff)
	inkGrid  = hexColor("#e3e3e3", 0xff)
	inkZero  = hexColor("#888888", 0xff)
)

// PNGOptions size a PNG chart.
type PNGOptions struct {
	// Width in CSS pixels; EmailWidth when 0.
	Width int
	// Scale is the pixel density: the image is Width*Scale pixels wide.
	// 2 when 0, sharp on high-density screens once shown at Width.
	Scale int
}

func (o PNGOptions) norm() (w, scale float64) {
	if o.Width <= 0 {
		o.Width = EmailWidth
	}
	if o.Scale <= 0 {
		o.Scale = 2
	}
	return float64(o.Width), float64(o.Scale)
}

// PNG renders the chart as a PNG image. The bytes depend only on the
// chart and the options, so a message rendered again is the same message.
func (c *Chart) PNG(o PNGOptions) ([]byte, error) {
	img, err := c.Image(o)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("chart: encode %q as PNG: %w", c.Title, err)
	}
	return b.Bytes(), nil
}

// Image draws the chart on a new RGBA image; PNG encodes it.
func (c *Chart) Image(o PNGOptions) (*image.RGBA, error) {
	cv, err := c.draw(o)
	if err != nil {
		return nil, err
	}
	return cv.img, nil
}

func (c *Chart) draw(o PNGOptions) (*canvas, error) {
	width, scale := o.norm()
	// A first pass on a 1-pixel canvas measures the header; the second
	// draws at the height it gives.
	probe := newCanvas(1, 1, scale)
	defer probe.close()
	top, err := c.header(probe, width, false)
	if err != nil {
		return nil, err
	}
	h := top + pngPlotH + pngTextSize*pngLineH + pngPad
	if c.Kind == Horizontal {
		h = top + pngRowH*float64(max(len(c.Labels), 1)) + 2*pngTextSize*pngLineH + pngPad
	}
	cv := newCanvas(width, math.Ceil(h), scale)
	defer cv.close()
	if _, err := c.header(cv, width, true); err != nil {
		return nil, err
	}
	if c.Empty() {
		err = cv.text("No figures yet.", width/2, top+pngPlotH/2, pngTextSize, false, anchorMiddle, inkMuted)
	} else if c.Kind == Horizontal {
		err = c.pngHorizontal(cv, width, top)
	} else {
		err = c.pngVertical(cv, width, top, math.Ceil(h))
	}
	if err != nil {
		return nil, err
	}
	return cv, nil
}

// header lays out (and, when draw, draws) the title, the note, the legend
// and the value axis' unit; it returns where the plot starts.
func (c *Chart) header(cv *canvas, width float64, draw bool) (float64, error) {
	y := pngPad
	inner := width - 2*pngPad
	lines := func(s string, size float64, bold bool, ink color.Color) error {
		ls, err := cv.wrap(s, size, bold, inner)
		if err != nil {
			return err
		}
		for _, l := range ls {
			y += size * pngLineH
			if draw {
				if err := cv.text(l, pngPad, y-size*0.3, size, bold, anchorStart, ink); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := lines(c.Title, pngTitleSize, true, inkText); err != nil {
		return 0, err
	}
	if c.Note != "" {
		if err := lines(c.Note, pngTextSize, false, inkMuted); err != nil {
			return 0, err
		}
	}
	if len(c.Series) > 1 || c.Band != nil {
		type item struct {
			name  string
			color string
			alpha uint8
		}
		var items []item
		for i, s := range c.Series {
			items = append(items, item{s.Name, Color(i), 0xff})
		}
		if c.Band != nil {
			items = append(items, item{c.Band.Name, Color(c.Band.Series), 0x40})
		}
		y += 4
		x := pngPad
		lineH := pngTextSize * pngLineH
		y += lineH
		for _, it := range items {
			w, err := cv.measure(it.name, pngTextSize, false)
			if err != nil {
				return 0, err
			}
			if x > pngPad && x+14+w > width-pngPad {
				x, y = pngPad, y+lineH
			}
			if draw {
				cv.rect(x, y-pngTextSize*0.85, x+10, y-pngTextSize*0.85+10, hexColor(it.color, it.alpha))
				if err := cv.text(it.name, x+14, y-pngTextSize*0.1, pngTextSize, false, anchorStart, inkText); err != nil {
					return 0, err
				}
			}
			x += 14 + w + 16
		}
	}
	if u := c.axisUnit(); u != "" && c.Kind != Horizontal {
		y += pngTextSize*pngLineH + 4
		if draw {
			if err := cv.text(u, pngPad, y-pngTextSize*0.3, pngTextSize, false, anchorStart, inkMuted); err != nil {
				return 0, err
			}
		}
	}
	return y + pngTextSize*0.6, nil
}

// pngVertical draws line, stacked and grouped charts below top.
func (c *Chart) pngVertical(cv *canvas, width, top, height float64) error {
	lo, hi := c.bounds()
	ticks, step := niceTicks(lo, hi, valueTicks)
	tlo, thi := ticks[0], ticks[len(ticks)-1]
	left := 0.0
	for _, t := range ticks {
		w, err := cv.measure(tick(t, step, c.Unit), pngTextSize, false)
		if err != nil {
			return err
		}
		left = math.Max(left, w)
	}
	x0 := pngPad + left + 8
	x1 := width - pngPad
	y0 := top
	plotH := height - pngPad - pngTextSize*pngLineH - top
	y := func(v float64) float64 { return y0 + plotH - (v-tlo)/(thi-tlo)*plotH }
	for _, t := range ticks {
		ink := inkGrid
		if t == 0 {
			ink = inkZero
		}
		yy := y(t)
		cv.rect(x0, yy-0.5, x1, yy+0.5, ink)
		if err := cv.text(tick(t, step, c.Unit), x0-6, yy+pngTextSize*0.35, pngTextSize, false, anchorEnd, inkMuted); err != nil {
			return err
		}
	}
	n := len(c.Labels)
	slot := (x1 - x0) / float64(max(n, 1))
	x := func(i int) float64 { return x0 + slot*(float64(i)+0.5) }
	if err := c.pngLabels(cv, x, slot, x0, x1, y0+plotH+pngTextSize+4); err != nil {
		return err
	}
	if c.Kind == Line {
		c.pngLines(cv, x, y)
		return nil
	}
	c.pngBars(cv, x, y, slot)
	return nil
}

// pngLabels draws the category labels that fit, evenly spaced, the last
// one always (ending at the plot's right edge), as SVG does.
func (c *Chart) pngLabels(cv *canvas, x func(int) float64, slot, left, right, base float64) error {
	n := len(c.Labels)
	if n == 0 {
		return nil
	}
	widths := make([]float64, n)
	longest := 0.0
	for i, l := range c.Labels {
		w, err := cv.measure(l, pngTextSize, false)
		if err != nil {
			return err
		}
		widths[i], longest = w, math.Max(longest, w)
	}
	every := max(int(math.Ceil(float64(n)*(longest+12)/(right-left))), 1)
	lastLeft := math.Min(x(n-1)+slot/2, right) - widths[n-1]
	for i := range n {
		if (n-1-i)%every != 0 || (i < n-1 && x(i)+widths[i]/2+8 > lastLeft) {
			continue
		}
		anchor, lx := anchorMiddle, x(i)
		if i == n-1 && n > 1 {
			anchor, lx = anchorEnd, math.Min(x(i)+slot/2, right)
		}
		if err := cv.text(c.Labels[i], lx, base, pngTextSize, false, anchor, inkMuted); err != nil {
			return err
		}
	}
	return nil
}

// pngLines draws the band, then each series as a line with a dot per
// measured value.
func (c *Chart) pngLines(cv *canvas, x func(int) float64, y func(float64) float64) {
	if b := c.Band; b != nil {
		var up, down []pt
		for i := range c.Labels {
			lo, hi := valueAt(b.Low, i), valueAt(b.High, i)
			if finite(lo) && finite(hi) {
				up = append(up, pt{x(i), y(hi)})
				down = append([]pt{{x(i), y(lo)}}, down...)
			}
		}
		if len(up) > 1 {
			cv.fill(hexColor(Color(b.Series), 0x40), append(up, down...))
		}
	}
	for k := range c.Series {
		s := &c.Series[k]
		ink := hexColor(Color(k), 0xff)
		var run []pt
		flush := func() {
			if len(run) > 1 {
				if s.Dashed {
					cv.stroke(run, 2, ink, 6, 4)
				} else {
					cv.stroke(run, 2, ink)
				}
			}
			run = run[:0]
		}
		for i := range c.Labels {
			v := s.value(i)
			if !finite(v) {
				flush()
				continue
			}
			run = append(run, pt{x(i), y(v)})
		}
		flush()
		if s.Dashed {
			continue
		}
		for i := range c.Labels {
			if v := s.value(i); finite(v) {
				cv.fill(ink, circle(pt{x(i), y(v)}, 3))
			}
		}
	}
}

// pngBars draws stacked or grouped bars.
func (c *Chart) pngBars(cv *canvas, x func(int) float64, y func(float64) float64, slot float64) {
	c.eachBar(x, y, slot, func(_, k int, _, x0, top, width, height float64) {
		cv.rect(x0, top, x0+width, top+height, hexColor(Color(k), 0xff))
	})
}

// pngHorizontal draws one row per label with its bars from the left.
func (c *Chart) pngHorizontal(cv *canvas, width, top float64) error {
	lo, hi := c.bounds()
	ticks, step := niceTicks(lo, hi, valueTicks)
	tlo, thi := ticks[0], ticks[len(ticks)-1]
	names := make([]string, len(c.Labels))
	left := 0.0
	for i, l := range c.Labels {
		names[i] = l
		if r := []rune(l); len(r) > 24 {
			names[i] = string(r[:23]) + "…"
		}
		w, err := cv.measure(names[i], pngTextSize, false)
		if err != nil {
			return err
		}
		left = math.Max(left, w)
	}
	left = pngPad + math.Min(left, width*0.4) + 8
	// The last tick label is centred on the right edge: keep room for it.
	right := width - pngPad - 20
	plotH := pngRowH * float64(max(len(c.Labels), 1))
	x := func(v float64) float64 { return left + (v-tlo)/(thi-tlo)*(right-left) }
	for _, t := range ticks {
		ink := inkGrid
		if t == 0 {
			ink = inkZero
		}
		xx := x(t)
		cv.rect(xx-0.5, top, xx+0.5, top+plotH, ink)
		if err := cv.text(tick(t, step, c.Unit), xx, top+plotH+pngTextSize+4, pngTextSize, false, anchorMiddle, inkMuted); err != nil {
			return err
		}
	}
	if u := c.axisUnit(); u != "" {
		if err := cv.text(u, width-pngPad, top+plotH+2*pngTextSize*pngLineH+2, pngTextSize, false, anchorEnd, inkMuted); err != nil {
			return err
		}
	}
	bh := pngRowH * 0.7 / float64(max(len(c.Series), 1))
	for i := range c.Labels {
		cy := top + pngRowH*(float64(i)+0.5)
		if err := cv.text(names[i], left-6, cy+pngTextSize*0.35, pngTextSize, false, anchorEnd, inkText); err != nil {
			return err
		}
		for k := range c.Series {
			v := c.Series[k].value(i)
			if !finite(v) {
				continue
			}
			by := cy - pngRowH*0.35 + float64(k)*bh
			bx0, bx1 := x(math.Min(0, v)), x(math.Max(0, v))
			cv.rect(bx0, by, bx0+math.Max(bx1-bx0, 0.5), by+bh-1, hexColor(Color(k), 0xff))
		}
	}
	return nil
}
