package web

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// sendInApp inserts a delivered in-app notification for u, as the
// notification worker leaves it.
func sendInApp(t *testing.T, s *store.Store, u *store.User, key, subject, link string) *store.Notification {
	t.Helper()
	ctx := context.Background()
	n, _, err := s.NotificationInsert(ctx, store.NotificationParams{ConnectionID: u.ConnectionID, Key: key, Channel: notify.ChannelInApp,
		Recipient: notify.UserRecipient(u.ID), UserID: u.ID, Priority: store.PriorityHigh, Subject: subject, Link: link, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, claimed, err := s.NotificationClaim(ctx, n.ID, store.NotificationClaimParams{}); err != nil || !claimed {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if ok, err := s.NotificationMarkSent(ctx, n.ID); err != nil || !ok {
		t.Fatalf("mark sent: %v %v", ok, err)
	}
	n.Link = link
	return n
}

func TestInbox(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	cfo, sales := f.users[store.RoleCFO], f.users[store.RoleSales]
	first := sendInApp(t, f.store, cfo, "a", "Overdue receivables above 50,000 EUR", "/alerts/1")
	sendInApp(t, f.store, cfo, "b", "Cash runway below 60 days", "javascript:alert(1)")
	sendInApp(t, f.store, sales, "c", "Deal stalled", "/alerts/2")

	// The header counts the user's unread notifications on every page.
	body := readBody(t, f.do(t, store.RoleCFO, "GET", "/alerts", ""))
	if !strings.Contains(body, `aria-label="2 unread">2</span>`) {
		t.Errorf("header lacks the unread count 2")
	}
	page := readBody(t, f.do(t, store.RoleCFO, "GET", "/notifications", ""))
	for _, want := range []string{"Overdue receivables above 50,000 EUR", `href="/alerts/1"`, "Cash runway below 60 days"} {
		if !strings.Contains(page, want) {
			t.Errorf("inbox page lacks %q", want)
		}
	}
	if strings.Contains(page, "Deal stalled") || strings.Contains(page, "javascript:") {
		t.Error("inbox shows another user's notification or an unsafe link")
	}

	list := decode[inboxJSON](t, f.do(t, store.RoleCFO, "GET", "/api/v1/notifications?unread=1", ""))
	if len(list.Items) != 2 || list.Unread != "2" || list.Items[1].ID != first.ID || list.Items[0].Link != "" {
		t.Fatalf("API inbox = %+v", list)
	}
	// Sales cannot mark the CFO's notification read.
	if r := decode[inboxReadJSON](t, f.do(t, store.RoleSales, "POST", fmt.Sprintf("/api/v1/notifications/%d/read", first.ID), "")); r.Marked != 0 {
		t.Fatalf("sales marked the cfo's notification: %+v", r)
	}
	if r := decode[inboxReadJSON](t, f.do(t, store.RoleCFO, "POST", fmt.Sprintf("/api/v1/notifications/%d/read", first.ID), "")); r.Marked != 1 || r.Unread != "1" {
		t.Fatalf("mark read: %+v", r)
	}
	if r := decode[inboxReadJSON](t, f.do(t, store.RoleCFO, "POST", "/api/v1/notifications/read-all", "")); r.Marked != 1 {
		t.Fatalf("mark all read: %+v", r)
	}
	if resp := f.do(t, store.RoleCFO, "GET", "/api/v1/notifications?before=x", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("before=x: %d", resp.StatusCode)
	}
	if body := readBody(t, f.do(t, store.RoleCFO, "GET", "/alerts", "")); strings.Contains(body, "unread\">") {
		t.Error("header still counts unread notifications after all were read")
	}
}

// TestInboxPushedLive: a notification the worker delivers through the
// broker reaches the user's open event stream, and no one else's; after
// a reconnect with Last-Event-ID the missed ones are replayed.
func TestInboxPushedLive(t *testing.T) {
	t.Parallel()
	b := notify.NewBroker()
	f := newFixture(t, Config{Inbox: b})
	cfo := f.users[store.RoleCFO]
	open := func(role, lastID string) (*bufio.Reader, func()) {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/api/v1/events", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.tokens[role]})
		if lastID != "" {
			req.Header.Set("Last-Event-ID", lastID)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("events as %s: %v %v", role, resp, err)
		}
		return bufio.NewReader(resp.Body), func() { cancel(); resp.Body.Close() }
	}
	next := func(r *bufio.Reader) (id string, n notificationJSON) {
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				t.Fatal(err)
			}
			if v, ok := strings.CutPrefix(line, "id: "); ok {
				id = strings.TrimSpace(v)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				if err := json.Unmarshal([]byte(data), &n); err != nil {
					t.Fatal(err)
				}
				return id, n
			}
		}
	}
	stream, closeStream := open(store.RoleCFO, "")
	for b.Subscribers(cfo.ConnectionID, cfo.ID) < 1 {
		time.Sleep(time.Millisecond) // the stream subscribes after its first line
	}
	n := sendInApp(t, f.store, cfo, "live", "Cash runway below 60 days", "/alerts/3")
	b.Publish(notify.Event{ID: n.ID, ConnectionID: cfo.ConnectionID, UserID: cfo.ID, Priority: n.Priority, Subject: n.Subject, Link: n.Link})
	b.Publish(notify.Event{ID: n.ID + 100, ConnectionID: cfo.ConnectionID, UserID: f.users[store.RoleSales].ID, Subject: "not for the cfo"})
	id, got := next(stream)
	if id != fmt.Sprint(n.ID) || got.Subject != "Cash runway below 60 days" || got.Link != "/alerts/3" {
		t.Fatalf("pushed %s %+v", id, got)
	}
	closeStream()

	later := sendInApp(t, f.store, cfo, "missed", "Missed while away", "")
	stream, closeStream = open(store.RoleCFO, id)
	defer closeStream()
	if id, got := next(stream); id != fmt.Sprint(later.ID) || got.Subject != "Missed while away" {
		t.Fatalf("replayed %s %+v", id, got)
	}
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBrowserInboxLive: a notification delivered while the CFO looks at the
// overview shows as a notice and bumps the header's unread count without a
// reload; the inbox page lists it.
func TestBrowserInboxLive(t *testing.T) {
	t.Parallel()
	open := browser(t)
	b := notify.NewBroker()
	f := newFixture(t, Config{Inbox: b})
	cfo := f.users[store.RoleCFO]
	hash, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.UserSetPassword(context.Background(), cfo.ID, hash); err != nil {
		t.Fatal(err)
	}
	page := open()
	screenshotOnFailure(t, map[string]context.Context{"inbox": page})
	login(t, page, f.srv.URL, "cfo-user", "correct horse battery")
	for b.Subscribers(cfo.ConnectionID, cfo.ID) < 1 {
		time.Sleep(5 * time.Millisecond) // the page opens its event stream
	}
	n := sendInApp(t, f.store, cfo, "live", "Cash runway below 60 days", "/alerts/3")
	b.Publish(notify.Event{ID: n.ID, ConnectionID: cfo.ConnectionID, UserID: cfo.ID, Priority: n.Priority, Subject: n.Subject, Link: n.Link})
	step(t, page, "see the notice and the count",
		chromedp.WaitVisible(chromedp.CSS(`#toast a[href="/alerts/3"]`)),
		chromedp.WaitVisible(chromedp.CSS("#inbox-count")),
	)
	if got := text(t, page, "#inbox-count"); got != "1" {
		t.Fatalf("unread count %q, want 1", got)
	}
	step(t, page, "open the inbox", chromedp.Click(chromedp.CSS(".inbox-link")), chromedp.WaitVisible(chromedp.CSS(".inbox-item.unread")))
	if got := text(t, page, ".inbox"); !strings.Contains(got, "Cash runway below 60 days") {
		t.Fatalf("inbox %q", got)
	}
}
