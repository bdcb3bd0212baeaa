package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestREADMESequence runs what the README leads a newcomer to do: "aicoo
// demo --size small" in a fresh folder, then, from that folder and with no
// flags or environment, the commands of the quick start while the demo
// runs. Each must succeed, and no stray ./aicoo-data may appear. Not
// parallel: the folder is the working directory.
func TestREADMESequence(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"demo", "--size", "small", "--addr", "127.0.0.1:0"}, &out, &errOut, nil)
	}()
	deadline := time.Now().Add(150 * time.Second)
	for !strings.Contains(out.String(), "analyses done:") {
		select {
		case code := <-done:
			t.Fatalf("demo exited %d:\n%s\n%s", code, out.String(), errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no analyses after 150 s:\n%s\n%s", out.String(), errOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The demo's terminal: the banner and its milestones, with examples
	// that work as printed; no info logs.
	for _, want := range []string{"The first sync of the company runs now", "alerts list\n", "sync: ", " models 100% ("} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(errOut.String(), "level=INFO") {
		t.Errorf("the demo logs info by default:\n%s", errOut.String())
	}

	steps := []struct {
		args  []string
		check func(out string) bool
	}{
		{[]string{"alerts", "list"}, func(o string) bool { return strings.HasPrefix(o, "ID ") && strings.Count(o, "\n") > 3 }},
		{[]string{"alerts", "list", "--json"}, func(o string) bool {
			var v []alertJSON
			return json.Unmarshal([]byte(o), &v) == nil && len(v) > 3 && v[0].Title != ""
		}},
		{[]string{"brief"}, func(o string) bool { return strings.Contains(o, "Headline figures") }},
		{[]string{"ask", "What needs approval?"}, func(o string) bool { return strings.Contains(o, "pending actions") && strings.Contains(o, "Sources:") }},
		{[]string{"token", "create", "--user", "admin"}, func(o string) bool { return strings.Contains(o, "aicoo_") }},
		{[]string{"audit", "verify"}, func(o string) bool { return strings.Contains(o, "audit log intact") }},
		{[]string{"rules", "list", "--json"}, func(o string) bool {
			var v []ruleJSON
			return json.Unmarshal([]byte(o), &v) == nil && len(v) > 0
		}},
	}
	for _, st := range steps {
		code, o, e := run(t, nil, st.args...)
		if code != 0 || !st.check(o) {
			t.Errorf("%v: exit %d\n%s%s", st.args, code, o, e)
		}
		if !strings.Contains(e, "using the demo's store in ./aicoo-demo") {
			t.Errorf("%v does not say which store it uses: %q", st.args, e)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "aicoo-data")); !os.IsNotExist(err) {
		t.Errorf("a command created ./aicoo-data: %v", err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("demo exited %d:\n%s", code, errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop")
	}
}
