package numfmt

import (
	"math"
	"testing"
)

func TestNumber(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v        float64
		decimals int
		want     string
	}{
		{1234567.891, 0, "1,234,568"},
		{1234567.891, 2, "1,234,567.89"},
		{320.84999999999997, 2, "320.85"},
		{1.036179887e+07, 0, "10,361,799"},
		{-2500, 0, "-2,500"},
		{-0.001, 2, "0.00"},
		{999, 0, "999"},
		{math.NaN(), 0, "–"},
		{math.Inf(1), 2, "–"},
	}
	for _, tt := range tests {
		if got := Number(tt.v, tt.decimals); got != tt.want {
			t.Errorf("Number(%v, %d) = %q, want %q", tt.v, tt.decimals, got, tt.want)
		}
	}
}

func TestMoney(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		v    float64
		cur  string
		want string
	}{
		{34456, "EUR", "34,456.00 EUR"},
		{-213.4, "USD", "-213.40 USD"},
		{1539.875, "", "1,539.88"},
	} {
		if got := Money(tt.v, tt.cur); got != tt.want {
			t.Errorf("Money(%v, %q) = %q, want %q", tt.v, tt.cur, got, tt.want)
		}
	}
}
