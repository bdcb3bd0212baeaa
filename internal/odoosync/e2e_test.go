package odoosync_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

// demoToday is the last simulated day of the demo companies.
var demoToday = time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)

// simulated is a demo company served by the simulator, and a client
// connected to it.
type simulated struct {
	ds     *dataset.Dataset
	sim    *odoosim.Server
	client *odoo.Client
	clock  *clock
}

// serveDemo generates a demo company of the size and serves it over the
// protocol.
func serveDemo(tb testing.TB, size demodata.Size, proto odoo.Protocol) *simulated {
	tb.Helper()
	ds, _, err := demodata.Generate(context.Background(), demodata.Options{Size: size, Seed: 7, Today: demoToday})
	if err != nil {
		tb.Fatal(err)
	}
	clk := &clock{t: demoToday.Add(36 * time.Hour)}
	sim, err := odoosim.New(ds, odoosim.Options{NowFunc: clk.Now, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	tb.Cleanup(ts.Close)
	c, err := odoo.New(odoo.Config{URL: ts.URL, Database: ds.Meta.Database, Username: odoosim.LoginDefault,
		Password: odoosim.PasswordDefault, Protocol: proto, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := c.Connect(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return &simulated{ds: ds, sim: sim, client: c, clock: clk}
}

// TestSyncSimulator syncs a small demo company through the real client on
// JSON-RPC and XML-RPC, changes it through the client, and checks that the
// incremental cycle fetches only the changes and the sweep the deletion.
func TestSyncSimulator(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a demo company")
	}
	for _, proto := range []odoo.Protocol{odoo.ProtocolJSONRPC, odoo.ProtocolXMLRPC} {
		t.Run(string(proto), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			sim := serveDemo(t, demodata.SizeSmall, proto)
			b := setup(t, nil)
			// Every default model over JSON-RPC; the models the test
			// changes and a few more over XML-RPC and under the race
			// detector, which is slow.
			var models []odoosync.ModelSpec
			if proto == odoo.ProtocolXMLRPC || raceEnabled {
				for _, m := range odoosync.DefaultModels() {
					switch m.Model {
					case "res.partner", "product.template", "crm.lead", "crm.stage", "account.journal", "helpdesk.ticket", "sale.order":
						models = append(models, m)
					}
				}
			}
			s := newSyncerT(t, odoosync.Config{Store: b.store, Client: sim.client, ConnectionID: b.conn, Models: models, NowFunc: sim.clock.Now})
			rep, err := s.Sync(ctx, odoosync.Opts{})
			if err != nil {
				t.Fatalf("first sync: %v", err)
			}
			for _, m := range rep.Models {
				if m.Status == store.OdooSyncNotInstalled {
					t.Logf("%s: not installed", m.Model)
					continue
				}
				want, err := sim.client.SearchCount(ctx, m.Model, domain.True(), map[string]any{"active_test": false})
				if err != nil {
					t.Fatal(err)
				}
				if m.Total != want || m.Fetched != want || !m.Swept {
					t.Errorf("%s: %+v, want %d records", m.Model, m, want)
				}
			}
			if rep.Fetched() < 1000 && models == nil {
				t.Fatalf("only %d records fetched", rep.Fetched())
			}

			// Steady state.
			sim.clock.Add(time.Minute)
			if rep, err = s.Sync(ctx, odoosync.Opts{}); err != nil || rep.Fetched() != 0 {
				t.Fatalf("steady state: fetched %d, %v", rep.Fetched(), err)
			}

			// Change a partner, archive a product, create a lead, delete one.
			partners, err := sim.client.Search(ctx, "res.partner", domain.True(), odoo.SearchReadOpts{Limit: 1, Order: "id asc"})
			if err != nil {
				t.Fatal(err)
			}
			products, err := sim.client.Search(ctx, "product.template", domain.True(), odoo.SearchReadOpts{Limit: 1, Order: "id asc"})
			if err != nil {
				t.Fatal(err)
			}
			leads, err := sim.client.Search(ctx, "crm.lead", domain.True(), odoo.SearchReadOpts{Limit: 1, Order: "id desc"})
			if err != nil {
				t.Fatal(err)
			}
			if err := sim.client.Write(ctx, "res.partner", partners, map[string]any{"email": "new@example.com"}, nil); err != nil {
				t.Fatal(err)
			}
			if err := sim.client.Write(ctx, "product.template", products, map[string]any{"active": false}, nil); err != nil {
				t.Fatal(err)
			}
			newLead, err := sim.client.Create(ctx, "crm.lead", map[string]any{"name": "Sync test lead"}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := sim.client.Unlink(ctx, "crm.lead", leads, nil); err != nil {
				t.Fatal(err)
			}
			sim.clock.Add(time.Minute)
			rep, err = s.Sync(ctx, odoosync.Opts{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, m := range rep.Models {
				if m.Fetched > 0 {
					got[m.Model] = m.Fetched
				}
			}
			t.Logf("incremental cycle fetched %v", got)
			if len(got) != 3 || got["res.partner"] != 1 || got["product.template"] != 1 || got["crm.lead"] != 1 {
				t.Errorf("incremental cycle fetched %v", got)
			}
			p, err := b.store.OdooRecordGet(ctx, b.conn, "res.partner", partners[0])
			if err != nil {
				t.Fatal(err)
			}
			f, _ := p.Fields()
			if f["email"] != "new@example.com" {
				t.Errorf("partner = %s", p.Data)
			}
			if r, err := b.store.OdooRecordGet(ctx, b.conn, "product.template", products[0]); err != nil || r.Active {
				t.Errorf("archived product = %+v, %v", r, err)
			}
			if _, err := b.store.OdooRecordGet(ctx, b.conn, "crm.lead", newLead); err != nil {
				t.Errorf("new lead: %v", err)
			}
			// The deleted lead stays until the sweep.
			if _, err := b.store.OdooRecordGet(ctx, b.conn, "crm.lead", leads[0]); err != nil {
				t.Errorf("deleted lead before the sweep: %v", err)
			}
			sim.clock.Add(time.Hour)
			rep, err = s.Sync(ctx, odoosync.Opts{})
			if err != nil {
				t.Fatal(err)
			}
			if m := modelReport(t, rep, "crm.lead"); m.Deleted != 1 || !m.Swept || m.Repaired != 0 {
				t.Errorf("sweep = %+v", m)
			}
			if rep.Fetched() != 0 {
				t.Errorf("the sweeping cycle fetched %d records", rep.Fetched())
			}
		})
	}
}
