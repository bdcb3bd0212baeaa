package nab

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// benchDir is the shared NAB copy: the repository's parent holds shared/.
func benchDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "..", "shared", "benchmarks", "nab"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "labels", "combined_windows.json")); err != nil {
		t.Skipf("NAB benchmark not found at %s (it sits next to the repository in ../shared/benchmarks/nab): %v", dir, err)
	}
	return dir
}

// TestWindowedGaussianReproduction checks the port against NAB's published
// scores for the Windowed Gaussian detector, from its raw detections.
func TestWindowedGaussianReproduction(t *testing.T) {
	dir := benchDir(t)
	c, err := LoadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Series) != 58 || c.WindowCount != 116 {
		t.Fatalf("corpus has %d series and %d windows, want 58 and 116", len(c.Series), c.WindowCount)
	}
	profiles, err := LoadProfiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := LoadResults(dir, "windowedGaussian", c)
	if err != nil {
		t.Fatal(err)
	}
	results, err := Score(c, scores, profiles)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"standard": 39.6, "reward_low_FP_rate": 20.9, "reward_low_FN_rate": 47.4}
	for _, r := range results {
		t.Logf("%s: %.3f (raw %.4f at threshold %v, null %.1f, TP %d FP %d)", r.Profile, r.Score, r.Raw, r.Threshold, r.Null, r.TP, r.FP)
		if w, ok := want[r.Profile]; !ok || math.Abs(r.Score-w) > 0.1 {
			t.Errorf("%s: score %.3f, want %.1f", r.Profile, r.Score, w)
		}
	}
	if len(results) != 3 {
		t.Errorf("%d profiles, want 3", len(results))
	}
}
