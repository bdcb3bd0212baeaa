package areas

import "testing"

func TestAmounts(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"INV/2026/00385: 1539.88 EUR overdue 96 days", "INV/2026/00385: 1,539.88 EUR overdue 96 days"},
		{"Revenue 166883 EUR, expected 0 EUR to 54521 EUR", "Revenue 166,883 EUR, expected 0 EUR to 54,521 EUR"},
		{"12345678.90 USD and 999.99 USD", "12,345,678.90 USD and 999.99 USD"},
		// Not an amount: no currency, a year, an id, a lower-case unit.
		{"in 2026, partner 1205, 4200 units, 4200 eur", "in 2026, partner 1205, 4200 units, 4200 eur"},
		{"already 1,539.88 EUR", "already 1,539.88 EUR"},
	}
	for _, tt := range tests {
		if got := Amounts(tt.in); got != tt.want {
			t.Errorf("Amounts(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
