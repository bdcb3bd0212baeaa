package odoosim_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// transport is one way aicoo's client reaches the simulator.
type transport struct {
	name     string
	version  string
	protocol odoo.Protocol
}

var transports = []transport{
	{"json2", "19.0", odoo.ProtocolJSON2},
	{"jsonrpc", "17.0", odoo.ProtocolJSONRPC},
	{"xmlrpc", "17.0", odoo.ProtocolXMLRPC},
}

// newClient returns a client of tr on url, not connected yet.
func newClient(t *testing.T, tr transport, url, db, login, password, key string) *odoo.Client {
	t.Helper()
	cfg := odoo.Config{
		URL: url, Database: db, Username: login, Password: password, APIKey: key, Protocol: tr.protocol,
		Timeout: 10 * time.Second, Retry: odoo.RetryPolicy{MaxAttempts: 1}, Breaker: odoo.BreakerConfig{Threshold: -1},
		Logger: slog.New(slog.DiscardHandler),
	}
	if tr.protocol != odoo.ProtocolJSON2 {
		cfg.APIKey = ""
	}
	c, err := odoo.New(cfg)
	if err != nil {
		t.Fatalf("odoo.New: %v", err)
	}
	return c
}

// connect returns a connected admin client of tr.
func connect(t *testing.T, tr transport, url string) *odoo.Client {
	t.Helper()
	c := newClient(t, tr, url, testDB, "admin", "admin", adminKey)
	if _, err := c.Connect(context.Background()); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	return c
}

// TestClientConformance runs aicoo's own Odoo client against the
// simulator on each transport.
func TestClientConformance(t *testing.T) {
	t.Parallel()
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, url := start(t, startOpts{version: tr.version})

			t.Run("connect", func(t *testing.T) {
				c := newClient(t, tr, url, testDB, "admin", "admin", adminKey)
				info, err := c.Connect(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if info.Version.String() != tr.version || info.Protocol != tr.protocol || info.UID != adminUID {
					t.Errorf("info = %+v", info)
				}
				if !info.ModulesKnown || !info.HasModule("account") || !info.HasModule("purchase") || info.HasModule("crm") {
					t.Errorf("modules = %v", info.Modules)
				}
				if len(info.Companies) != 2 {
					t.Errorf("companies = %+v", info.Companies)
				}
			})

			t.Run("authentication errors", func(t *testing.T) {
				tests := []struct {
					name          string
					db, login, pw string
					key           string
					want          error
				}{
					{"wrong secret", testDB, "admin", "wrong", "wrong", odoo.ErrAuthentication},
					{"unknown login", testDB, "ghost", "admin", "", odoo.ErrAuthentication},
					{"unknown database", "nodb", "admin", "admin", adminKey, odoo.ErrUnknownDatabase},
				}
				for _, tt := range tests {
					t.Run(tt.name, func(t *testing.T) {
						if tr.protocol == odoo.ProtocolJSON2 && tt.key == "" {
							t.Skip("JSON-2 authenticates by API key only")
						}
						want := tt.want
						if want == odoo.ErrAuthentication {
							// Legacy authenticate answers False; JSON-2 answers 401.
							want = odoo.ErrWrongCredentials
							if tr.protocol == odoo.ProtocolJSON2 {
								want = odoo.ErrAPIKeyRejected
							}
						}
						c := newClient(t, tr, url, tt.db, tt.login, tt.pw, tt.key)
						_, err := c.Connect(ctx)
						if !errors.Is(err, want) {
							t.Errorf("Connect = %v, want %v", err, want)
						}
					})
				}
			})

			c := connect(t, tr, url)

			t.Run("search_read read search_count", func(t *testing.T) {
				dom := domain.Or(domain.Cond("country_id.code", domain.OpEq, "BE"), domain.Not(domain.Cond("is_company", domain.OpEq, true)))
				recs, err := c.SearchRead(ctx, "res.partner", dom, odoo.SearchReadOpts{Fields: []string{"name", "parent_id"}, Order: "name asc, id asc"})
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, r := range recs {
					n, err := r.String("name")
					if err != nil {
						t.Fatal(err)
					}
					names = append(names, n)
				}
				want := []string{"Azure Interior", "Brandon Freeman", "Colleen Diaz", "Mitchell Admin", "Vera Viewer"}
				if !slices.Equal(names, want) {
					t.Errorf("names = %v, want %v", names, want)
				}
				n, err := c.SearchCount(ctx, "res.partner", dom, nil)
				if err != nil || n != int64(len(want)) {
					t.Errorf("SearchCount = %d, %v", n, err)
				}
				read, err := c.Read(ctx, "res.partner", []int64{6}, []string{"parent_id", "complete_name"}, nil)
				if err != nil || len(read) != 1 {
					t.Fatalf("Read = %v, %v", read, err)
				}
				parent, err := read[0].Many2One("parent_id")
				if err != nil || parent.ID != 5 || parent.Name != "Azure Interior" {
					t.Errorf("parent_id = %+v, %v", parent, err)
				}
			})

			t.Run("read_group", func(t *testing.T) {
				groups, err := c.ReadGroup(ctx, "account.move", domain.Cond("state", domain.OpEq, "posted"),
					odoo.ReadGroupParams{GroupBy: []string{"partner_id"}, Aggregates: []string{"amount_total:sum"}, Context: map[string]any{"allowed_company_ids": []any{1}}})
				if err != nil {
					t.Fatal(err)
				}
				totals := map[string]float64{}
				counts := map[string]int64{}
				for _, g := range groups {
					total, err := g.Float("amount_total:sum")
					if err != nil {
						t.Fatal(err)
					}
					totals[g.Keys["partner_id"].Label] = total
					counts[g.Keys["partner_id"].Label] = g.Count
				}
				if totals["Azure Interior"] != 2000 || counts["Azure Interior"] != 2 || totals["Azure Interior, Brandon Freeman"] != 450.5 || len(groups) != 2 {
					t.Errorf("groups = %v %v", totals, counts)
				}
				months, err := c.ReadGroup(ctx, "account.move", domain.True(), odoo.ReadGroupParams{GroupBy: []string{"invoice_date:month"}, Aggregates: []string{"amount_total:sum"}})
				if err != nil {
					t.Fatal(err)
				}
				if len(months) != 3 || months[0].Keys["invoice_date:month"].Value != "2025-01-01" || months[0].Keys["invoice_date:month"].Label != "January 2025" {
					t.Errorf("months = %+v", months)
				}
			})

			t.Run("create write unlink", func(t *testing.T) {
				id, err := c.Create(ctx, "res.partner", map[string]any{"name": "Conformance Co", "is_company": true}, nil)
				if err != nil {
					t.Fatal(err)
				}
				before, err := c.Read(ctx, "res.partner", []int64{id}, []string{"write_date"}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Write(ctx, "res.partner", []int64{id}, map[string]any{"email": "hi@conformance.example"}, nil); err != nil {
					t.Fatal(err)
				}
				after, err := c.Read(ctx, "res.partner", []int64{id}, []string{"email", "write_date"}, nil)
				if err != nil {
					t.Fatal(err)
				}
				t0, _ := before[0].Datetime("write_date")
				t1, _ := after[0].Datetime("write_date")
				if email, _ := after[0].String("email"); email != "hi@conformance.example" || !t1.After(t0) {
					t.Errorf("after write: %v (write_date %v -> %v)", after[0], t0, t1)
				}
				if err := c.Unlink(ctx, "res.partner", []int64{id}, nil); err != nil {
					t.Fatal(err)
				}
				// XML-RPC sends MissingError as fault 2 like any UserError, so
				// the client can only tell ErrUserError there.
				want := odoo.ErrMissingRecord
				if tr.protocol == odoo.ProtocolXMLRPC {
					want = odoo.ErrUserError
				}
				if err := c.Write(ctx, "res.partner", []int64{id}, map[string]any{"name": "x"}, nil); !errors.Is(err, want) {
					t.Errorf("write after unlink = %v, want %v", err, want)
				}
			})

			t.Run("message_post", func(t *testing.T) {
				id, err := c.MessagePost(ctx, "res.partner", 5, odoo.MessagePostOpts{Body: "Checked by aicoo", MessageType: "comment", SubtypeXMLID: "mail.mt_note"})
				if err != nil || id <= 0 {
					t.Fatalf("MessagePost = %d, %v", id, err)
				}
				recs, err := c.Read(ctx, "mail.message", []int64{id}, []string{"model", "res_id", "body"}, nil)
				if err != nil || len(recs) != 1 {
					t.Fatalf("read message: %v %v", recs, err)
				}
				if m, _ := recs[0].String("model"); m != "res.partner" {
					t.Errorf("message = %v", recs[0])
				}
			})

			t.Run("typed readers", func(t *testing.T) {
				partners, err := odoo.Collect(c.Partners(ctx, odoo.ListOpts{CompanyIDs: []int64{1}}))
				if err != nil {
					t.Fatal(err)
				}
				if len(partners) != 7 {
					t.Errorf("partners = %d", len(partners))
				}
				archived, err := odoo.Collect(c.Partners(ctx, odoo.ListOpts{IncludeArchived: true, PageSize: 2}))
				if err != nil || len(archived) < 9 {
					t.Errorf("partners with archived = %d, %v", len(archived), err)
				}
				invoices, err := odoo.Collect(c.Invoices(ctx, odoo.ListOpts{}))
				if err != nil || len(invoices) != 5 {
					t.Errorf("invoices = %d, %v", len(invoices), err)
				}
				pos, err := odoo.Collect(c.PurchaseOrders(ctx, odoo.ListOpts{}))
				if err != nil || len(pos) != 2 {
					t.Errorf("purchase orders = %d, %v", len(pos), err)
				}
				tasks, err := odoo.Collect(c.Tasks(ctx, odoo.ListOpts{}))
				if err != nil || len(tasks) != 2 {
					t.Errorf("tasks = %d, %v", len(tasks), err)
				}
				events, err := odoo.Collect(c.CalendarEvents(ctx, odoo.ListOpts{}))
				if err != nil || len(events) != 1 {
					t.Errorf("events = %d, %v", len(events), err)
				}
				companies, err := odoo.Collect(c.Companies(ctx, odoo.ListOpts{}))
				if err != nil || len(companies) != 2 {
					t.Errorf("companies = %d, %v", len(companies), err)
				}
				if _, err := odoo.Collect(c.Leads(ctx, odoo.ListOpts{})); !errors.Is(err, odoo.ErrNotInstalled) {
					t.Errorf("Leads without crm = %v, want ErrNotInstalled", err)
				}
			})

			t.Run("access error", func(t *testing.T) {
				v := newClient(t, tr, url, testDB, "viewer", "viewer", viewerKey)
				if _, err := v.Connect(ctx); err != nil {
					t.Fatal(err)
				}
				err := v.Write(ctx, "res.partner", []int64{5}, map[string]any{"name": "x"}, nil)
				if !errors.Is(err, odoo.ErrAccessRights) {
					t.Errorf("viewer write = %v, want ErrAccessRights", err)
				}
			})

			t.Run("missing model and method", func(t *testing.T) {
				_, err := c.SearchRead(ctx, "crm.lead", domain.True(), odoo.SearchReadOpts{Fields: []string{"name"}})
				if !errors.Is(err, odoo.ErrNotInstalled) {
					t.Errorf("missing model = %v, want ErrNotInstalled", err)
				}
				_, err = c.Call(ctx, "res.partner", "frobnicate", []any{}, nil)
				if !errors.Is(err, odoo.ErrNotInstalled) {
					t.Errorf("missing method = %v, want ErrNotInstalled", err)
				}
			})
		})
	}
}
