package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// TestDatesInUserZone: a user in Berlin reads the alert's times in Berlin
// time, a user in UTC in UTC, from the same server.
func TestDatesInUserZone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	ctx := context.Background()
	u, err := f.store.UserCreate(ctx, store.UserCreateParams{ConnectionID: f.conn.ID, Username: "berlin", Role: store.RoleCFO, Timezone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.NewToken()
	now := time.Now()
	if err := f.store.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash(tok), ConnectionID: f.conn.ID, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	get := func(token string) string {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/alerts/%d", f.srv.URL, f.alerts["finance"]), nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return read(t, resp)
	}
	for range 2 { // the second time from the zone's cached page
		if b := get(tok); !strings.Contains(b, " CET") && !strings.Contains(b, " CEST") || strings.Contains(b, " UTC<") {
			t.Fatalf("Berlin user's alert page lacks Berlin times")
		}
	}
	if b := get(f.tokens[store.RoleCFO]); !strings.Contains(b, " UTC") || strings.Contains(b, " CET") {
		t.Errorf("UTC user's alert page is not in UTC")
	}
	if userZone("Nowhere/Nothing") != nil || userZone("") != nil || userZone("UTC") != nil || userZone("Asia/Tokyo") == nil {
		t.Errorf("userZone")
	}
}
