package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// InboxFeed carries a user's in-app notifications to the pages open in this
// process as they are delivered; notify.Broker is one. The page catches up
// on notifications delivered by other processes from the store when it
// loads (and the event stream replays them after Last-Event-ID).
type InboxFeed interface {
	Subscribe(connectionID, userID int64) (<-chan notify.Event, func())
}

// inboxPageSize is how many notifications the inbox page shows at once.
const inboxPageSize = 50

// unreadShown is the largest unread count the header shows exactly; more
// reads "99+".
const unreadShown = 99

// notificationJSON is an in-app notification as the API and the page show
// it.
type notificationJSON struct {
	ID        int64      `json:"id"`
	AlertID   int64      `json:"alert_id,omitempty"`
	Priority  string     `json:"priority"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Link      string     `json:"link,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

func newNotificationJSON(n *store.Notification) notificationJSON {
	out := notificationJSON{ID: n.ID, AlertID: n.AlertID, Priority: n.Priority, Subject: n.Subject, Body: n.Body,
		Link: safeLink(n.Link), CreatedAt: n.CreatedAt}
	if !n.ReadAt.IsZero() {
		t := n.ReadAt
		out.ReadAt = &t
	}
	return out
}

// safeLink keeps a notification's link when it is a dashboard path or an
// http(s) URL, so a stored link can never become a javascript: URL.
func safeLink(link string) string {
	if strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") {
		return link
	}
	return safeURL(link)
}

// inbox reads one page of the user's delivered in-app notifications.
func (s *Server) inbox(ctx context.Context, u *store.User, unreadOnly bool, before int64, limit int) ([]notificationJSON, error) {
	list, err := s.cfg.Store.NotificationList(ctx, store.NotificationListParams{
		ConnectionID: u.ConnectionID, UserID: u.ID, Channel: notify.ChannelInApp, Status: store.NotificationSent,
		UnreadOnly: unreadOnly, BeforeID: before, Limit: limit,
	})
	if err != nil {
		return nil, fmt.Errorf("inbox of %s: %w", u.Username, err)
	}
	out := make([]notificationJSON, 0, len(list))
	for _, n := range list {
		out = append(out, newNotificationJSON(n))
	}
	return out, nil
}

// unreadLabel is the header's unread count: "" for none, "99+" beyond
// unreadShown. A failed count is logged and shows nothing: the header must
// not break a page.
func (s *Server) unreadLabel(r *http.Request, u *store.User) string {
	if u == nil {
		return ""
	}
	n, err := s.cfg.Store.NotificationUnreadCount(r.Context(), u.ConnectionID, u.ID, unreadShown+1)
	if err != nil {
		if !s.clientGone(r, err) {
			s.cfg.Logger.WarnContext(r.Context(), "web: counting unread notifications failed", "error", err)
		}
		return ""
	}
	switch {
	case n == 0:
		return ""
	case n > unreadShown:
		return strconv.Itoa(unreadShown) + "+"
	}
	return strconv.Itoa(n)
}

type inboxPage struct {
	Items      []notificationJSON
	UnreadOnly bool
	// Older is the id to page back from, 0 when this is the last page.
	Older int64
}

func parseInboxQuery(r *http.Request) (unreadOnly bool, before int64, err error) {
	q := r.URL.Query()
	switch q.Get("unread") {
	case "", "0", "false":
	case "1", "true":
		unreadOnly = true
	default:
		return false, 0, fmt.Errorf("unread must be 1 or 0, not %q", q.Get("unread"))
	}
	if b := q.Get("before"); b != "" {
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before <= 0 {
			return false, 0, fmt.Errorf("before must be a notification id, not %q", b)
		}
	}
	return unreadOnly, before, nil
}

func (s *Server) showInbox(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	unreadOnly, before, err := parseInboxQuery(r)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	items, err := s.inbox(r.Context(), u, unreadOnly, before, inboxPageSize+1)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := inboxPage{Items: items, UnreadOnly: unreadOnly}
	if len(items) > inboxPageSize {
		p.Items = items[:inboxPageSize]
		p.Older = p.Items[inboxPageSize-1].ID
	}
	s.render(w, r, "inbox", http.StatusOK, p)
}

func (s *Server) postInboxRead(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	if _, err := s.cfg.Store.NotificationMarkRead(r.Context(), u.ConnectionID, u.ID, id); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}

func (s *Server) postInboxReadAll(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	if _, err := s.cfg.Store.NotificationMarkAllRead(r.Context(), u.ConnectionID, u.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}

type inboxJSON struct {
	Items  []notificationJSON `json:"items"`
	Unread string             `json:"unread"`
}

func (s *Server) apiInbox(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	unreadOnly, before, err := parseInboxQuery(r)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	limit := inboxPageSize
	if l := r.URL.Query().Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > PerPageMax {
			s.apiError(w, r, http.StatusBadRequest, codeBadRequest, fmt.Sprintf("limit must be a whole number from 1 to %d", PerPageMax))
			return
		}
	}
	items, err := s.inbox(r.Context(), u, unreadOnly, before, limit)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inboxJSON{Items: items, Unread: s.unreadLabel(r, u)})
}

// inboxReadJSON answers a mark-read: how many were marked and the unread
// count left ("" for none).
type inboxReadJSON struct {
	ID     int64  `json:"id,omitempty"`
	Marked int64  `json:"marked"`
	Unread string `json:"unread"`
}

func (s *Server) apiInboxRead(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	ok, err := s.cfg.Store.NotificationMarkRead(r.Context(), u.ConnectionID, u.ID, id)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	out := inboxReadJSON{ID: id, Unread: s.unreadLabel(r, u)}
	if ok {
		out.Marked = 1
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiInboxReadAll(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	n, err := s.cfg.Store.NotificationMarkAllRead(r.Context(), u.ConnectionID, u.ID)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, inboxReadJSON{Marked: n})
}
