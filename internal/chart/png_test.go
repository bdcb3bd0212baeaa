package chart_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aicoo/aicoo/internal/chart"
)

// months returns n month labels from Jan 2025.
func months(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s %d", [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}[i%12], 2025+i/12)
	}
	return out
}

// samples are charts of each kind as the briefing email draws them.
func samples() map[string]chart.Chart {
	cash := make([]float64, 24)
	for i := range cash {
		cash[i] = 180000 + 40000*math.Sin(float64(i)/3) - 2500*float64(i)
	}
	cash[5] = math.NaN()
	mid, low, high := make([]float64, 27), make([]float64, 27), make([]float64, 27)
	for i := range mid {
		mid[i], low[i], high[i] = math.NaN(), math.NaN(), math.NaN()
	}
	for i, v := range []float64{cash[23], 110000, 95000, 80000} {
		mid[23+i], low[23+i], high[23+i] = v, v-float64(i)*15000, v+float64(i)*12000
	}
	cashAll := append(append([]float64{}, cash...), math.NaN(), math.NaN(), math.NaN())
	rev, prev := make([]float64, 12), make([]float64, 12)
	for i := range rev {
		rev[i], prev[i] = 52000+float64(i*i)*900, 48000+float64(i)*1500
	}
	aging := make([]chart.Series, 5)
	for b, name := range []string{"Not due", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"} {
		vals := make([]float64, 12)
		for i := range vals {
			vals[i] = float64((5-b)*8000 + i*700*b)
		}
		aging[b] = chart.Series{Name: name, Values: vals}
	}
	return map[string]chart.Chart{
		"cash": {ID: "cash", Title: "Cash over 24 months and the next 13 weeks", Note: "Bank and cash accounts at each month end and today, then the forecast with its 80% range",
			Kind: chart.Line, Unit: "EUR", Labels: append(months(24), "29 Jan 2027", "26 Feb 2027", "7 Apr 2027"),
			Series: []chart.Series{{Name: "Cash", Values: cashAll}, {Name: "Forecast", Values: mid, Dashed: true}},
			Band:   &chart.Band{Name: "Forecast range (80%)", Low: low, High: high, Series: 1}},
		"revenue": {ID: "revenue", Title: "Revenue by month against a year before", Note: "Invoiced, before tax; the current month so far",
			Kind: chart.Grouped, Unit: "EUR", Labels: months(12),
			Series: []chart.Series{{Name: "This year", Values: rev}, {Name: "Same month a year before", Values: prev}}},
		"aging": {ID: "aging", Title: "Receivables by age", Kind: chart.Stacked, Unit: "EUR", Labels: months(12), Series: aging},
		"late":  {ID: "late", Title: "Late deliveries", Kind: chart.Line, Unit: "ratio", Labels: months(6), Series: []chart.Series{{Name: "Late", Values: []float64{0.1, 0.12, 0.08, 0.15, 0.2, 0.18}}}},
		"top": {ID: "top", Title: "Top overdue customers", Kind: chart.Horizontal, Unit: "EUR",
			Labels: []string{"Alpen Industrieservice KG & Co. Handels", "Bergmann GmbH", "Ceres SA"},
			Series: []chart.Series{{Name: "Overdue", Values: []float64{34456.2, 12999, 4100}}}},
		"empty": {ID: "empty", Title: "Nothing yet", Kind: chart.Line, Unit: "EUR", Labels: months(3),
			Series: []chart.Series{{Name: "Cash", Values: []float64{math.NaN(), math.NaN(), math.NaN()}}}},
	}
}

// inkIn counts the pixels of r that are not white.
func inkIn(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if cr < 0xf000 || cg < 0xf000 || cb < 0xf000 {
				n++
			}
		}
	}
	return n
}

// seriesInk counts the pixels of r within a few levels of colour c.
func seriesInk(img image.Image, r image.Rectangle, hex string) int {
	var want [3]uint32
	fmt.Sscanf(hex, "#%02x%02x%02x", &want[0], &want[1], &want[2])
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			got := [3]uint32{cr >> 8, cg >> 8, cb >> 8}
			near := true
			for i := range got {
				if d := int(got[i]) - int(want[i]); d > 3 || d < -3 {
					near = false
				}
			}
			if near {
				n++
			}
		}
	}
	return n
}

func TestPNG(t *testing.T) {
	t.Parallel()
	dump := os.Getenv("CHART_PNG_DIR") // set to look at the images
	for name, c := range samples() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			b1, err := c.PNG(chart.PNGOptions{})
			if err != nil {
				t.Fatal(err)
			}
			b2, err := c.PNG(chart.PNGOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1, b2) {
				t.Fatal("two renders of the same chart differ")
			}
			if dump != "" {
				if err := os.WriteFile(filepath.Join(dump, name+".png"), b1, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			img, err := png.Decode(bytes.NewReader(b1))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			b := img.Bounds()
			if b.Dx() != 2*chart.EmailWidth || b.Dy() < 2*120 || b.Dy() > 2*600 {
				t.Fatalf("size %v, want %d wide and 240 to 1200 high", b.Size(), 2*chart.EmailWidth)
			}
			// The title is drawn in the top band, left.
			if n := inkIn(img, image.Rect(0, 0, b.Dx()/2, 60)); n < 200 {
				t.Errorf("title band has %d inked pixels", n)
			}
			// The plot, the lower part right of the axis labels.
			plot := image.Rect(b.Dx()/5, b.Dy()/2, b.Dx()-30, b.Dy()-40)
			inked := seriesInk(img, plot, chart.Color(0))
			if name == "empty" {
				if inked != 0 {
					t.Errorf("empty chart has %d pixels of the first series' colour", inked)
				}
				return
			}
			if inked < 300 {
				t.Errorf("plot area has %d pixels of the first series' colour, want the series drawn", inked)
			}
		})
	}
}

func TestPNGScale(t *testing.T) {
	t.Parallel()
	c := samples()["revenue"]
	b, err := c.PNG(chart.PNGOptions{Width: 400, Scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	big, err := c.Image(chart.PNGOptions{Width: 400, Scale: 3})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != 400 || big.Bounds().Dx() != 1200 || big.Bounds().Dy() != 3*cfg.Height {
		t.Fatalf("1x %dx%d, 3x %v: want 400 wide and three times as large", cfg.Width, cfg.Height, big.Bounds().Size())
	}
}

func TestChartJSON(t *testing.T) {
	t.Parallel()
	for name, c := range samples() {
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("%s: marshal: %v", name, err)
		}
		var back chart.Chart
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: unmarshal %s: %v", name, b, err)
		}
		// NaN != NaN: compare the renders, which is what the JSON is for.
		p1, err := c.PNG(chart.PNGOptions{Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		p2, err := back.PNG(chart.PNGOptions{Scale: 1})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(p1, p2) || back.Kind != c.Kind || !reflect.DeepEqual(back.Labels, c.Labels) {
			t.Errorf("%s: the chart read back from %s draws differently", name, b)
		}
	}
	var c chart.Chart
	if err := json.Unmarshal([]byte(`{"kind":"pie"}`), &c); err == nil {
		t.Error("unknown kind accepted")
	}
}

func BenchmarkPNG(b *testing.B) {
	for _, name := range []string{"cash", "revenue", "aging"} {
		c := samples()[name]
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.PNG(chart.PNGOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestAltText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		c    chart.Chart
		want string
	}{
		{chart.Chart{Title: "Cash", Unit: "EUR", Labels: []string{"Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025"},
			Series: []chart.Series{{Name: "Cash", Values: []float64{120000, 80000.4, math.NaN(), 150000}}}},
			"Cash. Cash: 150,000 EUR in Apr 2025, from 120,000 EUR in Jan 2025; lowest 80,000 EUR in Feb 2025."},
		{chart.Chart{Title: "Late deliveries.", Unit: "ratio", Labels: []string{"Jan", "Feb"},
			Series: []chart.Series{{Name: "Late", Values: []float64{math.NaN(), 0.125}}}},
			"Late deliveries. Late: 12.5% in Feb."},
		{samples()["empty"], "Nothing yet. No figures yet."},
		{chart.Chart{Title: "Stock-out risk", Unit: "count", Labels: []string{"2 Mar", "3 Mar", "4 Mar"},
			Series: []chart.Series{{Name: "At risk", Values: []float64{7, 7, 7}}}},
			"Stock-out risk. At risk: 7 in 4 Mar, unchanged since 2 Mar."},
		{chart.Chart{Title: "Cash and forecast", Unit: "EUR", Labels: []string{"Feb 2026", "9 Mar 2026", "8 Jun 2026"},
			Series: []chart.Series{{Name: "Cash", Values: []float64{400000, 425427, math.NaN()}}, {Name: "Forecast", Values: []float64{math.NaN(), 425427, 718339}, Dashed: true}},
			Band:   &chart.Band{Name: "Forecast range (80%)", Low: []float64{math.NaN(), 425427, 590000}, High: []float64{math.NaN(), 425427, 845000.5}, Series: 1}},
			"Cash and forecast. Cash: 425,427 EUR in 9 Mar 2026, from 400,000 EUR in Feb 2026. Forecast: 718,339 EUR in 8 Jun 2026, from 425,427 EUR in 9 Mar 2026. Forecast range (80%): 590,000 EUR to 845,001 EUR in 8 Jun 2026."},
		{samples()["aging"], "Receivables by age. Not due: 40,000 EUR in Dec 2025. 1–30 days: 39,700 EUR in Dec 2025. 31–60 days: 39,400 EUR in Dec 2025. 61–90 days: 39,100 EUR in Dec 2025. Over 90 days: 38,800 EUR in Dec 2025."},
	}
	for _, tc := range cases {
		if got := tc.c.AltText(); got != tc.want {
			t.Errorf("AltText\n got %q\nwant %q", got, tc.want)
		}
	}
}
