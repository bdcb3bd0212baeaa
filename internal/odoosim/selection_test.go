package odoosim_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoosim"
)

// TestPaymentStatePerVersion: account.payment.state is the move's
// draft/posted/cancel on 16-17 and draft/in_process/paid/canceled/rejected
// on 18+, in fields_get, reads, searches and writes.
func TestPaymentStatePerVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		version string
		options []string
		shown   []any // states of the paid, in-process and canceled payments
		posted  string
	}{
		{"16.0", []string{"cancel", "draft", "posted"}, list("posted", "posted", "cancel"), "posted"},
		{"17.0", []string{"cancel", "draft", "posted"}, list("posted", "posted", "cancel"), "posted"},
		{"18.0", []string{"canceled", "draft", "in_process", "paid", "rejected"}, list("paid", "in_process", "canceled"), "in_process"},
		{"19.0", []string{"canceled", "draft", "in_process", "paid", "rejected"}, list("paid", "in_process", "canceled"), "in_process"},
	} {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			ds := fixture(t)
			for _, state := range []string{"paid", "in_process", "canceled"} {
				if _, err := ds.Add("account.payment", rec("name", "PAY/"+state, "payment_type", "inbound", "partner_type", "customer",
					"partner_id", int64(5), "amount", 100.0, "currency_id", int64(1), "date", "2025-03-01", "journal_id", int64(1),
					"company_id", int64(1), "state", state)); err != nil {
					t.Fatal(err)
				}
			}
			_, url := start(t, startOpts{version: tt.version, ds: ds})
			fg := mustExec(t, url, "account.payment", "fields_get", list(list("state")), kw("attributes", list("selection"))).(map[string]any)
			var options []string
			for _, o := range fg["state"].(map[string]any)["selection"].([]any) {
				options = append(options, o.([]any)[0].(string))
			}
			sort.Strings(options)
			if !reflect.DeepEqual(options, tt.options) {
				t.Errorf("fields_get selection = %v, want %v", options, tt.options)
			}
			rows := mustExec(t, url, "account.payment", "search_read", list(list()), kw("fields", list("state"), "order", "id")).([]any)
			var shown []any
			for _, r := range rows {
				shown = append(shown, r.(map[string]any)["state"])
			}
			if !reflect.DeepEqual(shown, tt.shown) {
				t.Errorf("states read = %v, want %v", shown, tt.shown)
			}
			// A domain on the version's value finds the stored records.
			n := mustExec(t, url, "account.payment", "search_count", list(list(list("state", "=", tt.shown[0]))), nil)
			if want := int64(len(tt.shown) - 1); tt.version < "18" && n != want {
				t.Errorf("search_count state = %v: %v, want %d", tt.shown[0], n, want)
			}
			// The version's own value is accepted and read back.
			id := mustExec(t, url, "account.payment", "create", list(kw("payment_type", "outbound", "partner_type", "supplier",
				"amount", 5.0, "currency_id", 1, "date", "2025-03-02", "journal_id", 1, "company_id", 1, "state", tt.posted)), nil)
			got := mustExec(t, url, "account.payment", "read", list(list(id), list("state")), nil).([]any)[0].(map[string]any)["state"]
			if got != tt.posted {
				t.Errorf("state written %q, read %v", tt.posted, got)
			}
			// Another version's value is refused.
			other := "paid"
			if tt.version >= "18" {
				other = "posted"
			}
			if _, f := execKw(t, url, adminUID, "admin", "account.payment", "write", list(list(id), kw("state", other)), nil); f == nil {
				t.Errorf("state %q accepted on %s", other, tt.version)
			}
		})
	}
}

// TestSelectionsServedMatchVersion: every selection value a generated
// company serves is one that fields_get offers in the emulated version.
func TestSelectionsServedMatchVersion(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"16.0", "17.0", "18.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			s, err := odoosim.Open(ctx, odoosim.Source{Size: "small", Seed: 3, Today: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)},
				odoosim.Options{Version: version, Logger: slog.New(slog.DiscardHandler), Users: testUsers()})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(s)
			defer ts.Close()
			uid, e := jsonrpc(t, ts.URL, "common", "authenticate", s.Database(), "admin", "admin", map[string]any{})
			if e != nil {
				t.Fatal(e)
			}
			call := func(model, method string, args []any, kwargs map[string]any) any {
				t.Helper()
				v, e := jsonrpc(t, ts.URL, "object", "execute_kw", s.Database(), uid, "admin", model, method, args, kwargs)
				if e != nil {
					t.Fatalf("%s.%s: %v", model, method, e["data"])
				}
				return v
			}
			checked := 0
			reported := map[string]bool{}
			for _, m := range call("ir.model", "search_read", list(list()), kw("fields", list("model"))).([]any) {
				model := m.(map[string]any)["model"].(string)
				fg := call(model, "fields_get", list(), kw("attributes", list("type", "selection"))).(map[string]any)
				offered := map[string]map[string]bool{}
				var fields []any
				for name, d := range fg {
					d := d.(map[string]any)
					if d["type"] != "selection" {
						continue
					}
					offered[name] = map[string]bool{}
					for _, o := range d["selection"].([]any) {
						offered[name][o.([]any)[0].(string)] = true
					}
					fields = append(fields, name)
				}
				if len(fields) == 0 {
					continue
				}
				ctx := kw("active_test", false)
				for _, r := range call(model, "search_read", list(list()), kw("fields", fields, "context", ctx)).([]any) {
					for name, v := range r.(map[string]any) {
						sv, ok := v.(string)
						if !ok || offered[name] == nil {
							continue
						}
						checked++
						if !offered[name][sv] && !reported[model+"."+name+"="+sv] {
							reported[model+"."+name+"="+sv] = true
							t.Errorf("%s.%s = %q, not offered by fields_get on %s", model, name, sv, version)
						}
					}
				}
			}
			if checked < 1000 {
				t.Errorf("only %d selection values checked", checked)
			}
		})
	}
}
