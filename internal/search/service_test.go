package search

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestServiceOnStore builds the index of a generated company stored in
// SQLite and PostgreSQL and checks what each role finds against the
// generator's records.
func TestServiceOnStore(t *testing.T) {
	ds := company(t, demodata.SizeSmall)
	inv, partner := invoice(t, ds)
	number := fmt.Sprint(inv["name"])
	wantLabel := fmt.Sprintf("Invoice %s — %s — %s EUR, due %s", number, partner,
		strings.TrimSuffix(money(inv.Float("amount_total"), ""), " "), inv["invoice_date_due"])
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		conn := load(t, st, ds)
		svc := newService(t, st, nil)
		search := func(role, q string) []Result {
			t.Helper()
			res, err := svc.Search(ctx, Query{ConnectionID: conn, Role: role, Text: q, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		// Exact number first, labelled in words, for a role that sees
		// finance.
		res := search(store.RoleCFO, number)
		if len(res) == 0 || res[0].Label != wantLabel || res[0].Kind != "invoice" || res[0].Model != "account.move" || res[0].ID != inv.ID() {
			t.Fatalf("cfo %q: got %+v, want first %q (account.move %d)", number, res, wantLabel, inv.ID())
		}
		// The sales role does not see finance: no invoice, whatever it types.
		for _, r := range append(search(store.RoleSales, number), search(store.RoleSales, partner)...) {
			if r.Kind == "invoice" || r.Kind == "bill" {
				t.Fatalf("sales found %+v", r)
			}
		}
		// A partner by its name with a typo (two letters swapped), and
		// without the accents of its city.
		typo := []byte(strings.Fields(partner)[0])
		typo[1], typo[2] = typo[2], typo[1]
		res = search(store.RoleSales, string(typo)+" "+strings.Fields(partner)[1])
		if len(res) == 0 || res[0].Kind != "partner" || !strings.Contains(res[0].Label, partner) {
			t.Fatalf("sales %q: got %+v, want the partner %q first", typo, res, partner)
		}
		if res := search(store.RoleCEO, "munchen"); len(res) == 0 || !strings.Contains(res[0].Label, "München") {
			t.Fatalf("ceo munchen: got %+v, want a partner in München", res)
		}
		// Products by code, orders by number for their areas.
		prod := ds.Records("product.template")[0]
		if res := search(store.RoleOps, fmt.Sprint(prod["default_code"])); len(res) == 0 || res[0].Kind != "product" ||
			!strings.Contains(res[0].Label, fmt.Sprint(prod["name"])) {
			t.Fatalf("ops %v: got %+v", prod["default_code"], res)
		}
		so := ds.Records("sale.order")[10]
		if res := search(store.RoleSales, fmt.Sprint(so["name"])); len(res) == 0 || res[0].Kind != "sale_order" || res[0].ID != so.ID() {
			t.Fatalf("sales %v: got %+v", so["name"], res)
		}
		if res := search(store.RoleOps, fmt.Sprint(so["name"])); len(res) > 0 && res[0].Kind == "sale_order" {
			t.Fatalf("ops found the sales order %+v", res[0])
		}
		// Figures of the catalogue, by their label.
		if res := search(store.RoleCFO, "cash runway"); len(res) == 0 || res[0].Path != "/analytics/finance/cash-runway" {
			t.Fatalf("cfo cash runway: got %+v", res)
		}
		if res := search("nobody", number); len(res) != 0 {
			t.Fatalf("an unknown role found %+v", res)
		}
	})
}

// TestServiceAicooItems finds alerts and actions, each for the roles that
// see them, once the aicoo index is older than AicooFresh.
func TestServiceAicooItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		c, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
		if err != nil {
			t.Fatal(err)
		}
		clock := &fakeClock{t: testToday}
		svc := newService(t, st, clock.now)
		if res, err := svc.Search(ctx, Query{ConnectionID: c.ID, Role: store.RoleAdmin, Text: "Gammaray"}); err != nil || len(res) != 0 {
			t.Fatalf("before: %v %+v", err, res)
		}
		if _, _, err := st.AlertRaise(ctx, store.AlertRaiseParams{ConnectionID: c.ID, Fingerprint: "insight:overdue_invoice:account.move:42",
			Type: "finance", Priority: store.PriorityHigh, Title: "INV/2026/00042 of Gammaray Optik overdue 40 days"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := st.ActionCreate(ctx, store.ActionCreateParams{ConnectionID: c.ID, IdempotencyKey: "k1", ActionType: "payment_reminder",
			Subject: "account.move:42", TargetModel: "account.move", TargetID: 42, Description: "Remind Gammaray Optik of INV/2026/00042",
			Status: store.ActionPending, Parameters: json.RawMessage(`{}`), Evidence: json.RawMessage(`{}`)}); err != nil {
			t.Fatal(err)
		}
		clock.advance(AicooFreshDefault)
		// The stale index answers and starts the rebuild in the background.
		if _, err := svc.Search(ctx, Query{ConnectionID: c.ID, Role: store.RoleAdmin, Text: "Gammaray"}); err != nil {
			t.Fatal(err)
		}
		svc.Wait()
		res, err := svc.Search(ctx, Query{ConnectionID: c.ID, Role: store.RoleCFO, Text: "gamaray optik"})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, r := range res {
			kinds = append(kinds, r.Kind)
			if r.Kind == "alert" && (!strings.HasPrefix(r.Path, "/alerts/") || r.Model != "account.move" || r.ID != 42 ||
				r.Label != "Alert: INV/2026/00042 of Gammaray Optik overdue 40 days (high, open)") {
				t.Fatalf("alert result %+v", r)
			}
		}
		if strings.Join(kinds, ",") != "alert,action" {
			t.Fatalf("cfo: kinds %v, want the open alert and the pending action (%+v)", kinds, res)
		}
		// Sales sees neither the finance alert nor the payment reminder.
		res, err = svc.Search(ctx, Query{ConnectionID: c.ID, Role: store.RoleSales, Text: "gammaray"})
		if err != nil || len(res) != 0 {
			t.Fatalf("sales: %v %+v", err, res)
		}
	})
}

// TestServiceRebuildsAfterSync finds a record added by a sync once the
// sync state changed and CheckEvery passed, without a restart.
func TestServiceRebuildsAfterSync(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	ds := company(t, demodata.SizeSmall)
	conn := load(t, st, ds)
	clock := &fakeClock{t: testToday}
	svc := newService(t, st, clock.now)
	q := Query{ConnectionID: conn, Role: store.RoleCEO, Text: "Zyxwv Quantenoptik"}
	if res, err := svc.Search(ctx, q); err != nil || len(res) != 0 {
		t.Fatalf("before: %v %+v", err, res)
	}
	if err := st.OdooRecordUpsertMany(ctx, conn, "res.partner", []store.OdooRecordParams{{OdooID: 99999, Active: true,
		Data: json.RawMessage(`{"id":99999,"name":"Zyxwv Quantenoptik AG","customer_rank":1,"is_company":true}`)}}); err != nil {
		t.Fatal(err)
	}
	// Within CheckEvery nothing is looked at.
	clock.advance(time.Second)
	if _, err := svc.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	svc.Wait()
	if res, _ := svc.Search(ctx, q); len(res) != 0 {
		t.Fatalf("found before the sync ended: %+v", res)
	}
	if err := st.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: conn, Model: "res.partner", Status: store.OdooSyncOK,
		LastSyncedAt: testToday.Add(time.Hour), RecordCount: int64(ds.Len("res.partner") + 1)}); err != nil {
		t.Fatal(err)
	}
	clock.advance(CheckEveryDefault)
	if _, err := svc.Search(ctx, q); err != nil {
		t.Fatal(err)
	}
	svc.Wait()
	res, err := svc.Search(ctx, q)
	if err != nil || len(res) != 1 || res[0].Label != "Customer Zyxwv Quantenoptik AG" || res[0].ID != 99999 {
		t.Fatalf("after the sync: %v %+v", err, res)
	}
}

// TestServiceBuildError reports a store failure to the search and tries
// again on the next one.
func TestServiceBuildError(t *testing.T) {
	st := &failingStore{Store: storetest.Open(t, store.SQLite), err: errors.New("database is locked")}
	svc := newService(t, st, nil)
	_, err := svc.Search(context.Background(), Query{ConnectionID: 1, Role: store.RoleAdmin, Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("got %v", err)
	}
	st.set(nil)
	if _, err := svc.Search(context.Background(), Query{ConnectionID: 1, Role: store.RoleAdmin, Text: "x"}); err != nil {
		t.Fatalf("second search: %v", err)
	}
}

func TestTool(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	ds := company(t, demodata.SizeSmall)
	conn := load(t, st, ds)
	inv, _ := invoice(t, ds)
	cat := areas.Catalogue()
	reg := ask.NewRegistry(access.New(cat))
	if err := reg.Add(Tool(newService(t, st, nil))); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := json.RawMessage(fmt.Sprintf(`{"query": %q, "limit": 3}`, inv["name"]))
	out, err := reg.Call(ctx, ask.Caller{Role: store.RoleCFO, ConnectionID: conn}, "search", in)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Sources) == 0 || out.Sources[0].Model != "account.move" || out.Sources[0].ID != inv.ID() ||
		!strings.Contains(out.Text, fmt.Sprint(inv["name"])) {
		t.Fatalf("cfo: %+v", out)
	}
	out, err = reg.Call(ctx, ask.Caller{Role: store.RoleSales, ConnectionID: conn}, "search", in)
	if err != nil || len(out.Sources) != 0 || !strings.HasPrefix(out.Text, "Nothing found") {
		t.Fatalf("sales: %v %+v", err, out)
	}
	for _, bad := range []string{`{}`, `{"query": " "}`, `{"query": "x", "limit": 500}`, `{"q": "x"}`} {
		_, err := reg.Call(ctx, ask.Caller{Role: store.RoleCFO, ConnectionID: conn}, "search", json.RawMessage(bad))
		var ie *ask.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: got %v, want an input error", bad, err)
		}
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// failingStore fails every read with err while it is set.
type failingStore struct {
	*store.Store
	mu  sync.Mutex
	err error
}

func (f *failingStore) set(err error) {
	f.mu.Lock()
	f.err = err
	f.mu.Unlock()
}

func (f *failingStore) fail() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *failingStore) OdooSyncStateList(context.Context, int64) ([]*store.OdooSyncState, error) {
	return nil, f.fail()
}

// TestServiceWatch keeps the index fresh without a search: records synced
// after the watch started are indexed, and the watch ends with its context.
func TestServiceWatch(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	cat := areas.Catalogue()
	svc := New(Config{Store: st, Access: access.New(cat), Catalogue: cat, CheckEvery: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer svc.Wait()
	defer cancel()
	ds := company(t, demodata.SizeSmall)
	// The connection is watched before its first sync (as the demo starts).
	c, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	svc.Watch(ctx, c.ID)
	deadline := time.Now().Add(30 * time.Second)
	for svc.Stats(c.ID).Aicoo == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the watch built no index")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := svc.Stats(c.ID).Records; n != 0 {
		t.Fatalf("%d records before the sync", n)
	}
	if conn := load(t, st, ds); conn != c.ID {
		t.Fatalf("loaded into connection %d, want %d", conn, c.ID)
	}
	for svc.Stats(c.ID).Records == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the synced records were not indexed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	svc.Wait() // returns: the watch ended
}

// TestBuildRecordsMaxDocs stops indexing at MaxDocs and says so.
func TestBuildRecordsMaxDocs(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	conn := load(t, st, company(t, demodata.SizeSmall))
	rs := newRoleSet(access.New(areas.Catalogue()), actions.Builtin())
	ix, full, err := buildRecords(context.Background(), st, conn, rs, 50)
	if err != nil || !full || ix.Len() != 50 {
		t.Fatalf("max 50: %v, full %v, %d documents", err, full, ix.Len())
	}
	ix, full, err = buildRecords(context.Background(), st, conn, rs, 0)
	if err != nil || full || ix.Len() <= 50 {
		t.Fatalf("no max: %v, full %v, %d documents", err, full, ix.Len())
	}
}
