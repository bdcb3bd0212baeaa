package pipeline_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering: the analyzers and the sync know nothing of the job engine;
// only this package adapts them to it. A River or jobs import in their
// (non-test) dependencies fails here.
func TestLayering(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to list dependencies")
	}
	const mod = "github.com/aicoo/aicoo/internal/"
	out, err := exec.Command(goBin, "list", "-deps", mod+"analysis/...", mod+"odoosync/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list listed %d packages, want the dependencies of analysis and odoosync", len(deps))
	}
	for _, d := range deps {
		if strings.Contains(d, "riverqueue") || d == mod+"jobs" || d == mod+"pipeline" {
			t.Errorf("analysis or odoosync depends on %s", d)
		}
	}
}
