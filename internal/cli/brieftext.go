package cli

import (
	"bytes"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// briefingText renders a briefing's Markdown as plain text for a terminal:
// headings underlined, tables in aligned columns, lists with their
// markers, and no Markdown syntax or escapes (`\[`, `\(`) left. Links keep
// their text; the dashboard carries the links.
func briefingText(markdown string) string {
	src := []byte(markdown)
	doc := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).Parser().Parse(text.NewReader(src))
	var b strings.Builder
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		writeBlock(&b, n, src, "")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func writeBlock(b *strings.Builder, n ast.Node, src []byte, indent string) {
	switch n := n.(type) {
	case *ast.Heading:
		line := inlineText(n, src)
		mark := "="
		if n.Level > 1 {
			mark = "-"
		}
		fmt.Fprintf(b, "%s\n%s\n\n", line, strings.Repeat(mark, len([]rune(line))))
	case *ast.Paragraph, *ast.TextBlock:
		fmt.Fprintf(b, "%s%s\n\n", indent, inlineText(n, src))
	case *ast.List:
		i := n.Start
		for it := n.FirstChild(); it != nil; it = it.NextSibling() {
			marker := "- "
			if n.IsOrdered() {
				marker = fmt.Sprintf("%d. ", i)
				i++
			}
			var parts []string
			for c := it.FirstChild(); c != nil; c = c.NextSibling() {
				parts = append(parts, inlineText(c, src))
			}
			fmt.Fprintf(b, "%s%s%s\n", indent, marker, strings.Join(parts, " "))
		}
		b.WriteString("\n")
	case *east.Table:
		var tb bytes.Buffer
		tw := tabwriter.NewWriter(&tb, 0, 0, 2, ' ', 0)
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, inlineText(c, src))
			}
			fmt.Fprintf(tw, "%s%s\n", indent, strings.Join(cells, "\t"))
		}
		tw.Flush()
		b.Write(tb.Bytes())
		b.WriteString("\n")
	case *ast.ThematicBreak:
		b.WriteString("\n")
	default:
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			writeBlock(b, c, src, indent)
		}
	}
}

// inlineText is the text of a node's inline children, without markup.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				v := c.Segment.Value(src)
				v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
				b.Write(v)
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.AutoLink:
				b.Write(c.URL(src))
			case *ast.RawHTML:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}
