package grounding

import (
	"slices"
	"testing"
)

func TestMatches(t *testing.T) {
	allowed := []float64{1234567.891, 0.125, -5, 42}
	tests := []struct {
		text string
		want bool
	}{
		{"1,234,567.89", true},
		{"1.2 million", true},
		{"1,235k", true},
		{"1.3 million", false},
		{"12.5%", true},
		{"13%", true}, // 12.5 rounded to no decimals
		{"5", true},   // "down 5" for -5
		{"42", true},
		{"43", false},
		{"0.13", true},
		{"7", false},
	}
	for _, tc := range tests {
		ns := Numbers(tc.text)
		if len(ns) != 1 {
			t.Fatalf("%q: %d numbers, want 1", tc.text, len(ns))
		}
		if got := Matches(ns[0], allowed); got != tc.want {
			t.Errorf("Matches(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestNumbersOffsets(t *testing.T) {
	text := "Cash is 1,200 and 7% of 3 bn."
	var got []string
	for _, n := range Numbers(text) {
		got = append(got, text[n.Start:n.End])
	}
	if want := []string{"1,200", "7%", "3 bn"}; !slices.Equal(got, want) {
		t.Fatalf("Numbers = %q, want %q", got, want)
	}
}

func TestJSONValues(t *testing.T) {
	got := JSONValues([]byte(`{"total": 1200.5, "invoices": [{"name": "INV/2026/0042", "due": "2026-11-30"}, {"amount": 3}]}`))
	for _, want := range []float64{1200.5, 2, 2026, 42, 11, 30, 3} {
		if !slices.Contains(got, want) {
			t.Errorf("JSONValues lacks %v: %v", want, got)
		}
	}
	if slices.Contains(got, 99) {
		t.Errorf("JSONValues invented 99: %v", got)
	}
	if got := JSONValues([]byte(`not json 17`)); !slices.Equal(got, []float64{17}) {
		t.Errorf("JSONValues of text = %v", got)
	}
}
