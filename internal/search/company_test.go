package search

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// indexedModels are the models the records index reads.
var indexedModels = []string{"res.currency", "res.company", "product.template", "crm.stage", "res.partner",
	"product.product", "crm.lead", "sale.order", "purchase.order", "account.move"}

// testToday is the generated companies' today.
var testToday = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

// company generates a demo company of size (seed 1).
func company(t testing.TB, size demodata.Size) *dataset.Dataset {
	t.Helper()
	ds, _, err := demodata.Generate(context.Background(), demodata.Options{Size: size, Seed: 1, Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// benchSize is the company size of the store-backed benchmark:
// AICOO_SEARCH_SIZE=medium measures the medium company (docs/ask.md).
func benchSize() demodata.Size {
	if s := os.Getenv("AICOO_SEARCH_SIZE"); s != "" {
		return demodata.Size(s)
	}
	return demodata.SizeSmall
}

// load stores the indexed models of ds as connection conn, as a sync
// would (many2one fields stay bare ids, as the generator writes them: the
// index resolves their names itself), and records a sync state per model.
func load(t testing.TB, st *store.Store, ds *dataset.Dataset) int64 {
	t.Helper()
	ctx := context.Background()
	c, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo", OdooURL: "http://odoo.example"})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, st, c.ID, ds, testToday, indexedModels...)
	return c.ID
}

// newService returns a service over st with the real permission table;
// its background rebuilds end with the test.
func newService(t testing.TB, st Store, now func() time.Time) *Service {
	t.Helper()
	cat := areas.Catalogue()
	svc := New(Config{Store: st, Access: access.New(cat), Catalogue: cat, NowFunc: now})
	t.Cleanup(svc.Wait)
	return svc
}

// invoice returns the first posted customer invoice of ds with an open
// amount, and its partner's name.
func invoice(t testing.TB, ds *dataset.Dataset) (dataset.Record, string) {
	t.Helper()
	for _, r := range ds.Records("account.move") {
		if r["move_type"] == "out_invoice" && r["state"] == "posted" && r["payment_state"] == "not_paid" {
			p := ds.Get("res.partner", r.Int("partner_id"))
			return r, fmt.Sprint(p["name"])
		}
	}
	t.Fatal("no open customer invoice")
	return nil, ""
}
