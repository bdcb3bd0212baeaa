package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// RaisedAlert checks that the open alert of the fingerprint carries the
// lifecycle every raise must give it (store.AlertRaiseWithEvent): notify
// pending, linked to wantPrevious (0: none), and a first event "raised",
// or "reoccurred" naming the previous alert. Each alert source's tests call
// it, so all sources are held to one lifecycle. It returns the alert.
func RaisedAlert(t testing.TB, s *store.Store, connectionID int64, fingerprint string, wantPrevious int64) *store.AlertDetail {
	t.Helper()
	ctx := context.Background()
	open, err := s.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: connectionID, OpenOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var a *store.AlertDetail
	for _, o := range open {
		if o.Fingerprint == fingerprint {
			a = o
		}
	}
	if a == nil {
		t.Fatalf("no open alert %q among %d", fingerprint, len(open))
	}
	if !a.NotifyPending || a.PreviousAlertID != wantPrevious {
		t.Fatalf("alert %q: notify pending %v, previous #%d; want true, #%d", fingerprint, a.NotifyPending, a.PreviousAlertID, wantPrevious)
	}
	events, err := s.AlertEventList(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, note := store.AlertEventRaised, ""
	if wantPrevious != 0 {
		want, note = store.AlertEventReoccurred, fmt.Sprintf("alert #%d", wantPrevious)
	}
	if len(events) == 0 || events[0].Action != want || !strings.Contains(events[0].Note, note) || events[0].Actor != "system" {
		t.Fatalf("alert %q: first event %+v, want %s naming %q", fingerprint, events, want, note)
	}
	return a
}
