package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvalForecastAndNAB runs the two evaluations beside the analyzers'
// one: the cash forecast's backtest on a small company, and the anomaly
// detector on the Numenta Anomaly Benchmark kept beside the repository.
func TestEvalForecastAndNAB(t *testing.T) {
	t.Parallel()
	code, out, errOut := run(t, nil, "eval", "forecast", "--size", "small", "--seed", "1", "--today", "2026-06-30")
	cash, seasons, _ := strings.Cut(out, "revenue per month")
	if code != 0 || !strings.Contains(cash, "beats both") || strings.Contains(cash, "NO") || !strings.Contains(seasons, "MAPE seasonal") {
		t.Errorf("eval forecast: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", "nab"}, "needs --dataset DIR"},
		{[]string{"eval", "forecast", "nab"}, "one evaluation at a time"},
		{[]string{"eval", "forecasts"}, `unknown evaluation "forecasts"`},
	} {
		if code, _, errOut := run(t, nil, tc.args...); code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, want 2 and %q in:\n%s", tc.args, code, tc.want, errOut)
		}
	}
	dir, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "benchmarks", "nab"))
	if _, err := os.Stat(filepath.Join(dir, "labels", "combined_windows.json")); err != nil {
		t.Skipf("the Numenta Anomaly Benchmark is not beside the repository (%s): %v", dir, err)
	}
	code, out, errOut = run(t, nil, "eval", "nab", "--dataset", dir)
	if code != 0 || !strings.Contains(out, "reward_low_FN_rate") || !strings.Contains(out, "58 series") {
		t.Errorf("eval nab: exit %d\n%s\n%s", code, out, errOut)
	}
}
