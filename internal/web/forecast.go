package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/chart"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// CashPlanner serves the 13-week cash forecast and its scenarios
// (*cashplan.Service). Without it the forecast pages answer 501.
type CashPlanner interface {
	Plan(ctx context.Context, connectionID int64, pipeline bool) (*cashplan.Plan, error)
	Scenarios(ctx context.Context, connectionID int64) ([]*cashplan.Scenario, error)
	ScenarioByID(ctx context.Context, connectionID, id int64) (*cashplan.Scenario, error)
	SaveScenario(ctx context.Context, connectionID, id int64, sc forecast.Scenario, by int64) (*cashplan.Scenario, error)
	DeleteScenario(ctx context.Context, connectionID, id int64) error
	SwitchFlow(ctx context.Context, connectionID int64, flowID string, off bool, by int64) error
}

// The forecast is a finance figure: roles that see the finance area read
// it; those of them who act on alerts (not viewers) save scenarios and
// switch recurring flows.
const forecastArea = "finance"

func (voc *vocab) mayPlan(u *store.User) bool {
	return voc.canSeeArea(u.Role, forecastArea) && voc.can(u.Role, permAlertAct)
}

// forecastGate answers for the forecast routes the cases where there is
// nothing to show; ok false when it answered.
func (s *Server) forecastGate(w http.ResponseWriter, r *http.Request, api, change bool) (*store.User, bool) {
	u := userFrom(r.Context())
	switch {
	case !s.canSeeArea(u.Role, forecastArea):
		s.forbidden(w, r, api, "The cash forecast is a finance figure, which your role does not see.")
		return nil, false
	case change && !s.mayPlan(u):
		s.forbidden(w, r, api, "Your role reads the forecast but does not change its scenarios or flows.")
		return nil, false
	case s.cfg.CashPlan == nil:
		if api {
			s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "The cash forecast is not available in this process.")
		} else {
			s.renderError(w, r, http.StatusNotImplemented, "The cash forecast is not available in this process.")
		}
		return nil, false
	}
	return u, true
}

// planError answers a failed forecast: no data yet is a page saying so.
func (s *Server) planError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	if errors.Is(err, analysis.ErrUnavailable) {
		msg := "No cash forecast yet: " + strings.TrimPrefix(err.Error(), "cashplan: ") + "."
		if api {
			s.apiError(w, r, http.StatusConflict, codeConflict, msg)
		} else {
			s.renderError(w, r, http.StatusConflict, msg)
		}
		return
	}
	s.fail(w, r, api, err)
}

// weekView is one week of the table (the forecast's Week, whose own
// field Week would clash with an embedded Week in templates).
type weekView struct {
	Num                                             int
	Opening, Receipts, Payments, Closing, Low, High float64
	Dates                                           string
	Items                                           int
}

// flowView is a recurring flow as the page lists it.
type flowView struct {
	*forecast.Recurring
	Every string
}

// scenarioView is a saved scenario with its outcome on the shown company.
type scenarioView struct {
	*cashplan.Scenario
	Changes  []string
	Result   *forecast.ScenarioResult
	Error    string
	Compared bool
}

type forecastPage struct {
	Plan     *cashplan.Plan
	Company  *forecast.Company
	Weeks    []weekView
	Chart    template.HTML
	Flows    []flowView
	Doubtful []itemView
	// Week, when set, is the week whose items are listed.
	Week      *weekView
	WeekItems []itemView
	Scenarios []scenarioView
	CanPlan   bool
	Query     string
	Notice    string
}

// itemView is one expected flow, in words.
type itemView struct {
	forecast.Item
	Partner string
	Link    string
	What    string
}

var layerWords = map[string]string{
	forecast.LayerBank: "bank line", forecast.LayerInProcess: "payment in process", forecast.LayerInvoice: "customer invoice",
	forecast.LayerBill: "vendor bill", forecast.LayerSaleOrder: "sale order to invoice", forecast.LayerPurchase: "purchase order to bill",
	forecast.LayerRecurring: "recurring flow", forecast.LayerNewSales: "new sales (run rate)", forecast.LayerNewBuying: "new purchases (run rate)",
	forecast.LayerPipeline: "weighted pipeline", forecast.LayerScenario: "scenario", forecast.LayerDoubtful: "doubtful invoice",
}

func (s *Server) itemViews(base string, plan *cashplan.Plan, items []forecast.Item) []itemView {
	out := make([]itemView, 0, len(items))
	for _, it := range items {
		v := itemView{Item: it, Partner: plan.Partners[it.PartnerID], What: layerWords[it.Layer]}
		if v.What == "" {
			v.What = words(it.Layer)
		}
		if it.Model != "" && it.ID != 0 {
			v.Link = odooLink(base, it.Model, it.ID)
		}
		out = append(out, v)
	}
	return out
}

// changeWords says one change of a scenario in words.
func changeWords(ch forecast.Change, names map[int64]string, cur string) string {
	who := func(id int64) string {
		if n := names[id]; n != "" {
			return n
		}
		return fmt.Sprintf("partner %d", id)
	}
	switch ch.Kind {
	case forecast.ChangeCustomerDelay:
		return fmt.Sprintf("%s pays %d days later", who(ch.PartnerID), ch.Days)
	case forecast.ChangeCustomerNever:
		return fmt.Sprintf("%s does not pay", who(ch.PartnerID))
	case forecast.ChangeDealSlip:
		return fmt.Sprintf("deal %d comes %d days later", ch.LeadID, ch.Days)
	case forecast.ChangeDealLost:
		return fmt.Sprintf("deal %d is lost", ch.LeadID)
	case forecast.ChangeBillEarly:
		if !ch.Date.IsZero() {
			return fmt.Sprintf("bill %d is paid on %s", ch.MoveID, ch.Date)
		}
		return fmt.Sprintf("bill %d is paid %d days early", ch.MoveID, ch.Days)
	case forecast.ChangeHire:
		return fmt.Sprintf("a hire from %s at %s %s a month", ch.Date, thousands(math.Round(ch.Amount)), cur)
	case forecast.ChangeOneOff:
		return fmt.Sprintf("a one-off %s of %s %s on %s", map[bool]string{true: "receipt", false: "payment"}[ch.Amount > 0],
			thousands(math.Round(math.Abs(ch.Amount))), cur, ch.Date)
	}
	return ch.Kind
}

func (s *Server) showForecast(w http.ResponseWriter, r *http.Request) {
	u, ok := s.forecastGate(w, r, false, false)
	if !ok {
		return
	}
	q := r.URL.Query()
	pipeline := q.Get("pipeline") == "1"
	plan, err := s.cfg.CashPlan.Plan(r.Context(), u.ConnectionID, pipeline)
	if err != nil {
		s.planError(w, r, false, err)
		return
	}
	companyID, _ := strconv.ParseInt(q.Get("company"), 10, 64)
	c := plan.Company(companyID)
	if c == nil {
		s.renderError(w, r, http.StatusConflict, "No company has accounting data to forecast.")
		return
	}
	conn, err := s.cfg.Store.ConnectionByID(r.Context(), u.ConnectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p := forecastPage{Plan: plan, Company: c, CanPlan: s.mayPlan(u), Doubtful: s.itemViews(conn.OdooURL, plan, c.Doubtful),
		Notice: map[string]string{"saved": "The scenario is saved.", "deleted": "The scenario is deleted.", "switched": "The recurring flow is switched."}[q.Get("done")]}
	keep := url.Values{}
	if pipeline {
		keep.Set("pipeline", "1")
	}
	if companyID != 0 {
		keep.Set("company", strconv.FormatInt(c.CompanyID, 10))
	}
	p.Query = keep.Encode()
	counts := map[int]int{}
	for _, it := range c.Items {
		counts[it.Week]++
	}
	for _, wk := range c.Weeks {
		p.Weeks = append(p.Weeks, weekView{Num: wk.Week, Opening: wk.Opening, Receipts: wk.Receipts, Payments: wk.Payments, Closing: wk.Closing,
			Low: wk.Low, High: wk.High, Dates: wk.Start.String() + " to " + wk.End.String(), Items: counts[wk.Week]})
	}
	if n, err := strconv.Atoi(q.Get("week")); err == nil && n >= 1 && n <= len(p.Weeks) {
		p.Week = &p.Weeks[n-1]
		var items []forecast.Item
		for _, it := range c.Items {
			if it.Week == n {
				items = append(items, it)
			}
		}
		p.WeekItems = s.itemViews(conn.OdooURL, plan, items)
	}
	for _, f := range c.Recurring {
		p.Flows = append(p.Flows, flowView{Recurring: f, Every: f.Interval})
	}
	compare := map[int64]bool{}
	for _, v := range q["compare"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			compare[id] = true
		}
	}
	list, err := s.cfg.CashPlan.Scenarios(r.Context(), u.ConnectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, sc := range list {
		v := scenarioView{Scenario: sc, Compared: compare[sc.ID]}
		for _, ch := range sc.Changes {
			v.Changes = append(v.Changes, changeWords(ch, plan.Partners, c.Currency))
		}
		if v.Result, err = cashplan.Run(c, sc.Scenario); err != nil {
			v.Error = err.Error()
		}
		p.Scenarios = append(p.Scenarios, v)
	}
	p.Chart = forecastChart(c, p.Scenarios).HTML()
	s.render(w, r, "forecast", http.StatusOK, p)
}

// forecastChart draws the closing cash of the base forecast with its band,
// and of each compared scenario.
func forecastChart(c *forecast.Company, scenarios []scenarioView) *chart.Chart {
	ch := &chart.Chart{ID: "cash-forecast", Title: "Closing cash, next " + strconv.Itoa(len(c.Weeks)) + " weeks",
		Note: "80% range shaded; as of " + c.AsOf.String(), Kind: chart.Line, Unit: c.Currency,
		Band: &chart.Band{Name: "80% range"}}
	base := chart.Series{Name: "Forecast"}
	for _, wk := range c.Weeks {
		ch.Labels = append(ch.Labels, "W"+strconv.Itoa(wk.Week))
		base.Values = append(base.Values, math.Round(wk.Closing))
		ch.Band.Low = append(ch.Band.Low, math.Round(wk.Low))
		ch.Band.High = append(ch.Band.High, math.Round(wk.High))
	}
	ch.Series = append(ch.Series, base)
	for _, sc := range scenarios {
		if !sc.Compared || sc.Result == nil {
			continue
		}
		s := chart.Series{Name: sc.Name}
		for _, wk := range sc.Result.Weeks {
			s.Values = append(s.Values, math.Round(wk.Closing))
		}
		ch.Series = append(ch.Series, s)
	}
	return ch
}

func (s *Server) postForecastFlow(off bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := s.forecastGate(w, r, false, true)
		if !ok {
			return
		}
		id := r.PathValue("id")
		if err := s.cfg.CashPlan.SwitchFlow(r.Context(), u.ConnectionID, id, off, u.ID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				s.notFound(w, r, false, fmt.Sprintf("The forecast has no recurring flow %q.", id))
				return
			}
			s.planError(w, r, false, err)
			return
		}
		http.Redirect(w, r, "/forecast?done=switched#flows", http.StatusSeeOther)
	}
}

// parseDate reads an optional YYYY-MM-DD field.
func parseDate(v, field string) (odoo.Date, error) {
	if strings.TrimSpace(v) == "" {
		return odoo.Date{}, nil
	}
	d, err := odoo.ParseDate(strings.TrimSpace(v))
	if err != nil {
		return odoo.Date{}, fmt.Errorf("%s %q is not a date like 2026-12-31", field, v)
	}
	return d, nil
}
