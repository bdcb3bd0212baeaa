package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestBriefFormats: text has no Markdown left (no escapes, no table
// pipes), md stays Markdown, --json carries both.
func TestBriefFormats(t *testing.T) {
	t.Parallel()
	const title = "Invoice [INV/2026/001] (Acme_Ltd) is *late*"
	env, _, _ := opsStore(t, []string{"root"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		if _, _, err := s.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: conn.ID, Fingerprint: "f", Type: "overdue_invoice", Priority: "high", Title: title}); err != nil {
			t.Fatal(err)
		}
	})
	code, out, errOut := run(t, env, "brief", "--format", "text")
	if code != 0 || !strings.Contains(out, title) || strings.Contains(out, `\`) || strings.Contains(out, "|") || strings.Contains(out, "**") {
		t.Fatalf("text: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"Headline figures\n----------------", "- High · " + title} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = run(t, env, "brief", "--format", "md")
	if code != 0 || !strings.Contains(out, `Invoice \[INV/2026/001\] \(Acme\_Ltd\)`) || !strings.Contains(out, "## Headline figures") {
		t.Fatalf("md: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, env, "brief", "--json", "--role", "ceo")
	var b briefJSON
	if err := json.Unmarshal([]byte(out), &b); code != 0 || err != nil || b.Role != "ceo" || b.Connection != "default" ||
		!strings.Contains(b.Text, title) || !strings.Contains(b.Markdown, `\[INV`) {
		t.Fatalf("json: exit %d %v\n%s", code, err, out)
	}
	if code, _, errOut := run(t, env, "brief", "--format", "pdf"); code != 2 || !strings.Contains(errOut, `--format "pdf": want text, md or html`) {
		t.Fatalf("bad format: exit %d %s", code, errOut)
	}
}
