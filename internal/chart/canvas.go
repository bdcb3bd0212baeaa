package chart

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// canvas draws shapes and text on an RGBA image in CSS pixels: every
// coordinate is multiplied by the scale (the pixel density). Shapes are
// anti-aliased by golang.org/x/image/vector, text uses the Go fonts, so
// the same chart gives the same bytes on every machine.
type canvas struct {
	img   *image.RGBA
	z     vector.Rasterizer
	scale float64
	faces map[faceKey]font.Face
	// drawn lists the texts drawn, in order: the tests compare them with
	// the SVG's.
	drawn []string
}

type faceKey struct {
	size float64
	bold bool
}

// pt is a point in CSS pixels.
type pt struct{ x, y float64 }

// goFonts parses the embedded Go fonts once: they are read-only after.
var goFonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	var out [2]*opentype.Font
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return out, fmt.Errorf("chart: parse the Go font: %w", err)
		}
		out[i] = f
	}
	return out, nil
})

func newCanvas(w, h, scale float64) *canvas {
	img := image.NewRGBA(image.Rect(0, 0, int(math.Ceil(w*scale)), int(math.Ceil(h*scale))))
	for i := range img.Pix {
		img.Pix[i] = 0xff // opaque white: mail clients in dark mode would show a transparent chart on black
	}
	return &canvas{img: img, scale: scale, faces: map[faceKey]font.Face{}}
}

// face returns the Go font at size CSS pixels. Faces are made per canvas:
// an opentype face caches glyphs and is not safe for concurrent use.
func (cv *canvas) face(size float64, bold bool) (font.Face, error) {
	k := faceKey{size, bold}
	if f, ok := cv.faces[k]; ok {
		return f, nil
	}
	fonts, err := goFonts()
	if err != nil {
		return nil, err
	}
	i := 0
	if bold {
		i = 1
	}
	f, err := opentype.NewFace(fonts[i], &opentype.FaceOptions{Size: size * cv.scale, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("chart: font face: %w", err)
	}
	cv.faces[k] = f
	return f, nil
}

func (cv *canvas) close() {
	for _, f := range cv.faces {
		_ = f.Close()
	}
}

// fill paints the polygons in col. Each polygon is added counter-clockwise
// so that overlapping ones (the segments and joints of a line) add up
// instead of cancelling in the rasterizer's accumulation. Only the
// polygons' bounding box is rasterized: a chart has hundreds of marks.
func (cv *canvas) fill(col color.Color, polys ...[]pt) {
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range polys {
		for _, q := range p {
			x0, y0 = math.Min(x0, q.x*cv.scale), math.Min(y0, q.y*cv.scale)
			x1, y1 = math.Max(x1, q.x*cv.scale), math.Max(y1, q.y*cv.scale)
		}
	}
	r := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(cv.img.Bounds())
	if r.Empty() {
		return
	}
	cv.z.Reset(r.Dx(), r.Dy())
	ox, oy := float64(r.Min.X), float64(r.Min.Y)
	for _, p := range polys {
		if len(p) < 3 {
			continue
		}
		var area float64
		for i := range p {
			j := (i + 1) % len(p)
			area += p[i].x*p[j].y - p[j].x*p[i].y
		}
		at := func(i int) (float32, float32) {
			if area < 0 {
				i = len(p) - 1 - i
			}
			return float32(p[i].x*cv.scale - ox), float32(p[i].y*cv.scale - oy)
		}
		cv.z.MoveTo(at(0))
		for i := 1; i < len(p); i++ {
			cv.z.LineTo(at(i))
		}
		cv.z.ClosePath()
	}
	cv.z.Draw(cv.img, r, image.NewUniform(col), image.Point{})
}

// rect paints an axis-aligned rectangle.
func (cv *canvas) rect(x0, y0, x1, y1 float64, col color.Color) {
	cv.fill(col, []pt{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}})
}

// circle returns a polygon approximating a circle.
func circle(c pt, r float64) []pt {
	const n = 16
	out := make([]pt, n)
	for i := range out {
		a := 2 * math.Pi * float64(i) / n
		out[i] = pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)}
	}
	return out
}

// stroke paints a polyline width wide with round joins; dash, when set,
// is the on and off lengths.
func (cv *canvas) stroke(line []pt, width float64, col color.Color, dash ...float64) {
	if len(dash) == 2 {
		for _, seg := range dashes(line, dash[0], dash[1]) {
			cv.stroke(seg, width, col)
		}
		return
	}
	var polys [][]pt
	h := width / 2
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*h, dx/l*h
		polys = append(polys, []pt{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
		if i < len(line)-1 {
			polys = append(polys, circle(b, h))
		}
	}
	if len(polys) > 0 {
		cv.fill(col, polys...)
	}
}

// dashes cuts a polyline into its dashes.
func dashes(line []pt, on, off float64) [][]pt {
	var (
		out  [][]pt
		cur  []pt
		left = on // length left in the current dash or gap
		draw = true
	)
	if len(line) > 0 {
		cur = []pt{line[0]}
	}
	for i := 1; i < len(line); i++ {
		a, b := line[i-1], line[i]
		l := math.Hypot(b.x-a.x, b.y-a.y)
		pos := 0.0
		for l-pos > left {
			pos += left
			p := pt{a.x + (b.x-a.x)*pos/l, a.y + (b.y-a.y)*pos/l}
			if draw {
				out = append(out, append(cur, p))
				cur = nil
				left = off
			} else {
				cur = []pt{p}
				left = on
			}
			draw = !draw
		}
		left -= l - pos
		if draw {
			cur = append(cur, b)
		}
	}
	if draw && len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

// Text anchors, as SVG's text-anchor.
const (
	anchorStart = iota
	anchorMiddle
	anchorEnd
)

// measure returns the width of s in CSS pixels.
func (cv *canvas) measure(s string, size float64, bold bool) (float64, error) {
	f, err := cv.face(size, bold)
	if err != nil {
		return 0, err
	}
	return float64(font.MeasureString(f, s)) / 64 / cv.scale, nil
}

// text draws s with its baseline at y.
func (cv *canvas) text(s string, x, y, size float64, bold bool, anchor int, col color.Color) error {
	f, err := cv.face(size, bold)
	if err != nil {
		return err
	}
	w := float64(font.MeasureString(f, s)) / 64
	px := x * cv.scale
	switch anchor {
	case anchorMiddle:
		px -= w / 2
	case anchorEnd:
		px -= w
	}
	cv.drawn = append(cv.drawn, s)
	d := font.Drawer{Dst: cv.img, Src: image.NewUniform(col), Face: f, Dot: fixed.Point26_6{X: fixed.Int26_6(math.Round(px * 64)), Y: fixed.Int26_6(math.Round(y * cv.scale * 64))}}
	d.DrawString(s)
	return nil
}

// wrap breaks s into lines at most width wide, at spaces.
func (cv *canvas) wrap(s string, size float64, bold bool, width float64) ([]string, error) {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := word
		if line != "" {
			try = line + " " + word
		}
		w, err := cv.measure(try, size, bold)
		if err != nil {
			return nil, err
		}
		if w > width && line != "" {
			lines = append(lines, line)
			line = word
			continue
		}
		line = try
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines, nil
}

// hexColor parses "#rrggbb" with an alpha.
func hexColor(s string, alpha uint8) color.NRGBA {
	v, _ := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: alpha}
}
