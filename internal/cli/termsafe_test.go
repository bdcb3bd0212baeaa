package cli

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aicoo/aicoo/internal/store"
)

// planted is Odoo text with a screen clear, an OSC 52 clipboard write, an
// 8-bit CSI (U+009B) and a carriage return that would hide what precedes it.
const planted = "Pay Acme\x1b[2J\x1b]52;c;ZXZpbA==\x07 now\u009b31m\rFAKE\x7f"

// controlFree reports the first control character in s other than a
// newline or a tab.
func controlFree(s string) (rune, bool) {
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			return r, false
		}
	}
	return 0, true
}

func TestTermSafeWriter(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{planted, "Pay Acme[2J]52;c;ZXZpbA== now31mFAKE"},
		{"Müller\tÀ\n", "Müller\tÀ\n"},
		{"naïve ©", "naïve ©"}, // U+00A9 starts with 0xC2 and stays
	}
	for _, tt := range tests {
		if got := termSafe(tt.in); got != tt.want {
			t.Errorf("termSafe(%q) = %q, want %q", tt.in, got, tt.want)
		}
		// Written a byte at a time, as a tabwriter may split it.
		var b bytes.Buffer
		w := newTermSafeWriter(&b)
		for i := range len(tt.in) {
			w.Write([]byte{tt.in[i]})
		}
		if b.String() != tt.want || !utf8.ValidString(b.String()) {
			t.Errorf("byte by byte %q: got %q", tt.in, b.String())
		}
	}
}

// TestCommandsDropControlCharacters plants an escape sequence in an alert
// title (as a hostile Odoo user could in a partner name) and checks every
// command that prints it.
func TestCommandsDropControlCharacters(t *testing.T) {
	t.Parallel()
	var id int64
	env, _, _ := opsStore(t, []string{"root"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		a, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, Fingerprint: "f", Type: "overdue_invoice", Priority: "high",
			Title: planted, Description: planted})
		if err != nil {
			t.Fatal(err)
		}
		id = a.ID
	})
	for _, args := range [][]string{
		{"alerts", "list"}, {"alerts", "show", strconv.FormatInt(id, 10)}, {"brief", "--format", "md"}, {"brief", "--format", "text"},
		{"alerts", "list", "--json"},
	} {
		code, out, errOut := run(t, env, args...)
		if code != 0 || !strings.Contains(out, "Pay Acme") {
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		if r, ok := controlFree(out); !ok {
			t.Errorf("%v prints control character %U:\n%q", args, r, out)
		}
	}
}
