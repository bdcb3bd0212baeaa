package actions_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/store"
)

// TestFollowUpActivityTypeByXMLID: the follow-up activity gets Odoo's
// To-Do type through its external id mail.mail_activity_data_todo, so it
// keeps its type where the type's name differs ("To Do" in 16, translated
// names, a renamed type).
func TestFollowUpActivityTypeByXMLID(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sim, err := odoosim.Open(ctx, odoosim.Source{Size: "small", Seed: 7, Today: demoToday},
		odoosim.Options{Version: "17.0", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(sim)
	t.Cleanup(ts.Close)
	c, err := odoo.New(odoo.Config{URL: ts.URL, Database: sim.Database(), Username: sim.Login(), APIKey: sim.APIKey(),
		Protocol: odoo.ProtocolJSONRPC, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	ref, err := c.Call(ctx, "ir.model.data", "check_object_reference", []any{"mail", "mail_activity_data_todo"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var todo int64
	if pair, ok := ref.([]any); ok && len(pair) == 2 {
		switch id := pair[1].(type) {
		case int64:
			todo = id
		case float64:
			todo = int64(id)
		case json.Number:
			todo, _ = id.Int64()
		}
	}
	if todo == 0 {
		t.Fatalf("mail.mail_activity_data_todo = %#v", ref)
	}
	// As a French database shows it.
	if err := c.Write(ctx, "mail.activity.type", []int64{todo}, map[string]any{"name": "À faire"}, nil); err != nil {
		t.Fatal(err)
	}
	partners, err := c.SearchRead(ctx, "res.partner", domain.Cond("is_company", domain.OpEq, true), odoo.SearchReadOpts{Fields: []string{"id"}, Limit: 1})
	if err != nil || len(partners) != 1 {
		t.Fatal(partners, err)
	}
	params, _ := json.Marshal(actions.Params{Model: "res.partner", ResID: partners[0].ID(), Summary: "Call back", Body: "About the quote", Deadline: "2025-04-10"})
	a := &store.Action{ActionType: string(actions.TypeFollowUpActivity), Parameters: params, Marker: "aicoo-test-1"}
	if err := actions.ExecuteOdooForTest(ctx, c, a); err != nil {
		t.Fatal(err)
	}
	acts, err := c.SearchRead(ctx, "mail.activity", domain.Cond("summary", domain.OpILike, "aicoo-test-1"), odoo.SearchReadOpts{Fields: []string{"activity_type_id"}})
	if err != nil || len(acts) != 1 {
		t.Fatal(acts, err)
	}
	if typ, err := acts[0].Many2One("activity_type_id"); err != nil || typ.ID != todo {
		t.Errorf("activity type = %+v, %v; want the To-Do type %d", typ, err, todo)
	}
}
