// Package cashplan serves the 13-week cash forecast (package
// analysis/forecast) of a connection as the dashboard, the API and the
// chat show it: computed from the synced copy of Odoo with the recurring
// flows people switched off, kept until the next sync, with the
// connection's saved scenarios compared against it.
package cashplan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// Service computes and caches forecasts. It holds, per connection, the
// decoded records of its last forecast (one forecast.Model) until a newer
// sync; it is safe for concurrent use.
type Service struct {
	store *store.Store
	now   func() time.Time

	loads singleflight.Group
	mu    sync.Mutex
	cache map[int64]*entry
}

type entry struct {
	// synced is the newest successful sync of the connection's models
	// when the model was loaded; a newer sync loads it again.
	synced time.Time
	model  *forecast.Model
	plans  map[planKey]*named
}

// named is a computed forecast with the names of its items' partners.
type named struct {
	f        *forecast.Forecast
	partners map[int64]string
}

type planKey struct {
	day      odoo.Date
	pipeline bool
	off      string
}

// New returns a Service over s; now defaults to time.Now.
func New(s *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: s, now: now, cache: map[int64]*entry{}}
}

// Plan is a connection's forecast as of today, with what it needs to be
// shown in words.
type Plan struct {
	*forecast.Forecast
	// Pipeline says whether the weighted pipeline is counted.
	Pipeline bool
	// Off lists the recurring flows switched off.
	Off []string
	// Partners names the partners of the forecast's items. It and Forecast
	// are shared with later views of the same day: read them, never change
	// them.
	Partners map[int64]string
	// SyncedAt is the newest successful sync the forecast reads.
	SyncedAt time.Time
}

// Company returns the plan's forecast of company id, or its first
// company when id is 0 or unknown.
func (p *Plan) Company(id int64) *forecast.Company {
	for _, c := range p.Companies {
		if c.CompanyID == id {
			return c
		}
	}
	if len(p.Companies) > 0 {
		return p.Companies[0]
	}
	return nil
}

// newestSync returns the newest successful sync of the connection's models.
func (s *Service) newestSync(ctx context.Context, connectionID int64) (time.Time, error) {
	states, err := s.store.OdooSyncStateList(ctx, connectionID)
	if err != nil {
		return time.Time{}, fmt.Errorf("cashplan: sync state: %w", err)
	}
	var newest time.Time
	for _, st := range states {
		if st.LastSuccessAt.After(newest) {
			newest = st.LastSuccessAt
		}
	}
	if newest.IsZero() {
		return newest, fmt.Errorf("cashplan: nothing has been synced from Odoo yet: %w", analysis.ErrUnavailable)
	}
	return newest, nil
}

// model returns the connection's loaded records, loading them once per
// sync (concurrent callers share one load).
func (s *Service) model(ctx context.Context, connectionID int64) (*entry, error) {
	synced, err := s.newestSync(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	e := s.cache[connectionID]
	s.mu.Unlock()
	if e != nil && !synced.After(e.synced) {
		return e, nil
	}
	v, err, _ := s.loads.Do(strconv.FormatInt(connectionID, 10), func() (any, error) {
		m, err := forecast.Load(ctx, analysis.StoreSource{Store: s.store, ConnectionID: connectionID})
		if err != nil {
			return nil, err
		}
		e := &entry{synced: synced, model: m, plans: map[planKey]*named{}}
		s.mu.Lock()
		s.cache[connectionID] = e
		s.mu.Unlock()
		return e, nil
	})
	if err != nil {
		return nil, fmt.Errorf("cashplan: %w", err)
	}
	return v.(*entry), nil
}

// today is the forecast's as-of day: the last whole day, in UTC.
func (s *Service) today() odoo.Date {
	return odoo.DateOf(s.now().UTC())
}

// Plan returns the connection's forecast as of today: with the weighted
// pipeline counted when pipeline is true, without the recurring flows
// switched off.
func (s *Service) Plan(ctx context.Context, connectionID int64, pipeline bool) (*Plan, error) {
	e, err := s.model(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	off, err := s.store.ForecastFlowsOff(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	key := planKey{day: s.today(), pipeline: pipeline, off: strings.Join(off, ",")}
	s.mu.Lock()
	n := e.plans[key]
	s.mu.Unlock()
	if n == nil {
		f := e.model.At(key.day, forecast.Options{Pipeline: pipeline, Disabled: off})
		names, err := s.partnerNames(ctx, connectionID, f)
		if err != nil {
			return nil, err
		}
		n = &named{f: f, partners: names}
		s.mu.Lock()
		if len(e.plans) > 16 { // days and toggles: keep a handful
			clear(e.plans)
		}
		e.plans[key] = n
		s.mu.Unlock()
	}
	return &Plan{Forecast: n.f, Pipeline: pipeline, Off: off, Partners: n.partners, SyncedAt: e.synced}, nil
}

// partnerNames reads the names of the partners the forecast's items name.
func (s *Service) partnerNames(ctx context.Context, connectionID int64, f *forecast.Forecast) (map[int64]string, error) {
	names := map[int64]string{}
	for _, c := range f.Companies {
		for _, list := range [][]forecast.Item{c.Items, c.Doubtful} {
			for _, it := range list {
				if it.PartnerID != 0 {
					names[it.PartnerID] = ""
				}
			}
		}
	}
	for id := range names {
		rec, err := s.store.OdooRecordGet(ctx, connectionID, "res.partner", id)
		if errors.Is(err, store.ErrNotFound) {
			names[id] = fmt.Sprintf("partner %d", id)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("cashplan: partner %d: %w", id, err)
		}
		fields, err := rec.Fields()
		if err != nil {
			return nil, fmt.Errorf("cashplan: partner %d: %w", id, err)
		}
		name, _ := odoo.Record(fields).String("name")
		if name == "" {
			name = fmt.Sprintf("partner %d", id)
		}
		names[id] = name
	}
	return names, nil
}

// SwitchFlow switches a recurring flow of the forecast off or back on.
// The id must be one of the flows the forecast detected.
func (s *Service) SwitchFlow(ctx context.Context, connectionID int64, flowID string, off bool, by int64) error {
	p, err := s.Plan(ctx, connectionID, false)
	if err != nil {
		return err
	}
	known := false
	for _, c := range p.Companies {
		known = known || slices.ContainsFunc(c.Recurring, func(r *forecast.Recurring) bool { return r.ID == flowID })
	}
	if !known {
		return fmt.Errorf("cashplan: %q is not a recurring flow of the forecast: %w", flowID, store.ErrNotFound)
	}
	return s.store.ForecastFlowSwitch(ctx, connectionID, flowID, off, by)
}

// Scenario is a saved scenario with its changes decoded.
type Scenario struct {
	ID        int64
	CreatedBy int64
	UpdatedAt time.Time
	forecast.Scenario
}

func decodeScenario(sc *store.ForecastScenario) (*Scenario, error) {
	out := &Scenario{ID: sc.ID, CreatedBy: sc.CreatedBy, UpdatedAt: sc.UpdatedAt}
	out.Name, out.MinCash = sc.Name, sc.MinCash
	if err := json.Unmarshal(sc.Changes, &out.Changes); err != nil {
		return nil, fmt.Errorf("cashplan: scenario %d: changes: %w", sc.ID, err)
	}
	return out, nil
}

// Scenarios lists the connection's saved scenarios.
func (s *Service) Scenarios(ctx context.Context, connectionID int64) ([]*Scenario, error) {
	list, err := s.store.ForecastScenarioList(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	out := make([]*Scenario, 0, len(list))
	for _, sc := range list {
		d, err := decodeScenario(sc)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// ScenarioByID returns one saved scenario.
func (s *Service) ScenarioByID(ctx context.Context, connectionID, id int64) (*Scenario, error) {
	sc, err := s.store.ForecastScenarioByID(ctx, connectionID, id)
	if err != nil {
		return nil, err
	}
	return decodeScenario(sc)
}

// CheckError is a scenario that cannot be saved or run; its message says
// what to change.
type CheckError struct{ Msg string }

func (e *CheckError) Error() string { return e.Msg }

// check refuses scenarios that would fail or mean nothing.
func check(sc forecast.Scenario) error {
	if strings.TrimSpace(sc.Name) == "" || len(sc.Name) > 120 {
		return &CheckError{"a scenario needs a name of at most 120 characters"}
	}
	if len(sc.Changes) == 0 || len(sc.Changes) > 20 {
		return &CheckError{"a scenario needs one to twenty changes"}
	}
	for i, ch := range sc.Changes {
		if err := checkChange(ch); err != nil {
			return &CheckError{fmt.Sprintf("change %d (%s): %v", i+1, Kinds[ch.Kind], err)}
		}
	}
	return nil
}

// Kinds names the kinds of change in words, for forms and messages.
var Kinds = map[string]string{
	forecast.ChangeCustomerDelay: "a customer pays later",
	forecast.ChangeCustomerNever: "a customer does not pay",
	forecast.ChangeDealSlip:      "a deal slips",
	forecast.ChangeDealLost:      "a deal is lost",
	forecast.ChangeBillEarly:     "a bill is paid early",
	forecast.ChangeHire:          "a new hire",
	forecast.ChangeOneOff:        "a one-off payment or receipt",
}

func checkChange(ch forecast.Change) error {
	switch ch.Kind {
	case forecast.ChangeCustomerDelay, forecast.ChangeCustomerNever:
		if ch.PartnerID <= 0 {
			return errors.New("choose the customer")
		}
		if ch.Kind == forecast.ChangeCustomerDelay && (ch.Days <= 0 || ch.Days > 365) {
			return errors.New("days late must be from 1 to 365")
		}
	case forecast.ChangeDealSlip, forecast.ChangeDealLost:
		if ch.LeadID <= 0 {
			return errors.New("choose the deal")
		}
		if ch.Kind == forecast.ChangeDealSlip && (ch.Days <= 0 || ch.Days > 365) {
			return errors.New("days of delay must be from 1 to 365")
		}
	case forecast.ChangeBillEarly:
		if ch.MoveID <= 0 {
			return errors.New("choose the bill")
		}
		if ch.Date.IsZero() && (ch.Days <= 0 || ch.Days > 365) {
			return errors.New("give the day it is paid or how many days earlier (1 to 365)")
		}
	case forecast.ChangeHire:
		if ch.Amount <= 0 || ch.Date.IsZero() {
			return errors.New("a hire needs a positive monthly cost and a start date")
		}
	case forecast.ChangeOneOff:
		if ch.Amount == 0 || ch.Date.IsZero() {
			return errors.New("a one-off flow needs an amount (negative for a payment) and a date")
		}
	default:
		return fmt.Errorf("unknown kind %q", ch.Kind)
	}
	return nil
}

// SaveScenario creates (id 0) or replaces a scenario after checking it.
func (s *Service) SaveScenario(ctx context.Context, connectionID, id int64, sc forecast.Scenario, by int64) (*Scenario, error) {
	if err := check(sc); err != nil {
		return nil, err
	}
	changes, err := json.Marshal(sc.Changes)
	if err != nil {
		return nil, fmt.Errorf("cashplan: scenario %q: %w", sc.Name, err)
	}
	p := store.ForecastScenarioParams{ConnectionID: connectionID, Name: strings.TrimSpace(sc.Name), Changes: changes, MinCash: sc.MinCash, CreatedBy: by}
	var saved *store.ForecastScenario
	if id == 0 {
		saved, err = s.store.ForecastScenarioCreate(ctx, p)
	} else {
		saved, err = s.store.ForecastScenarioUpdate(ctx, id, p)
	}
	if errors.Is(err, store.ErrScenarioExists) {
		return nil, &CheckError{fmt.Sprintf("a scenario named %q already exists", p.Name)}
	}
	if err != nil {
		return nil, err
	}
	return decodeScenario(saved)
}

// DeleteScenario deletes a saved scenario.
func (s *Service) DeleteScenario(ctx context.Context, connectionID, id int64) error {
	return s.store.ForecastScenarioDelete(ctx, connectionID, id)
}

// Run applies a scenario (saved or not) to the plan's company forecast.
func Run(c *forecast.Company, sc forecast.Scenario) (*forecast.ScenarioResult, error) {
	if err := check(sc); err != nil {
		return nil, err
	}
	res, err := c.Apply(sc)
	if errors.Is(err, forecast.ErrBadChange) {
		return nil, &CheckError{err.Error()}
	}
	return res, err
}
