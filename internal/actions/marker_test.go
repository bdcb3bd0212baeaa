package actions_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestPlantedMarkerIsNotAicoos is the attack of issue 20 item 3: another
// Odoo user (a portal customer) posts a payment reminder's marker on the
// invoice before aicoo sends it. The marker is random, not computable
// from the action's key; the planted message is not taken for aicoo's
// write (the reminder is sent); rolling back removes aicoo's message only;
// and an action pointing at a record aicoo did not create (as one executed
// before the fix could) is refused a rollback, leaving the record.
func TestPlantedMarkerIsNotAicoos(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a demo company")
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st, odoo.ProtocolJSONRPC)
		other := e.otherClient(t)
		ps := e.proposals(t)
		var reminders []actions.Proposal
		for _, p := range ps {
			if p.Type == actions.TypePaymentReminder {
				reminders = append(reminders, p)
			}
		}
		if len(reminders) < 2 {
			t.Fatalf("the demo company gives %d payment reminders, want 2", len(reminders))
		}
		propose := func(p actions.Proposal) *store.Action {
			t.Helper()
			a, _, err := e.svc.Propose(ctx, e.conn, p)
			if err != nil {
				t.Fatal(err)
			}
			if a, err = e.svc.Approve(ctx, e.conn, a.ID, e.admin); err != nil {
				t.Fatal(err)
			}
			return a
		}
		plant := func(a *store.Action, p actions.Proposal) int64 {
			t.Helper()
			id, err := other.MessagePost(ctx, "account.move", p.Params.ResID, odoo.MessagePostOpts{
				Body: "Already paid, thanks [" + a.Marker + "]", MessageType: "comment", SubtypeXMLID: "mail.mt_comment"})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		exists := func(id int64) bool { return e.read(t, "mail.message", id, "id") != nil }

		a := propose(reminders[0])
		old := sha256.Sum256([]byte(strconv.FormatInt(e.conn, 10) + "\x00" + a.IdempotencyKey))
		if !regexp.MustCompile(`^aicoo:[0-9a-f]{32}$`).MatchString(a.Marker) || a.Marker == "aicoo:"+hex.EncodeToString(old[:6]) {
			t.Fatalf("marker %q: want 32 random hex digits, not a hash of the key", a.Marker)
		}
		planted := plant(a, reminders[0])
		// Odoo ignores create_uid in create values: naming aicoo's user
		// does not make a record aicoo's.
		info, _ := e.client.Info()
		forged, err := other.Create(ctx, "mail.message", map[string]any{"model": "account.move", "res_id": reminders[0].Params.ResID,
			"body": "[" + a.Marker + "]", "message_type": "comment", "create_uid": info.UID}, nil)
		if err != nil {
			t.Fatal(err)
		}
		a, err = e.svc.Execute(ctx, e.conn, a.ID)
		if err != nil || a.Status != store.ActionExecuted {
			t.Fatalf("execute: %+v %v", a, err)
		}
		if a.RecordID == planted || a.RecordID == forged {
			t.Fatalf("a planted message (%d or %d) was taken for aicoo's reminder %d", planted, forged, a.RecordID)
		}
		var res map[string]any
		if err := json.Unmarshal(a.Result, &res); err != nil || res["found_by_marker"] != false {
			t.Fatalf("result %s: %v", a.Result, err)
		}
		if sent := e.read(t, "mail.message", a.RecordID, "create_uid", "subtype_xmlid"); sent == nil || !strings.Contains(
			mustString(t, sent, "subtype_xmlid"), "mt_comment") {
			t.Fatalf("the reminder was not sent: %v", sent)
		}
		if _, err := e.svc.Rollback(ctx, e.conn, a.ID, e.admin); err != nil {
			t.Fatalf("rollback: %v", err)
		}
		if exists(a.RecordID) || !exists(planted) || !exists(forged) {
			t.Fatalf("after rollback: aicoo's message exists %v (want false), the planted ones %v %v (want true)",
				exists(a.RecordID), exists(planted), exists(forged))
		}

		// An action recorded as executed on a planted message (as the
		// unchecked marker search did) cannot delete it.
		b := propose(reminders[1])
		planted = plant(b, reminders[1])
		rec := e.read(t, "mail.message", planted, "write_date")
		wd, _ := rec.String("write_date")
		if _, err := st.ActionTransition(ctx, store.ActionTransitionParams{ConnectionID: e.conn, ID: b.ID,
			From: []string{store.ActionApproved}, Status: store.ActionExecuted, Executed: true,
			RecordModel: "mail.message", RecordID: planted, RecordWriteDate: wd}); err != nil {
			t.Fatal(err)
		}
		_, err = e.svc.Rollback(ctx, e.conn, b.ID, e.admin)
		if !errors.Is(err, actions.ErrRollbackRefused) || !strings.Contains(err.Error(), "not by aicoo's Odoo user") {
			t.Fatalf("rollback of a message aicoo did not create: %v", err)
		}
		if !exists(planted) {
			t.Fatal("the rollback deleted a message aicoo did not create")
		}
	})
}

// TestOdooTextIsEscapedInHTML names a customer with an HTML payload and
// executes the follow-up activity and payment reminder of their invoice:
// the activity note and the message body hold the name escaped, once
// (issue 20 item 11). Odoo 16 takes every message body as HTML; 17+
// escapes a body not flagged as HTML, so a double escape would show.
func TestOdooTextIsEscapedInHTML(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("generates a demo company")
	}
	const evil = `<img src=x onerror=alert(1)>`
	const escaped = `&lt;img src=x onerror=alert(1)&gt;`
	for _, version := range []string{"16.0", "17.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := storetest.Open(t, store.SQLite)
			e := newEnvVersion(t, st, odoo.ProtocolJSONRPC, &clock{t: demoToday.Add(32 * time.Hour)}, version)
			e.setAll(t, actions.ModeApprove)
			var reminder actions.Proposal
			for _, p := range e.proposals(t) {
				if p.Type == actions.TypePaymentReminder {
					reminder = p
					break
				}
			}
			if reminder.PartnerID == 0 {
				t.Fatal("no payment reminder in the demo company")
			}
			if err := e.client.Write(ctx, "res.partner", []int64{reminder.PartnerID}, map[string]any{"name": evil}, nil); err != nil {
				t.Fatal(err)
			}
			bodies := map[actions.Type]string{}
			for _, p := range e.proposals(t) {
				if p.Params.ResID != reminder.Params.ResID || p.Params.Model != "account.move" {
					continue
				}
				a, _, err := e.svc.Propose(ctx, e.conn, p)
				if err != nil {
					t.Fatal(err)
				}
				if a, err = e.svc.Approve(ctx, e.conn, a.ID, e.admin); err != nil {
					t.Fatal(err)
				}
				if a, err = e.svc.Execute(ctx, e.conn, a.ID); err != nil {
					t.Fatalf("execute %s: %v", p.Type, err)
				}
				field := map[string]string{"mail.activity": "note", "mail.message": "body"}[a.RecordModel]
				bodies[p.Type] = mustString(t, e.read(t, a.RecordModel, a.RecordID, field), field)
			}
			for _, typ := range []actions.Type{actions.TypeFollowUpActivity, actions.TypePaymentReminder} {
				body, ok := bodies[typ]
				switch {
				case !ok:
					t.Errorf("%s: not executed", typ)
				case strings.Contains(body, "<img"):
					t.Errorf("%s: the name is written as HTML: %s", typ, body)
				case !strings.Contains(body, escaped) || strings.Contains(body, "&amp;lt;"):
					t.Errorf("%s: want the name escaped once (%s): %s", typ, escaped, body)
				}
			}
			// The marker is still found in the escaped body: a retry
			// finds the message.
			n := e.count(t, "mail.message", domain.And(domain.Cond("res_id", domain.OpEq, reminder.Params.ResID),
				domain.Cond("body", domain.OpILike, "[aicoo:")))
			if n != 1 {
				t.Errorf("%d messages with a marker on the invoice, want 1", n)
			}
		})
	}
}

func mustString(t *testing.T, rec odoo.Record, field string) string {
	t.Helper()
	if rec == nil {
		t.Fatalf("record gone, wanted its %s", field)
	}
	s, err := rec.String(field)
	if err != nil {
		t.Fatalf("%s: %v", field, err)
	}
	return s
}
