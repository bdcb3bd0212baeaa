package chart

import (
	"html/template"
	"strings"
)

// HTML returns the chart as a <figure>: its title (a link to the
// drill-down when Href is set), the SVG, a legend, and a table of the same
// values in a <details> for screen readers and for reading exact numbers.
// A chart without values says so instead of drawing empty axes.
func (c *Chart) HTML() template.HTML {
	var b strings.Builder
	b.WriteString(`<figure class="chart" id="` + esc(c.ID) + `">`)
	b.WriteString(`<figcaption><span class="chart-title">`)
	if c.Href != "" {
		b.WriteString(`<a href="` + esc(c.Href) + `">` + esc(c.Title) + `</a>`)
	} else {
		b.WriteString(esc(c.Title))
	}
	b.WriteString(`</span>`)
	if c.Note != "" {
		b.WriteString(` <span class="chart-note">` + esc(c.Note) + `</span>`)
	}
	b.WriteString(`</figcaption>`)
	if c.Empty() {
		b.WriteString(`<p class="muted">No figures for this chart yet: they appear after the first sync.</p></figure>`)
		return template.HTML(b.String())
	}
	b.WriteString(c.SVG())
	if len(c.Series) > 1 || c.Band != nil {
		b.WriteString(`<ul class="chart-legend">`)
		for i, s := range c.Series {
			b.WriteString(`<li><svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="` + Color(i) + `"/></svg> ` + esc(s.Name) + `</li>`)
		}
		if c.Band != nil {
			b.WriteString(`<li><svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="` + Color(0) + `" fill-opacity="0.15"/></svg> ` + esc(c.Band.Name) + `</li>`)
		}
		b.WriteString(`</ul>`)
	}
	b.WriteString(c.table())
	if c.Href != "" && c.HrefText != "" {
		b.WriteString(`<p class="chart-more"><a href="` + esc(c.Href) + `">` + esc(c.HrefText) + `</a></p>`)
	}
	b.WriteString(`</figure>`)
	return template.HTML(b.String())
}

// table renders the values as a table: one row per label.
func (c *Chart) table() string {
	var b strings.Builder
	b.WriteString(`<details class="chart-table"><summary>Show the figures as a table</summary><div class="table-scroll"><table><thead><tr><th scope="col"></th>`)
	for _, s := range c.Series {
		b.WriteString(`<th scope="col" class="num">` + esc(s.Name) + `</th>`)
	}
	if c.Band != nil {
		b.WriteString(`<th scope="col" class="num">` + esc(c.Band.Name) + `</th>`)
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, l := range c.Labels {
		b.WriteString(`<tr><th scope="row">` + esc(l) + `</th>`)
		for k := range c.Series {
			v := c.Series[k].value(i)
			cell := "–"
			if finite(v) {
				cell = Value(v, c.Unit)
			}
			b.WriteString(`<td class="num">` + esc(cell) + `</td>`)
		}
		if bd := c.Band; bd != nil {
			cell := "–"
			if lo, hi := valueAt(bd.Low, i), valueAt(bd.High, i); finite(lo) && finite(hi) {
				cell = Value(lo, c.Unit) + " to " + Value(hi, c.Unit)
			}
			b.WriteString(`<td class="num">` + esc(cell) + `</td>`)
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div></details>`)
	return b.String()
}
