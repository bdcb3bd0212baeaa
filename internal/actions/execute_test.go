package actions_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestEveryTypeExecutesOnceAndRollsBack proposes one action of each type
// from the demo company's insights, approves it, simulates a first job
// attempt that created the record in Odoo and died before recording it,
// then runs the job again (twice): the record exists once. Rolling back
// removes, cancels or archives it. Both databases; JSON-RPC.
func TestEveryTypeExecutesOnceAndRollsBack(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a demo company")
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, odoo.ProtocolJSONRPC)
		e.setAll(t, actions.ModeApprove)
		for typ, p := range firstOfEachType(t, e.proposals(t)) {
			t.Run(string(typ), func(t *testing.T) {
				a, created, err := e.svc.Propose(ctx, e.conn, p)
				if err != nil || !created || a.Status != store.ActionPending {
					t.Fatalf("propose: %+v %v %v", a, created, err)
				}
				if _, created, _ := e.svc.Propose(ctx, e.conn, p); created {
					t.Fatal("the same proposal was created twice")
				}
				if a, err = e.svc.Approve(ctx, e.conn, a.ID, e.admin); err != nil {
					t.Fatalf("approve: %v", err)
				}
				// A first attempt wrote to Odoo and died before recording.
				if err := actions.ExecuteOdooForTest(ctx, e.client, a); err != nil {
					t.Fatalf("first attempt: %v", err)
				}
				if n := e.markerCount(t, a); n != 1 {
					t.Fatalf("after the first attempt: %d records with the marker", n)
				}
				for range 2 { // the retried job, then a duplicate job
					a, err = e.svc.Execute(ctx, e.conn, a.ID)
					if err != nil || a.Status != store.ActionExecuted || a.RecordID == 0 {
						t.Fatalf("execute: %+v %v", a, err)
					}
				}
				if n := e.markerCount(t, a); n != 1 {
					t.Fatalf("after retries: %d records with the marker, want 1", n)
				}
				var res map[string]any
				if err := json.Unmarshal(a.Result, &res); err != nil || res["found_by_marker"] != true {
					t.Fatalf("result %s: %v", a.Result, err)
				}

				a, err = e.svc.Rollback(ctx, e.conn, a.ID, e.admin)
				if err != nil || a.Status != store.ActionRolledBack {
					t.Fatalf("rollback: %+v %v", a, err)
				}
				rec := e.read(t, a.RecordModel, a.RecordID, "write_date")
				switch typ {
				case actions.TypeDraftRFQ:
					if st := e.read(t, "purchase.order", a.RecordID, "state"); st == nil || st["state"] != "cancel" {
						t.Fatalf("RFQ after rollback: %v", st)
					}
				case actions.TypeProjectTask:
					if task := e.read(t, "project.task", a.RecordID, "active"); task == nil || task["active"] != false {
						t.Fatalf("task after rollback: %v", task)
					}
				default:
					if rec != nil {
						t.Fatalf("%s %d still exists after rollback", a.RecordModel, a.RecordID)
					}
				}
				if _, err := e.svc.Rollback(ctx, e.conn, a.ID, e.admin); !errors.Is(err, actions.ErrRollbackRefused) {
					t.Fatalf("second rollback: %v", err)
				}
			})
		}
		var out strings.Builder
		if err := actions.VerifyAudit(ctx, st, e.conn, &out); err != nil {
			t.Fatalf("audit: %v\n%s", err, out.String())
		}
	})
}

// TestOutcomeUnknownIsNotRepeated loses Odoo's answer to the RFQ create
// after the simulator committed it: the execution finds the RFQ by its
// marker instead of creating a second one. Over XML-RPC, where
// button_cancel returns None (a fault after the commit), the rollback
// settles the outcome by reading.
func TestOutcomeUnknownIsNotRepeated(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a demo company")
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, odoo.ProtocolXMLRPC)
		p := firstOfEachType(t, e.proposals(t))[actions.TypeDraftRFQ]
		a, _, err := e.svc.Propose(ctx, e.conn, p)
		if err != nil {
			t.Fatal(err)
		}
		if a, err = e.svc.Approve(ctx, e.conn, a.ID, e.admin); err != nil {
			t.Fatal(err)
		}
		before := e.count(t, "purchase.order", domain.True())
		e.proxy.dropNext("purchase.order", "<string>create</string>")
		a, err = e.svc.Execute(ctx, e.conn, a.ID)
		if err != nil || a.Status != store.ActionExecuted {
			t.Fatalf("execute: %+v %v", a, err)
		}
		if e.proxy.dropped != 1 {
			t.Fatalf("the create's answer was not dropped (%d)", e.proxy.dropped)
		}
		if after := e.count(t, "purchase.order", domain.True()); after != before+1 {
			t.Fatalf("purchase orders: %d -> %d, want one more", before, after)
		}
		po := e.read(t, "purchase.order", a.RecordID, "state", "origin", "partner_id")
		if po["state"] != "draft" || po["origin"] != a.Marker {
			t.Fatalf("RFQ: %v", po)
		}
		if a, err = e.svc.Rollback(ctx, e.conn, a.ID, e.admin); err != nil || a.Status != store.ActionRolledBack {
			t.Fatalf("rollback over XML-RPC: %+v %v", a, err)
		}
	})
}

// TestRollbackRefusedWhenChanged: a record someone changed or removed in
// Odoo after aicoo created it is not rolled back, and the reason says why.
func TestRollbackRefusedWhenChanged(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a demo company")
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, odoo.ProtocolJSONRPC)
		e.setAll(t, actions.ModeApprove)
		ps := firstOfEachType(t, e.proposals(t))
		run := func(typ actions.Type) *store.Action {
			t.Helper()
			a, _, err := e.svc.Propose(ctx, e.conn, ps[typ])
			if err != nil {
				t.Fatal(err)
			}
			if _, err = e.svc.Approve(ctx, e.conn, a.ID, e.admin); err != nil {
				t.Fatal(err)
			}
			if a, err = e.svc.Execute(ctx, e.conn, a.ID); err != nil {
				t.Fatal(err)
			}
			return a
		}
		cases := []struct {
			typ    actions.Type
			change func(a *store.Action) error
			want   string
		}{
			{actions.TypeFollowUpActivity, func(a *store.Action) error {
				return e.client.Write(ctx, "mail.activity", []int64{a.RecordID}, map[string]any{"date_deadline": "2025-04-20"}, nil)
			}, "was changed in Odoo"},
			{actions.TypeDealMeeting, func(a *store.Action) error {
				return e.client.Unlink(ctx, "calendar.event", []int64{a.RecordID}, nil)
			}, "no longer exists"},
			{actions.TypeDraftRFQ, func(a *store.Action) error {
				_, err := e.client.Call(ctx, "purchase.order", "button_confirm", []any{[]any{a.RecordID}}, nil)
				return err
			}, "was changed in Odoo"},
		}
		for _, c := range cases {
			a := run(c.typ)
			e.clock.Add(time.Minute)
			if err := c.change(a); err != nil {
				t.Fatalf("%s: change: %v", c.typ, err)
			}
			_, err := e.svc.Rollback(ctx, e.conn, a.ID, e.admin)
			if !errors.Is(err, actions.ErrRollbackRefused) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%s: rollback after a change: %v, want a refusal saying %q", c.typ, err, c.want)
			}
			got, _ := st.ActionByID(ctx, e.conn, a.ID)
			if got.Status != store.ActionExecuted {
				t.Fatalf("%s: status %s after a refused rollback", c.typ, got.Status)
			}
		}
	})
}
