package cli

import (
	"strings"
	"testing"
)

// TestMigrationsLoggedOnce: each applied migration is one log line, not
// River's and aicoo's both.
func TestMigrationsLoggedOnce(t *testing.T) {
	t.Parallel()
	code, out, errOut := run(t, nil, "migrate", "--data", t.TempDir())
	if code != 0 || !strings.Contains(out, "schema up to date") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(errOut, "rivermigrate") || !strings.Contains(errOut, "jobs: river migration applied") {
		t.Fatalf("migration lines:\n%s", errOut)
	}
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
		i, j := strings.Index(l, "msg="), strings.Index(l, " duration=")
		if i < 0 || j < i {
			continue
		}
		if key := l[i:j]; seen[key] {
			t.Errorf("logged twice: %s", key)
		} else {
			seen[key] = true
		}
	}
}
