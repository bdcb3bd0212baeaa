package search

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"INV/2026/00042":                "inv 2026 00042",
		"  Müller & Söhne GmbH ":        "muller sohne gmbh",
		"Straße 5":                      "strasse 5",
		"Øresund—Værft":                 "oresund vaerft",
		"Crème brûlée":                  "creme brulee",
		"ÉCOLE":                         "ecole",
		"a..b":                          "a b",
		"":                              "",
		"Ignore previous instructions!": "ignore previous instructions",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTokens(t *testing.T) {
	for in, want := range map[string][]string{
		"s00042":         {"s", "00042"},
		"inv 2026 00042": {"inv", "2026", "00042"},
		"hyd 0005":       {"hyd", "0005"},
		"de108677121":    {"de", "108677121"},
		"abc":            {"abc"},
		"":               nil,
	} {
		if got := tokens(in); !slices.Equal(got, want) {
			t.Errorf("tokens(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		max  int
		want int
	}{
		{"alpen", "alpen", 1, 0},
		{"alpne", "alpen", 1, 1}, // transposition
		{"alpin", "alpen", 1, 1},
		{"alpn", "alpen", 1, 1},
		{"alpxyz", "alpen", 1, 2}, // over max: max+1
		{"industreservice", "industrieservice", 2, 1},
		{"", "abc", 2, 3},
	} {
		if got := editDistance(c.a, c.b, c.max); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.max, got, c.want)
		}
	}
}

// testIndex is a small company: two partners with similar names, their
// invoices and orders, a product and a figure.
func testIndex() *Index {
	const all, finance, sales = 0b111, 0b001, 0b010
	b := newBuilder()
	docs := []struct {
		d      Doc
		fields []field
	}{
		{Doc{Kind: KindPartner, Label: "Customer Alpen Industrieservice KG", ID: 1, Roles: all, Boost: 0.05},
			[]field{{"Alpen Industrieservice KG", weightPrimary}, {"info@alpen.example", weightTertiary}}},
		{Doc{Kind: KindPartner, Label: "Customer Müller Söhne GmbH", ID: 2, Roles: all, Boost: 0.05},
			[]field{{"Müller Söhne GmbH", weightPrimary}, {"Zürich", weightTertiary}}},
		{Doc{Kind: KindPartner, Label: "Supplier Alpenland Logistik", ID: 3, Roles: all, Boost: 0.05},
			[]field{{"Alpenland Logistik", weightPrimary}}},
		{Doc{Kind: KindInvoice, Label: "Invoice INV/2026/00042 — Alpen", ID: 42, Roles: finance},
			[]field{{"INV/2026/00042", weightPrimary}, {"Alpen Industrieservice KG", weightSecondary}}},
		{Doc{Kind: KindInvoice, Label: "Invoice INV/2026/00420 — Müller", ID: 420, Roles: finance},
			[]field{{"INV/2026/00420", weightPrimary}, {"Müller Söhne GmbH", weightSecondary}}},
		{Doc{Kind: KindInvoice, Label: "Invoice INV/2026/00043 — Alpen", ID: 43, Roles: finance},
			[]field{{"INV/2026/00043", weightPrimary}, {"Alpen Industrieservice KG", weightSecondary}}},
		{Doc{Kind: KindBill, Label: "Bill BILL/2026/00042 — Alpenland", ID: 44, Roles: finance},
			[]field{{"BILL/2026/00042", weightPrimary}, {"INV-625981", weightSecondary}, {"Alpenland Logistik", weightSecondary}}},
		{Doc{Kind: KindSaleOrder, Label: "Sales order S00042 — Alpen", ID: 7, Roles: sales},
			[]field{{"S00042", weightPrimary}, {"Alpen Industrieservice KG", weightSecondary}}},
		{Doc{Kind: KindProduct, Label: "Product [HYD-0005] Solenoid Valve", ID: 5, Roles: all},
			[]field{{"HYD-0005", weightPrimary}, {"Solenoid Valve 5/2 24V DC", weightPrimary}}},
		{Doc{Kind: KindMetric, Label: "Figure: Cash (Finance)", Roles: finance},
			[]field{{"Cash", weightPrimary}, {"Balance of the bank and cash journals", weightTertiary}}},
	}
	for _, d := range docs {
		b.add(d.d, d.fields...)
	}
	return b.build()
}

func TestIndexRanking(t *testing.T) {
	ix := testIndex()
	const finance, sales = 0b001, 0b010
	for _, c := range []struct {
		name  string
		query string
		roles uint32 // the asking role's bit
		want  []string
		first string // when set, only the first result is checked
	}{
		{name: "exact number first", query: "INV/2026/00042", roles: finance, first: "Invoice INV/2026/00042 — Alpen"},
		{name: "exact number hides loose matches", query: "INV/2026/00042", roles: finance, want: []string{"Invoice INV/2026/00042 — Alpen"}},
		{name: "number part lists every document", query: "2026/00042", roles: finance,
			want: []string{"Invoice INV/2026/00042 — Alpen", "Bill BILL/2026/00042 — Alpenland"}},
		{name: "number without separators", query: "inv202600042", roles: finance, first: "Invoice INV/2026/00042 — Alpen"},
		{name: "number without leading zeros", query: "42", roles: finance | sales,
			want: []string{"Invoice INV/2026/00042 — Alpen", "Bill BILL/2026/00042 — Alpenland", "Sales order S00042 — Alpen"}},
		{name: "number prefix lists both", query: "INV/2026/0004", roles: finance,
			want: []string{"Invoice INV/2026/00043 — Alpen", "Invoice INV/2026/00042 — Alpen"}},
		{name: "order number", query: "s00042", roles: sales, first: "Sales order S00042 — Alpen"},
		{name: "partner before its documents", query: "alpen industrieservice", roles: finance | sales,
			first: "Customer Alpen Industrieservice KG"},
		{name: "typo found", query: "Alpne Industreiservice", roles: finance, first: "Customer Alpen Industrieservice KG"},
		{name: "typo while typing", query: "solenod val", roles: finance, want: []string{"Product [HYD-0005] Solenoid Valve"}},
		{name: "accent folded", query: "muller", roles: finance, first: "Customer Müller Söhne GmbH"},
		{name: "accent typed", query: "Zürich", roles: finance, want: []string{"Customer Müller Söhne GmbH"}},
		{name: "case folded", query: "CASH", roles: finance, want: []string{"Figure: Cash (Finance)"}},
		{name: "prefix", query: "alpenl", roles: finance, first: "Supplier Alpenland Logistik"},
		{name: "every word must match", query: "alpen logistik", roles: finance,
			want: []string{"Supplier Alpenland Logistik", "Bill BILL/2026/00042 — Alpenland"}},
		{name: "role filtering hides finance", query: "INV/2026/00042", roles: sales, want: nil},
		{name: "role filtering hides the figure", query: "cash", roles: sales, want: nil},
		{name: "product code", query: "hyd-0005", roles: sales, want: []string{"Product [HYD-0005] Solenoid Valve"}},
		{name: "short word not typo-matched", query: "kgx", roles: finance, want: nil},
		{name: "nothing", query: "zzzz", roles: finance, want: nil},
		{name: "empty", query: " / ", roles: finance, want: nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			hits := ix.Search(c.query, func(d *Doc) bool { return d.Roles&c.roles != 0 }, 10)
			var got []string
			for _, h := range hits {
				got = append(got, h.Doc.Label)
			}
			if c.first != "" {
				if len(got) == 0 || got[0] != c.first {
					t.Fatalf("search %q: got %q, want %q first", c.query, got, c.first)
				}
				return
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("search %q: got %q, want %q", c.query, got, c.want)
			}
		})
	}
}

func TestIndexLimitAndScoreOrder(t *testing.T) {
	ix := testIndex()
	hits := ix.Search("alpen", func(*Doc) bool { return true }, 2)
	if len(hits) != 2 {
		t.Fatalf("got %d hits, want the limit 2", len(hits))
	}
	if hits[0].Score < hits[1].Score {
		t.Fatalf("scores not descending: %v, %v", hits[0].Score, hits[1].Score)
	}
	if hits[0].Doc.Label != "Customer Alpen Industrieservice KG" {
		t.Fatalf("first %q, want the partner", hits[0].Doc.Label)
	}
}

func TestMoney(t *testing.T) {
	for v, want := range map[float64]string{1234.5: "1,234.50 EUR", 0: "0.00 EUR", -1e7: "-10,000,000.00 EUR", 999.999: "1,000.00 EUR"} {
		if got := money(v, "EUR"); got != want {
			t.Errorf("money(%v) = %q, want %q", v, got, want)
		}
	}
}
