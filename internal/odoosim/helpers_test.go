package odoosim_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// The fixture's credentials.
const (
	testDB       = "nordwind"
	adminKey     = "0123456789abcdef0123456789abcdef01234567"
	viewerKey    = "fedcba9876543210fedcba9876543210fedcba98"
	adminUID     = int64(2)
	viewerUID    = int64(3)
	fixtureToday = "2025-03-31"
)

// rec builds a record from key, value pairs.
func rec(kv ...any) dataset.Record {
	r := dataset.Record{}
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i].(string)] = kv[i+1]
	}
	return r
}

// fixture returns a small two-company dataset: partners (with a hierarchy,
// an archived one and one of the second company), invoices over three
// months, purchase orders, a project with tasks and a calendar event.
func fixture(t testing.TB) *dataset.Dataset {
	t.Helper()
	ds := dataset.New(dataset.Meta{
		OdooVersion: "17.0", Edition: "community", Database: testDB, Today: fixtureToday, Size: "custom",
		Modules:   []string{"account", "base", "calendar", "mail", "project", "purchase"},
		Companies: []dataset.Company{{ID: 1, Name: "Nordwind GmbH", Currency: "EUR"}, {ID: 2, Name: "Nordwind Inc", Currency: "USD"}},
	}, nil)
	add := func(model string, r dataset.Record) {
		t.Helper()
		if _, err := ds.Add(model, r); err != nil {
			t.Fatalf("add %s: %v", model, err)
		}
	}
	add("res.currency", rec("name", "EUR", "symbol", "€", "active", true, "rounding", 0.01))
	add("res.currency", rec("name", "USD", "symbol", "$", "active", true, "rounding", 0.01))
	add("res.currency.rate", rec("name", "2025-01-01", "rate", 1.1, "currency_id", int64(2)))
	add("res.country", rec("name", "Belgium", "code", "BE"))
	add("res.country", rec("name", "Germany", "code", "DE"))
	partner := func(name, complete string, company bool, parent, country, companyID int64, active bool) {
		r := rec("name", name, "complete_name", complete, "is_company", company, "active", active, "type", "contact", "lang", "en_US")
		if parent != 0 {
			r["parent_id"] = parent
		}
		if country != 0 {
			r["country_id"] = country
		}
		if companyID != 0 {
			r["company_id"] = companyID
		}
		add("res.partner", r)
	}
	partner("Nordwind GmbH", "Nordwind GmbH", true, 0, 2, 0, true)                      // 1
	partner("Nordwind Inc", "Nordwind Inc", true, 0, 0, 0, true)                        // 2
	partner("Mitchell Admin", "Mitchell Admin", false, 0, 0, 0, true)                   // 3
	partner("Vera Viewer", "Vera Viewer", false, 0, 0, 0, true)                         // 4
	partner("Azure Interior", "Azure Interior", true, 0, 1, 0, true)                    // 5
	partner("Brandon Freeman", "Azure Interior, Brandon Freeman", false, 5, 1, 0, true) // 6
	partner("Deco Addict", "Deco Addict", true, 0, 2, 2, true)                          // 7
	partner("Archived Supplies", "Archived Supplies", true, 0, 2, 0, false)             // 8
	partner("Colleen Diaz", "Azure Interior, Colleen Diaz", false, 6, 1, 0, true)       // 9
	add("res.company", rec("name", "Nordwind GmbH", "partner_id", int64(1), "currency_id", int64(1), "country_id", int64(2), "active", true))
	add("res.company", rec("name", "Nordwind Inc", "partner_id", int64(2), "currency_id", int64(2), "active", true))
	add("res.users", rec("id", adminUID, "name", "Mitchell Admin", "login", "admin", "partner_id", int64(3), "company_id", int64(1),
		"company_ids", []int64{1, 2}, "active", true))
	add("res.users", rec("id", viewerUID, "name", "Vera Viewer", "login", "viewer", "partner_id", int64(4), "company_id", int64(1),
		"company_ids", []int64{1}, "active", true))
	add("account.journal", rec("name", "Customer Invoices", "code", "INV", "type", "sale", "company_id", int64(1), "active", true))
	add("account.journal", rec("name", "Customer Invoices", "code", "INV", "type", "sale", "company_id", int64(2), "active", true))
	invoice := func(name string, partnerID int64, date string, total float64, state string, companyID int64) {
		journal := companyID
		add("account.move", rec("name", name, "move_type", "out_invoice", "state", state, "payment_state", "not_paid",
			"partner_id", partnerID, "commercial_partner_id", partnerID, "currency_id", companyID, "company_id", companyID,
			"company_currency_id", companyID, "journal_id", journal, "date", date, "invoice_date", date,
			"amount_untaxed", total, "amount_total", total, "amount_residual", total, "amount_total_signed", total,
			"create_date", date+" 09:00:00", "write_date", date+" 09:00:00", "create_uid", adminUID, "write_uid", adminUID))
	}
	invoice("INV/2025/00001", 5, "2025-01-15", 1200, "posted", 1)
	invoice("INV/2025/00002", 5, "2025-02-10", 800, "posted", 1)
	invoice("INV/2025/00003", 6, "2025-02-20", 450.5, "posted", 1)
	invoice("INV/2025/00004", 9, "2025-03-05", 99.5, "draft", 1)
	invoice("INV/2025/00005", 7, "2025-03-07", 5000, "posted", 2)
	add("purchase.order", rec("name", "P00001", "partner_id", int64(5), "date_order", "2025-03-01 10:00:00", "state", "draft",
		"currency_id", int64(1), "company_id", int64(1), "amount_total", 300.0, "priority", "0"))
	add("purchase.order", rec("name", "P00002", "partner_id", int64(8), "date_order", "2025-02-01 10:00:00", "state", "purchase",
		"currency_id", int64(1), "company_id", int64(1), "amount_total", 1000.0, "priority", "1"))
	add("project.project", rec("name", "Office Move", "company_id", int64(1), "active", true))
	add("project.task", rec("name", "Pack boxes", "project_id", int64(1), "active", true, "priority", "1", "date_deadline", "2025-04-01 12:00:00",
		"user_ids", []int64{adminUID}, "company_id", int64(1), "allocated_hours", 4.0))
	add("project.task", rec("name", "Book truck", "project_id", int64(1), "active", true, "priority", "0", "company_id", int64(1)))
	add("calendar.event", rec("name", "Kick-off", "start", "2025-04-02 08:00:00", "stop", "2025-04-02 09:00:00", "user_id", adminUID,
		"partner_ids", []int64{3, 5}, "active", true, "duration", 1.0))
	add("mail.activity.type", rec("name", "To Do", "active", true, "keep_done", true, "sequence", int64(1)))
	add("mail.activity.type", rec("name", "Call", "active", true, "sequence", int64(2)))
	if err := ds.Validate(); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return ds
}

// testUsers are the fixture's accounts: an administrator and a read-only
// user.
func testUsers() []odoosim.User {
	return []odoosim.User{
		{Login: "admin", Password: "admin", APIKeys: []string{adminKey}},
		{Login: "viewer", Password: "viewer", APIKeys: []string{viewerKey}, ReadOnly: true},
	}
}

// fixedClock returns a clock starting at start that advances one second
// per call.
func fixedClock(start string) func() time.Time {
	t0, err := time.Parse(dataset.DatetimeLayout, start)
	if err != nil {
		panic(err)
	}
	var n atomic.Int64
	return func() time.Time {
		return t0.Add(time.Duration(n.Add(1)) * time.Second)
	}
}

// startOpts configures start.
type startOpts struct {
	version string
	opts    odoosim.Options
	ds      *dataset.Dataset
}

// start serves the fixture (or so.ds) on an httptest server.
func start(t testing.TB, so startOpts) (*odoosim.Server, string) {
	t.Helper()
	ds := so.ds
	if ds == nil {
		ds = fixture(t)
	}
	opts := so.opts
	if opts.Version == "" {
		opts.Version = so.version
	}
	if opts.Users == nil {
		opts.Users = testUsers()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.NowFunc == nil {
		opts.NowFunc = fixedClock("2025-03-31 12:00:00")
	}
	s, err := odoosim.New(ds, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts.URL
}

// xmlCall posts an XML-RPC call and returns the result or the fault.
func xmlCall(t testing.TB, url, path, method string, params ...any) (any, *xmlrpc.Fault) {
	t.Helper()
	var buf bytes.Buffer
	if err := xmlrpc.EncodeCall(&buf, method, params...); err != nil {
		t.Fatalf("encode: %v", err)
	}
	resp, err := http.Post(url+path, "text/xml", &buf)
	if err != nil {
		t.Fatalf("post: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("%s: status %d", path, resp.StatusCode)
	}
	v, err := xmlrpc.DecodeResponse(resp.Body)
	if f, ok := err.(*xmlrpc.Fault); ok {
		return nil, f
	}
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	return v, nil
}

// execKw calls execute_kw over /xmlrpc/2/object as uid with secret.
func execKw(t testing.TB, url string, uid int64, secret, model, method string, args []any, kwargs map[string]any) (any, *xmlrpc.Fault) {
	t.Helper()
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	return xmlCall(t, url, "/xmlrpc/2/object", "execute_kw", testDB, uid, secret, model, method, args, kwargs)
}

// mustExec is execKw as admin, failing the test on a fault.
func mustExec(t testing.TB, url, model, method string, args []any, kwargs map[string]any) any {
	t.Helper()
	v, f := execKw(t, url, adminUID, "admin", model, method, args, kwargs)
	if f != nil {
		t.Fatalf("%s.%s: fault %d: %s", model, method, f.Code, f.String)
	}
	return v
}

// postJSON posts a JSON body and decodes the JSON answer.
func postJSON(t testing.TB, url string, header http.Header, body any) (int, any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: status %d, not JSON: %s", url, resp.StatusCode, raw)
	}
	return resp.StatusCode, v
}

// jsonrpc calls /jsonrpc and returns result and error objects.
func jsonrpc(t testing.TB, url, service, method string, args ...any) (any, map[string]any) {
	t.Helper()
	if args == nil {
		args = []any{}
	}
	_, v := postJSON(t, url+"/jsonrpc", nil, map[string]any{"jsonrpc": "2.0", "method": "call", "id": 7,
		"params": map[string]any{"service": service, "method": method, "args": args}})
	env := v.(map[string]any)
	if e, ok := env["error"].(map[string]any); ok {
		return nil, e
	}
	return env["result"], nil
}

// json2 calls /json/2/<model>/<method> with an API key.
func json2(t testing.TB, url, key, model, method string, body map[string]any) (int, any) {
	t.Helper()
	h := http.Header{}
	if key != "" {
		h.Set("Authorization", "bearer "+key)
	}
	h.Set("X-Odoo-Database", testDB)
	if body == nil {
		body = map[string]any{}
	}
	return postJSON(t, url+"/json/2/"+model+"/"+method, h, body)
}

// list is a shorthand for []any.
func list(v ...any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// kw is a shorthand for map[string]any from key, value pairs.
func kw(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// odoosimOptions returns options with db listing disabled or not.
func odoosimOptions(disableList bool) odoosim.Options {
	return odoosim.Options{DisableDBList: disableList}
}

// doJSON posts body with client and decodes the JSON answer as an object.
func doJSON(t testing.TB, client *http.Client, url string, body any) map[string]any {
	t.Helper()
	data, _ := json.Marshal(body)
	resp, err := client.Post(url, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	return v
}

// postRaw posts a raw JSON body with an Authorization header and returns
// the status and body.
func postRaw(t testing.TB, url, auth, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}
