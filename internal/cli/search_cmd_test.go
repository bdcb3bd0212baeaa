package cli

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestSearchCommand finds an invoice by its number, a partner with a typo,
// hides the invoice from the sales role, and prints JSON with the Odoo
// link built from the connection's URL.
func TestSearchCommand(t *testing.T) {
	t.Parallel()
	env, _, _ := opsStore(t, []string{"root"}, func(ctx context.Context, s *store.Store, conn *store.Connection) {
		if _, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: conn.Name, OdooURL: "https://acme.odoo.com"}); err != nil {
			t.Fatal(err)
		}
		for model, data := range map[string]string{
			"res.partner":  `{"id":7,"name":"Alpen Industrieservice KG","customer_rank":3,"is_company":true}`,
			"account.move": `{"id":42,"name":"INV/2026/00042","move_type":"out_invoice","state":"posted","payment_state":"paid","partner_id":[7,"Alpen Industrieservice KG"],"currency_id":[1,"EUR"],"amount_total":1234.5}`,
		} {
			var rec struct{ ID int64 }
			if err := json.Unmarshal([]byte(data), &rec); err != nil {
				t.Fatal(err)
			}
			if err := s.OdooRecordUpsertMany(ctx, conn.ID, model, []store.OdooRecordParams{{OdooID: rec.ID, Active: true, Data: json.RawMessage(data)}}); err != nil {
				t.Fatal(err)
			}
		}
	})
	runSteps(t, env, []cliStep{
		{[]string{"search", "INV/2026/00042"}, 0, "Invoice INV/2026/00042 — Alpen Industrieservice KG — 1,234.50 EUR, paid"},
		{[]string{"search", "alpne", "industrie"}, 0, "Customer Alpen Industrieservice KG"},
		{[]string{"search", "INV/2026/00042", "--role", "sales"}, 0, `Nothing found for "INV/2026/00042".`},
		{[]string{"search", "x", "--role", "boss"}, 2, `--role "boss": want one of admin, ceo, cfo, ops, sales, viewer`},
		{[]string{"search", "x", "--limit", "0"}, 2, "--limit 0: want 1 to 100"},
		{[]string{"search"}, 2, "search"},
	})
	code, out, errOut := run(t, env, "search", "inv 2026 00042", "--json", "--limit", "1")
	var res []struct {
		Kind    string `json:"kind"`
		Model   string `json:"model"`
		ID      int64  `json:"id"`
		OdooURL string `json:"odoo_url"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res) != 1 || res[0].Kind != "invoice" || res[0].ID != 42 ||
		res[0].OdooURL != "https://acme.odoo.com/web#id=42&model=account.move&view_type=form" {
		t.Fatalf("--json: %d %s %s", code, out, errOut)
	}
}
