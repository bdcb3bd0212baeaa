package briefing

import (
	"bytes"
	"fmt"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// Renderer turns briefing Markdown into sanitised HTML for the web and
// email. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

// NewRenderer builds a Renderer: GitHub-flavoured tables, raw HTML dropped
// by the Markdown parser, and the output cleaned again by a user-content
// policy (links get rel="nofollow noopener", target="_blank").
func NewRenderer() *Renderer {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowURLSchemes("http", "https", "mailto")
	return &Renderer{md: goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)), policy: p}
}

// HTML renders Markdown to sanitised HTML.
func (r *Renderer) HTML(markdown string) (string, error) {
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(markdown), &buf); err != nil {
		return "", fmt.Errorf("briefing: render markdown: %w", err)
	}
	return r.policy.Sanitize(buf.String()), nil
}
