package cli

import (
	"io"
	"strings"
)

// termSafeWriter drops terminal control characters from what a command
// prints: Odoo data (partner names, invoice references, alert titles) is
// written by people outside the company, and an escape sequence in it
// could clear the screen, retitle the window or write the clipboard
// (OSC 52) of whoever runs the command. Newlines and tabs stay; C0
// controls, DEL and the C1 controls (U+0080–U+009F, two bytes in UTF-8)
// go. Every command's standard output passes through one (see Run), so
// no command has to remember to clean each field.
type termSafeWriter struct {
	w io.Writer
	// c2 is set when the previous write ended with 0xC2, the first byte
	// of a C1 control or of another character.
	c2 bool
}

func newTermSafeWriter(w io.Writer) *termSafeWriter { return &termSafeWriter{w: w} }

func (t *termSafeWriter) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p)+1)
	i := 0
	if t.c2 {
		t.c2 = false
		if len(p) > 0 && p[0] >= 0x80 && p[0] <= 0x9f {
			i = 1
		} else {
			out = append(out, 0xc2)
		}
	}
	for ; i < len(p); i++ {
		b := p[i]
		switch {
		case b == '\n' || b == '\t':
			out = append(out, b)
		case b < 0x20 || b == 0x7f:
		case b == 0xc2:
			if i+1 == len(p) {
				t.c2 = true
				continue
			}
			if n := p[i+1]; n >= 0x80 && n <= 0x9f {
				i++
				continue
			}
			out = append(out, b)
		default:
			out = append(out, b)
		}
	}
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// termSafe is termSafeWriter for one string (an error line on stderr).
func termSafe(s string) string {
	var b strings.Builder
	w := newTermSafeWriter(&b)
	w.Write([]byte(s))
	if w.c2 {
		b.WriteByte(0xc2)
	}
	return b.String()
}
