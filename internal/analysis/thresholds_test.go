package analysis

import "testing"

func TestThresholdSpecCheck(t *testing.T) {
	days := ThresholdSpec{Name: "finance.overdue_days", Unit: "days", Min: 1, Max: 3650, Integer: true}
	ratio := ThresholdSpec{Name: "x.rate", Unit: "ratio", Min: 0, Max: 1}
	for _, tc := range []struct {
		spec ThresholdSpec
		v    float64
		want string
	}{
		{days, 45, ""},
		{days, 0, "finance.overdue_days must be between 1 and 3650 days, not 0"},
		{days, 4000, "finance.overdue_days must be between 1 and 3650 days, not 4000"},
		{days, 4.5, "finance.overdue_days must be a whole number (days), not 4.5"},
		{ratio, 0.25, ""},
		{ratio, 1.5, "x.rate must be between 0 and 1 ratio, not 1.5"},
	} {
		err := tc.spec.Check(tc.v)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Check(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestThresholdSpecMatches(t *testing.T) {
	s := ThresholdSpec{Name: "expenses.max_amount", PerID: true}
	for key, want := range map[string]bool{"expenses.max_amount": true, "expenses.max_amount.42": true,
		"expenses.max_amount.x": false, "expenses.max_amount.0": false, "expenses.max": false} {
		if got := s.Matches(key); got != want {
			t.Errorf("Matches(%q) = %v, want %v", key, got, want)
		}
	}
	if (ThresholdSpec{Name: "a.b"}).Matches("a.b.1") {
		t.Error("a spec without PerID matched a per-id key")
	}
}
