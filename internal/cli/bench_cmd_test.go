package cli

import (
	"runtime"
	"strings"
	"testing"
)

// TestBenchStepUsage: an unknown --step is a usage mistake, not a run.
func TestBenchStepUsage(t *testing.T) {
	t.Parallel()
	code, _, errOut := run(t, nil, "bench", "--step", "cold")
	if code != 2 || !strings.Contains(errOut, `unknown --step "cold"`) {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

// TestResidentKB: the bench reads this process's resident memory on Linux.
func TestResidentKB(t *testing.T) {
	t.Parallel()
	kb := residentKB()
	if runtime.GOOS == "linux" && (kb < 1024 || kb > 64<<20) {
		t.Fatalf("resident memory %d kB", kb)
	}
}
