package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/attention"
	"github.com/aicoo/aicoo/internal/store"
)

// attentionMax is how many items the overview's attention list shows; the
// rest are on the alerts and actions pages.
const attentionMax = 10

// attentionItem is one row of "What needs me now".
type attentionItem struct {
	attention.Item
	Link      string // the alert's or the action's page
	AreaLabel string
	// Waiting is the label of the action waiting for approval on the same
	// subject, or of the item itself when it is an action.
	Waiting string
	New     bool // the alert is not acknowledged yet
}

// attentionView is the overview's ranked list with its counts.
type attentionView struct {
	Items      []attentionItem
	More       int            // ranked items beyond attentionMax
	ByPriority map[string]int // open, not snoozed alerts
	ByArea     []areaCount
	Snoozed    int
	NewIDs     []int64 // unacknowledged alerts among Items, for bulk acknowledge
}

type areaCount struct {
	Area, Label string
	N           int
}

// companyCurrencies reads each company's currency from the units of its
// money figures in the latest finance result.
func (s *Server) companyCurrencies(ctx context.Context, jobs []*store.MonitoringJob) map[int64]string {
	out := map[int64]string{}
	for _, j := range jobs {
		if jobArea(j) != "finance" {
			continue
		}
		r, err := s.cfg.Store.AnalysisResultLatest(ctx, j.ID, time.Time{})
		if err != nil {
			return out
		}
		byKey, err := analysis.DecodeMetrics(r.Metrics)
		if err != nil {
			return out
		}
		for _, k := range slices.Sorted(maps.Keys(byKey)) {
			m := byKey[k]
			if !currencyCode.MatchString(m.Unit) {
				continue
			}
			// A per-company figure ("name@2") names its company's currency;
			// the first money figure stands for a connection of one company.
			if _, c, ok := strings.Cut(k, "@"); ok {
				if id, err := strconv.ParseInt(c, 10, 64); err == nil {
					out[id] = m.Unit
				}
			}
			if out[0] == "" {
				out[0] = m.Unit
			}
		}
	}
	return out
}

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// loadAttention ranks the open alerts and the actions waiting for approval
// that role may see by money at stake (package attention).
func (s *Server) loadAttention(ctx context.Context, connectionID int64, role string, jobs []*store.MonitoringJob, now time.Time) (*attentionView, error) {
	alerts, err := s.cfg.Store.AlertDetailList(ctx, store.AlertDetailListParams{ConnectionID: connectionID, OpenOnly: true})
	if err != nil {
		return nil, err
	}
	pending, err := s.cfg.Store.ActionList(ctx, store.ActionListParams{ConnectionID: connectionID, Statuses: []string{store.ActionPending}})
	if err != nil {
		return nil, err
	}
	cur := s.companyCurrencies(ctx, jobs)
	v := &attentionView{ByPriority: map[string]int{}}
	waiting := map[string]*store.Action{} // pending action by subject
	for _, a := range pending {
		if s.canSeeAction(role, a.ActionType) && waiting[a.Subject] == nil {
			waiting[a.Subject] = a
		}
	}
	areaN := map[string]int{}
	var items []attentionItem
	for _, a := range alerts {
		if !s.canSeeArea(role, a.Type) {
			continue
		}
		var data struct {
			Kind      string             `json:"kind"`
			Facts     map[string]float64 `json:"facts"`
			CompanyID int64              `json:"company_id"`
		}
		_ = json.Unmarshal(a.Data, &data) // an alert without data ranks by priority
		kind := data.Kind
		if kind == "" {
			kind = a.Type
		}
		it := attentionItem{Item: attention.Item{AlertID: a.ID, Kind: kind, Area: a.Type, Priority: a.Priority, Title: a.Title,
			Subject: a.Subject, Currency: currencyOf(cur, data.CompanyID), Facts: data.Facts, Since: a.CreatedAt,
			Snoozed: a.SnoozedUntil.After(now)},
			Link: "/alerts/" + strconv.FormatInt(a.ID, 10), AreaLabel: s.areaWords(a.Type), New: a.Status == store.AlertNew}
		if it.Snoozed {
			v.Snoozed++
			continue
		}
		v.ByPriority[a.Priority]++
		areaN[a.Type]++
		if act := waiting[a.Subject]; act != nil && a.Subject != "" {
			it.ActionID, it.Waiting = act.ID, s.actionTypeLabel(act.ActionType)
			delete(waiting, a.Subject)
		}
		items = append(items, it)
	}
	// Actions whose finding has no open alert stand on their own.
	for _, a := range pending {
		if waiting[a.Subject] != a {
			continue
		}
		var ev struct {
			Facts     map[string]float64 `json:"facts"`
			CompanyID int64              `json:"company_id"`
		}
		_ = json.Unmarshal(a.Evidence, &ev)
		items = append(items, attentionItem{Item: attention.Item{ActionID: a.ID, Kind: a.InsightKind, Priority: store.PriorityMedium,
			Title: a.Description, Subject: a.Subject, Currency: currencyOf(cur, ev.CompanyID), Facts: ev.Facts, Since: a.CreatedAt},
			Link: "/actions#action-" + strconv.FormatInt(a.ID, 10), Waiting: s.actionTypeLabel(a.ActionType), AreaLabel: "Actions"})
	}
	base := make([]attention.Item, len(items))
	byKey := map[[2]int64]attentionItem{}
	for i, it := range items {
		base[i] = it.Item
		byKey[[2]int64{it.AlertID, it.ActionID}] = it
	}
	for _, r := range attention.Rank(base) {
		it := byKey[[2]int64{r.AlertID, r.ActionID}]
		it.Item = r
		if len(v.Items) == attentionMax {
			v.More++
			continue
		}
		v.Items = append(v.Items, it)
		if it.New && it.AlertID != 0 {
			v.NewIDs = append(v.NewIDs, it.AlertID)
		}
	}
	for _, a := range s.areas {
		if areaN[a] > 0 {
			v.ByArea = append(v.ByArea, areaCount{Area: a, Label: s.areaWords(a), N: areaN[a]})
		}
	}
	if n := areaN["job"] + areaN["system"]; n > 0 {
		v.ByArea = append(v.ByArea, areaCount{Label: "Monitoring", N: n})
	}
	return v, nil
}

func currencyOf(cur map[int64]string, company int64) string {
	if c := cur[company]; c != "" {
		return c
	}
	return cur[0]
}

// areaWords names an alert's area for people.
func (v *vocab) areaWords(area string) string {
	if v.isArea(area) {
		return v.areaLabel(area)
	}
	return sentence(words(area))
}

// actionTypeLabel names an action type in words.
func (v *vocab) actionTypeLabel(t string) string {
	if info, err := v.acts.Info(actions.Type(t)); err == nil {
		return info.Label
	}
	return sentence(words(t))
}

// acknowledgeMany acknowledges the listed alerts that are new and that the
// user may see; it returns the ids it acknowledged. Others are skipped.
func (s *Server) acknowledgeMany(ctx context.Context, u *store.User, ids []int64) ([]int64, error) {
	done := []int64{}
	for _, id := range ids {
		a, err := s.alertByID(ctx, u.ConnectionID, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (!s.canSeeArea(u.Role, a.Type) || a.Status != store.AlertNew)) {
			continue
		}
		if err != nil {
			return done, err
		}
		if err := s.doAlertAction(ctx, u, a, "acknowledge", alertActionInput{}); err != nil {
			if errors.Is(err, ErrAlertState) {
				continue // acknowledged meanwhile
			}
			return done, err
		}
		done = append(done, id)
	}
	return done, nil
}

// maxBulk bounds one bulk acknowledgement.
const maxBulk = 500

// postAcknowledgeMany is the overview's "Acknowledge the new alerts shown".
func (s *Server) postAcknowledgeMany(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "Bad form.")
		return
	}
	var ids []int64
	for _, raw := range r.PostForm["id"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			s.renderError(w, r, http.StatusBadRequest, "Alert ids are positive whole numbers.")
			return
		}
		ids = append(ids, id)
	}
	if len(ids) == 0 || len(ids) > maxBulk {
		s.renderError(w, r, http.StatusBadRequest, fmt.Sprintf("Choose between 1 and %d alerts to acknowledge.", maxBulk))
		return
	}
	if _, err := s.acknowledgeMany(r.Context(), userFrom(r.Context()), ids); err != nil {
		s.alertActionError(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// apiAcknowledgeMany acknowledges several alerts: body {"ids": [...]}.
func (s *Server) apiAcknowledgeMany(w http.ResponseWriter, r *http.Request) {
	var in struct {
		IDs []int64 `json:"ids"`
	}
	if err := decodeJSONBody(w, r, &in); err != nil || len(in.IDs) == 0 || len(in.IDs) > maxBulk {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, fmt.Sprintf("The body must be {\"ids\": [...]} with 1 to %d alert ids.", maxBulk))
		return
	}
	done, err := s.acknowledgeMany(r.Context(), userFrom(r.Context()), in.IDs)
	if err != nil {
		s.alertActionError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Acknowledged []int64 `json:"acknowledged"`
	}{done})
}

// sinceView is "Since you last looked": what changed between the user's
// previous visit and now, among the alerts their role sees.
type sinceView struct {
	Since                     time.Time
	New, Resolved, Escalated  []*store.AlertChange
	NewN, ResolvedN, EscalatN int
}

// sinceGap is how long after a visit the next one counts as a new visit
// rather than a reload.
const sinceGap = 30 * time.Minute

// sinceSection renders the user's "since you last looked" section, or
// nothing on the first visit.
func (s *Server) sinceSection(ctx context.Context, u *store.User) (template.HTML, error) {
	now := s.cfg.NowFunc()
	if html, ok := s.since.get(u.ID, now); ok {
		return html, nil
	}
	prev, err := s.cfg.Store.UserSeen(ctx, u.ID, now, sinceGap)
	if err != nil {
		return "", err
	}
	if prev.IsZero() {
		s.since.put(u.ID, now, "")
		return "", nil
	}
	changes, err := s.cfg.Store.AlertChangesSince(ctx, u.ConnectionID, prev, 300)
	if err != nil {
		return "", err
	}
	v := sinceView{Since: prev}
	for _, c := range changes {
		if !s.canSeeArea(u.Role, c.Type) {
			continue
		}
		switch c.Change {
		case store.AlertEventRaised:
			v.NewN++
			if len(v.New) < 5 {
				v.New = append(v.New, c)
			}
		case store.AlertEventResolved:
			v.ResolvedN++
			if len(v.Resolved) < 5 {
				v.Resolved = append(v.Resolved, c)
			}
		case store.AlertEventEscalated:
			v.EscalatN++
			if len(v.Escalated) < 5 {
				v.Escalated = append(v.Escalated, c)
			}
		}
	}
	var buf bytes.Buffer
	t, err := s.zoned.page(s.pages, "overview", userZone(u.Timezone))
	if err != nil {
		return "", err
	}
	if err := t.ExecuteTemplate(&buf, "since", v); err != nil {
		return "", fmt.Errorf("render since: %w", err)
	}
	html := template.HTML(buf.String())
	s.since.put(u.ID, now, html)
	return html, nil
}

// sinceTTL is how long a user's rendered section is reused. The overview
// is reloaded often and under load; without it every request would write
// the user's visit and query the alert history. A visit is recorded at
// most once per sinceTTL, far below sinceGap.
const sinceTTL = 30 * time.Second

// sinceCache holds each user's latest rendered "since you last looked".
type sinceCache struct {
	mu      sync.Mutex
	entries map[int64]sinceEntry
}

type sinceEntry struct {
	at   time.Time
	html template.HTML
}

func (c *sinceCache) get(userID int64, now time.Time) (template.HTML, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[userID]
	if !ok || !fresh(e.at, now, sinceTTL) {
		return "", false
	}
	return e.html, true
}

func (c *sinceCache) put(userID int64, now time.Time, html template.HTML) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[int64]sinceEntry{}
	}
	if len(c.entries) > 10000 {
		clear(c.entries) // bounded: a process serves a few hundred users
	}
	c.entries[userID] = sinceEntry{at: now, html: html}
}

// sinceMarker is where the per-user section goes in the shared overview.
var sinceMarker = []byte("<div data-since-slot></div>")

// withSince puts the user's section into a rendered overview.
func withSince(page []byte, section template.HTML) []byte {
	if section == "" || !bytes.Contains(page, sinceMarker) {
		return page
	}
	return bytes.Replace(page, sinceMarker, []byte(section), 1)
}
