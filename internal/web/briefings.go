package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// BriefingRenderer renders stored briefings and knows when a user's
// briefing is due. *briefing.Generator implements it.
type BriefingRenderer interface {
	// HTML renders a briefing's Markdown to sanitised HTML.
	HTML(markdown string) (string, error)
	// UserDate returns the user's local date at now (midnight in their
	// zone) and whether their briefing time of day has passed.
	UserDate(u *store.User, now time.Time) (time.Time, bool, error)
}

// BriefingAtDefault is the local time of day briefings are written when
// Config.BriefingAt is zero (the briefing package's default).
const BriefingAtDefault = 6 * time.Hour

// briefingJSON is a briefing as the API shows it.
type briefingJSON struct {
	ID                   int64      `json:"id"`
	Date                 string     `json:"date"`
	Role                 string     `json:"role"`
	Markdown             string     `json:"markdown,omitempty"`
	HTML                 string     `json:"html,omitempty"`
	InsightsCount        int        `json:"insights_count"`
	AlertsCount          int        `json:"alerts_count"`
	RecommendationsCount int        `json:"recommendations_count"`
	DeliveredAt          *time.Time `json:"delivered_at,omitempty"`
	DeliveryMethod       string     `json:"delivery_method,omitempty"`
	ReadAt               *time.Time `json:"read_at,omitempty"`
	CreatedAt            time.Time  `json:"created_at"`
}

func newBriefingJSON(b *store.DailyBriefing) briefingJSON {
	return briefingJSON{ID: b.ID, Date: b.Date.Format(time.DateOnly), Role: b.Role, InsightsCount: b.InsightsCount,
		AlertsCount: b.AlertsCount, RecommendationsCount: b.RecommendationsCount, DeliveredAt: timePtr(b.DeliveredAt),
		DeliveryMethod: b.DeliveryMethod, ReadAt: timePtr(b.ReadAt), CreatedAt: b.CreatedAt}
}

// todayJSON is the state of the user's briefing for their local today.
type todayJSON struct {
	Date     string        `json:"date"`
	Briefing *briefingJSON `json:"briefing,omitempty"`
	// Pending explains, when there is no briefing yet, when it will be
	// written.
	Pending string `json:"pending,omitempty"`
}

// briefingToday returns the user's briefing for their local today, or nil
// and a sentence saying when it will be written.
func (s *Server) briefingToday(ctx context.Context, u *store.User) (time.Time, *store.DailyBriefing, string, error) {
	now := s.cfg.NowFunc()
	var (
		date time.Time
		due  bool
	)
	at := s.cfg.BriefingAt
	if at == 0 {
		at = BriefingAtDefault
	}
	if s.cfg.Briefings != nil {
		var err error
		if date, due, err = s.cfg.Briefings.UserDate(u, now); err != nil {
			return time.Time{}, nil, "", err
		}
	} else {
		loc, err := time.LoadLocation(u.Timezone)
		if err != nil {
			return time.Time{}, nil, "", fmt.Errorf("web: user %s: timezone %q: %w", u.Username, u.Timezone, err)
		}
		local := now.In(loc)
		y, m, d := local.Date()
		date = time.Date(y, m, d, 0, 0, 0, 0, loc)
		due = !local.Before(date.Add(at))
	}
	b, err := s.cfg.Store.DailyBriefingByUserDate(ctx, u.ID, date)
	if err == nil {
		return date, b, "", nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return time.Time{}, nil, "", err
	}
	clock := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).Add(at).Format("15:04")
	zone := u.Timezone
	if zone == "" {
		zone = "UTC"
	}
	msg := fmt.Sprintf("Your briefing for today will be written at %s (%s).", clock, zone)
	if due {
		msg = fmt.Sprintf("Your briefing for today is due (%s, %s) and will be written within the next few minutes.", clock, zone)
	}
	return date, nil, msg, nil
}

// briefingHTML renders a briefing's Markdown; without a renderer it
// returns "" and the page shows the Markdown as text.
func (s *Server) briefingHTML(ctx context.Context, b *store.DailyBriefing) (template.HTML, error) {
	if s.cfg.Briefings == nil {
		return "", nil
	}
	h, err := s.cfg.Briefings.HTML(s.currentLinks(ctx, b.ConnectionID, b.Content))
	if err != nil {
		return "", fmt.Errorf("web: render briefing %d: %w", b.ID, err)
	}
	// The renderer sanitises its output (bluemonday).
	return template.HTML(h), nil
}

// ownBriefing loads the briefing named in the path and checks it is the
// user's own, answering the error itself when not.
func (s *Server) ownBriefing(w http.ResponseWriter, r *http.Request, api bool) (*store.DailyBriefing, bool) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, api, err.Error())
		return nil, false
	}
	b, err := s.cfg.Store.DailyBriefingByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && b.ConnectionID != u.ConnectionID) {
		s.notFound(w, r, api, fmt.Sprintf("There is no briefing %d.", id))
		return nil, false
	}
	if err != nil {
		s.fail(w, r, api, err)
		return nil, false
	}
	if b.UserID != u.ID {
		s.forbidden(w, r, api, "This briefing was written for someone else.")
		return nil, false
	}
	return b, true
}

// briefingsPage is the Briefings page: today's briefing (or when it will
// be written) and the archive; or, with Selected, one archived briefing.
type briefingsPage struct {
	Date     string
	Today    *store.DailyBriefing
	Selected *store.DailyBriefing
	HTML     template.HTML
	Pending  string
	Archive  []*store.DailyBriefing
}

const briefingArchiveSize = 60

func (s *Server) showBriefings(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	date, today, pending, err := s.briefingToday(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := briefingsPage{Date: date.Format(time.DateOnly), Today: today, Selected: today, Pending: pending}
	if today != nil {
		if p.HTML, err = s.briefingHTML(r.Context(), today); err != nil {
			s.serverError(w, r, err)
			return
		}
		if err := s.cfg.Store.DailyBriefingMarkRead(r.Context(), today.ID, s.cfg.NowFunc()); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if p.Archive, err = s.cfg.Store.DailyBriefingList(r.Context(), store.DailyBriefingListParams{ConnectionID: u.ConnectionID, UserID: u.ID, Limit: briefingArchiveSize}); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "briefings", http.StatusOK, p)
}

func (s *Server) showBriefing(w http.ResponseWriter, r *http.Request) {
	b, ok := s.ownBriefing(w, r, false)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	h, err := s.briefingHTML(r.Context(), b)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.cfg.Store.DailyBriefingMarkRead(r.Context(), b.ID, s.cfg.NowFunc()); err != nil {
		s.serverError(w, r, err)
		return
	}
	archive, err := s.cfg.Store.DailyBriefingList(r.Context(), store.DailyBriefingListParams{ConnectionID: u.ConnectionID, UserID: u.ID, Limit: briefingArchiveSize})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "briefings", http.StatusOK, briefingsPage{Date: b.Date.Format(time.DateOnly), Selected: b, HTML: h, Archive: archive})
}

func (s *Server) apiBriefingList(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	pg, err := parsePage(r)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	list, err := s.cfg.Store.DailyBriefingList(r.Context(), store.DailyBriefingListParams{ConnectionID: u.ConnectionID, UserID: u.ID, Limit: pg.fetch()})
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	out := []briefingJSON{}
	for _, b := range paginate(list, &pg) {
		out = append(out, newBriefingJSON(b))
	}
	writeJSON(w, http.StatusOK, listResponse[briefingJSON]{Data: out, Pagination: pg})
}

// fullBriefingJSON adds the content and its HTML.
func (s *Server) fullBriefingJSON(ctx context.Context, b *store.DailyBriefing) (briefingJSON, error) {
	j := newBriefingJSON(b)
	j.Markdown = s.currentLinks(ctx, b.ConnectionID, b.Content)
	h, err := s.briefingHTML(ctx, b)
	j.HTML = string(h)
	return j, err
}

func (s *Server) apiBriefingToday(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	date, b, pending, err := s.briefingToday(r.Context(), u)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	out := todayJSON{Date: date.Format(time.DateOnly), Pending: pending}
	if b != nil {
		j, err := s.fullBriefingJSON(r.Context(), b)
		if err != nil {
			s.apiServerError(w, r, err)
			return
		}
		out.Briefing = &j
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiBriefingGet(w http.ResponseWriter, r *http.Request) {
	b, ok := s.ownBriefing(w, r, true)
	if !ok {
		return
	}
	j, err := s.fullBriefingJSON(r.Context(), b)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, j)
}

func (s *Server) apiBriefingRead(w http.ResponseWriter, r *http.Request) {
	b, ok := s.ownBriefing(w, r, true)
	if !ok {
		return
	}
	if err := s.cfg.Store.DailyBriefingMarkRead(r.Context(), b.ID, s.cfg.NowFunc()); err != nil {
		s.apiServerError(w, r, err)
		return
	}
	b, err := s.cfg.Store.DailyBriefingByID(r.Context(), b.ID)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newBriefingJSON(b))
}

// odooRecordLink matches a link to an Odoo record as aicoo writes them
// (base/web#id=42&model=account.move...), keeping the part after the base.
var odooRecordLink = regexp.MustCompile(`https?://[^\s()<>"\]\[]+?(/web#id=\d+&model=[a-z0-9_.]+)`)

// currentLinks points the Odoo record links in a stored text at the
// connection's current address, so a briefing written while Odoo answered
// elsewhere (the demo's simulator on another port, a moved server) still
// opens the records.
func (s *Server) currentLinks(ctx context.Context, connectionID int64, text string) string {
	conn, err := s.cfg.Store.ConnectionByID(ctx, connectionID)
	if err != nil || safeURL(conn.OdooURL) == "" {
		return text
	}
	base := strings.TrimSuffix(conn.OdooURL, "/")
	return odooRecordLink.ReplaceAllString(text, strings.ReplaceAll(base, "$", "$$")+"$1")
}
