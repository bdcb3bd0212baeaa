package notify

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"mime/multipart"
	"net/textproto"
	"strings"

	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/store"
)

// An email can carry charts as inline images. The outbox row holds the
// charts' values, not their images (ChartData in the row's Data, a few
// kilobytes where three PNGs are 150 KB or more); the email channel draws
// them when it builds the message. Drawing is deterministic, so every
// attempt at one row sends the same images under the same Content-IDs.
// SVG is not used: Gmail and Outlook do not show it.

// ChartData is the part of a notification's Data that the email channel
// draws: {"charts": [...]}, each chart in package chart's JSON. Other
// channels ignore it (the dashboard draws its own charts).
type ChartData struct {
	Charts []chart.Chart `json:"charts,omitempty"`
}

// MaxEmailCharts bounds the images of one message: a briefing carries
// the two or three charts that matter, not a dashboard.
const MaxEmailCharts = 3

// inlineChart is a chart ready for a message.
type inlineChart struct {
	CID      string // Content-ID, without angle brackets
	Filename string
	Alt      string // the figures in words
	PNG      []byte
}

// Src is the image's URL in the HTML part. html/template would replace
// a cid: URL (not one of its known schemes) by "#ZgotmplZ"; the ID is ours.
func (c inlineChart) Src() template.URL { return template.URL("cid:" + c.CID) }

// chartsOf draws the charts a notification's Data carries, at most
// MaxEmailCharts, leaving out those without values. Data without a
// "charts" key (an alert's) has none; a "charts" key that cannot be read
// is an error: only aicoo writes it.
func chartsOf(n *store.Notification, domain string) ([]inlineChart, error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(n.Data, &top) != nil || top["charts"] == nil {
		return nil, nil
	}
	var charts []chart.Chart
	if err := json.Unmarshal(top["charts"], &charts); err != nil {
		return nil, fmt.Errorf("email: charts in the data: %w", err)
	}
	var out []inlineChart
	for i := range charts {
		c := &charts[i]
		if c.Empty() {
			continue
		}
		if len(out) == MaxEmailCharts {
			break
		}
		png, err := c.PNG(chart.PNGOptions{})
		if err != nil {
			return nil, fmt.Errorf("email: %w", err)
		}
		k := len(out) + 1
		out = append(out, inlineChart{
			CID:      fmt.Sprintf("chart%d.%s@%s", k, DeliveryID(n), domain),
			Filename: fileName(c.ID, k),
			Alt:      c.AltText(),
			PNG:      png,
		})
	}
	return out, nil
}

// fileName names a chart's image from its ID ([a-z0-9-]), or by its place.
func fileName(id string, k int) string {
	ok := id != ""
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			ok = false
		}
	}
	if !ok {
		return fmt.Sprintf("chart-%d.png", k)
	}
	return id + ".png"
}

// writeRelated writes the HTML part and its images as a multipart/related
// part of mw, the HTML first (RFC 2387: the root is the first part).
func writeRelated(mw *multipart.Writer, html string, charts []inlineChart) error {
	var buf strings.Builder
	rw := multipart.NewWriter(&buf)
	if err := writeQP(rw, "text/html; charset=utf-8", html); err != nil {
		return err
	}
	for _, c := range charts {
		pw, err := rw.CreatePart(textproto.MIMEHeader{
			"Content-Type":              {`image/png; name="` + c.Filename + `"`},
			"Content-Transfer-Encoding": {"base64"},
			"Content-Id":                {"<" + c.CID + ">"},
			"Content-Disposition":       {`inline; filename="` + c.Filename + `"`},
		})
		if err != nil {
			return fmt.Errorf("email: build: %w", err)
		}
		if err := writeBase64(pw, c.PNG); err != nil {
			return fmt.Errorf("email: build: %w", err)
		}
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("email: build: %w", err)
	}
	pw, err := mw.CreatePart(textproto.MIMEHeader{
		"Content-Type": {`multipart/related; type="text/html"; boundary=` + rw.Boundary()},
	})
	if err != nil {
		return fmt.Errorf("email: build: %w", err)
	}
	if _, err := io.WriteString(pw, buf.String()); err != nil {
		return fmt.Errorf("email: build: %w", err)
	}
	return nil
}

// writeBase64 writes b in base64 lines of 76 characters (RFC 2045).
func writeBase64(w io.Writer, b []byte) error {
	s := base64.StdEncoding.EncodeToString(b)
	for len(s) > 0 {
		n := min(76, len(s))
		if _, err := io.WriteString(w, s[:n]+"\r\n"); err != nil {
			return err
		}
		s = s[n:]
	}
	return nil
}
