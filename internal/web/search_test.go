package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// seedSearchRecords stores a customer, one of its invoices and a sales
// order, as a sync would.
func seedSearchRecords(t *testing.T, s *store.Store, connID int64) {
	t.Helper()
	ctx := context.Background()
	for model, data := range map[string]string{
		"res.partner":  `{"id":7,"name":"Alpen Industrieservice <KG>","customer_rank":3,"is_company":true,"city":"Innsbruck"}`,
		"account.move": `{"id":42,"name":"INV/2026/00042","move_type":"out_invoice","state":"posted","payment_state":"not_paid","partner_id":[7,"Alpen Industrieservice <KG>"],"currency_id":[1,"EUR"],"amount_total":1234.5,"amount_residual":1234.5,"invoice_date_due":"2026-10-01"}`,
		"sale.order":   `{"id":9,"name":"S00042","state":"sale","partner_id":[7,"Alpen Industrieservice <KG>"],"currency_id":[1,"EUR"],"amount_total":99,"date_order":"2026-09-01 10:00:00"}`,
	} {
		var rec struct{ ID int64 }
		if err := json.Unmarshal([]byte(data), &rec); err != nil {
			t.Fatal(err)
		}
		if err := s.OdooRecordUpsertMany(ctx, connID, model, []store.OdooRecordParams{{OdooID: rec.ID, Active: true, Data: json.RawMessage(data)}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAPISearch(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	seedSearchRecords(t, f.store, f.conn.ID)

	res := decode[searchJSON](t, f.do(t, store.RoleCFO, "GET", "/api/v1/search?q=inv/2026/00042", ""))
	want := "Invoice INV/2026/00042 — Alpen Industrieservice <KG> — 1,234.50 EUR, due 2026-10-01"
	if len(res.Data) == 0 || res.Data[0].Label != want || res.Data[0].Kind != "invoice" || res.Data[0].KindLabel != "Invoice" {
		t.Fatalf("cfo: %+v, want %q first", res.Data, want)
	}
	first := res.Data[0]
	odoo := "https://acme.odoo.com/web#id=42&model=account.move&view_type=form"
	if first.Model != "account.move" || first.ID != 42 || first.OdooURL != odoo || first.URL != odoo || res.Query != "inv/2026/00042" {
		t.Fatalf("cfo links: %+v", first)
	}
	// The sales role finds the customer and its order, not the invoice.
	res = decode[searchJSON](t, f.do(t, store.RoleSales, "GET", "/api/v1/search?q=00042", ""))
	if len(res.Data) != 1 || res.Data[0].Kind != "sale_order" {
		t.Fatalf("sales 00042: %+v", res.Data)
	}
	res = decode[searchJSON](t, f.do(t, store.RoleSales, "GET", "/api/v1/search?q=alpne&limit=1", ""))
	if len(res.Data) != 1 || res.Data[0].Kind != "partner" || res.Data[0].Label != "Customer Alpen Industrieservice <KG> — Innsbruck" {
		t.Fatalf("sales alpne: %+v", res.Data)
	}
	// Figures of the catalogue lead to their page.
	res = decode[searchJSON](t, f.do(t, store.RoleCEO, "GET", "/api/v1/search?q=cash+runway", ""))
	if len(res.Data) == 0 || res.Data[0].URL != "/analytics/finance/cash-runway" {
		t.Fatalf("ceo cash runway: %+v", res.Data)
	}
	if res := decode[searchJSON](t, f.do(t, store.RoleCFO, "GET", "/api/v1/search?q=", "")); res.Data == nil || len(res.Data) != 0 {
		t.Fatalf("empty query: %+v", res)
	}
	for _, bad := range []string{"?q=x&limit=0", "?q=x&limit=101", "?q=x&limit=ten"} {
		resp := f.do(t, store.RoleCFO, "GET", "/api/v1/search"+bad, "")
		if e := decodeError(t, resp); resp.StatusCode != 400 || e.Code != codeBadRequest || !strings.Contains(e.Message, "limit") {
			t.Errorf("%s: %d %+v", bad, resp.StatusCode, e)
		}
	}
	if resp := f.do(t, "", "GET", "/api/v1/search?q=inv", ""); resp.StatusCode != 401 {
		t.Fatalf("anonymous: %d", resp.StatusCode)
	}
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	seedSearchRecords(t, f.store, f.conn.ID)
	resp := f.do(t, store.RoleCFO, "GET", "/search?q=alpen", "")
	page := body(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`value="alpen"`,
		"Customer Alpen Industrieservice &lt;KG&gt; — Innsbruck",
		"Invoice INV/2026/00042 — Alpen Industrieservice &lt;KG&gt;",
		`href="https://acme.odoo.com/web#id=42&amp;model=account.move&amp;view_type=form"`,
		`id="search-q"`, // the box in the header
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<KG>") {
		t.Error("Odoo text not escaped")
	}
	page = body(t, f.do(t, store.RoleSales, "GET", "/search?q=zzzzzz", ""))
	if !strings.Contains(page, "Nothing found for “zzzzzz”") {
		t.Error("no empty-result message")
	}
	if resp := f.do(t, store.RoleSales, "GET", "/search?q=x&limit=500", ""); resp.StatusCode != 400 {
		t.Errorf("bad limit: %d", resp.StatusCode)
	}
}
