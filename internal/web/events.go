package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/notify"
)

// sseKeepAlive is how often an idle event stream sends a comment, so
// proxies keep it open.
const sseKeepAlive = 25 * time.Second

// StreamRecheckDefault is how often an open event stream checks that its
// session or API token is still good.
const StreamRecheckDefault = 30 * time.Second

// events streams the connection's alert changes as Server-Sent Events
// ("event: alert", data: an Event as JSON), filtered by the areas the
// user's role may see. The stream authenticates again every
// Config.StreamRecheck and before each event, and ends when the session or
// token is gone (signed out, revoked, expired, user disabled) or the role
// lost the view permission; each event is filtered by the role as it is
// now.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	// still re-authenticates the request; false ends the stream.
	still := func() bool {
		fresh, err := s.requestUser(r, true)
		if err != nil || fresh == nil || fresh.ID != u.ID || !s.can(fresh.Role, permView) {
			if err != nil && !s.clientGone(r, err) {
				s.cfg.Logger.WarnContext(r.Context(), "web: event stream: re-checking the caller failed", "error", err)
			}
			return false
		}
		u = fresh
		return true
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// A first comment tells the client the stream is open.
	fmt.Fprint(w, ": connected\n\nretry: 3000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	ch, cancel := s.cfg.Broker.Subscribe(u.ConnectionID)
	defer cancel()
	// The user's in-app notifications: subscribed before the replay, so
	// none falls between the two (one may come twice; the page counts by
	// id).
	var inbox <-chan notify.Event
	if s.cfg.Inbox != nil {
		var stop func()
		inbox, stop = s.cfg.Inbox.Subscribe(u.ConnectionID, u.ID)
		defer stop()
	}
	if last, err := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64); err == nil && last > 0 {
		missed, err := s.inbox(r.Context(), u, false, 0, inboxPageSize)
		if err != nil {
			s.cfg.Logger.WarnContext(r.Context(), "web: event stream: replaying notifications failed", "error", err)
		}
		for i := len(missed) - 1; i >= 0; i-- { // oldest first
			if missed[i].ID > last && writeNotificationEvent(w, missed[i]) != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
	tick := time.NewTicker(sseKeepAlive)
	defer tick.Stop()
	recheck := time.NewTicker(s.cfg.StreamRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case <-recheck.C:
			if !still() {
				return
			}
			continue
		case n, ok := <-inbox:
			if !ok {
				inbox = nil
				continue
			}
			if !still() {
				return
			}
			if writeNotificationEvent(w, notificationJSON{ID: n.ID, AlertID: n.AlertID, Priority: n.Priority, Subject: n.Subject,
				Body: n.Body, Link: safeLink(n.Link), CreatedAt: n.CreatedAt}) != nil {
				return
			}
		case e := <-ch:
			if !still() {
				return
			}
			if !s.canSeeArea(u.Role, e.Area) {
				continue
			}
			data, err := json.Marshal(e)
			if err != nil {
				return
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, data)
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// writeNotificationEvent writes one in-app notification to an event
// stream, with its id so a reconnecting browser resumes after it.
func writeNotificationEvent(w http.ResponseWriter, n notificationJSON) error {
	data, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encode notification %d: %w", n.ID, err)
	}
	_, err = fmt.Fprintf(w, "id: %d\nevent: notification\ndata: %s\n\n", n.ID, data)
	return err
}
