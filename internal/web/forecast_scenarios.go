package web

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/cashplan"
	"github.com/aicoo/aicoo/internal/store"
)

// scenarioRows is how many changes the scenario form offers.
const scenarioRows = 5

// choice is one option of a select.
type choice struct {
	ID    int64
	Label string
}

// scenarioForm is the page that writes a scenario.
type scenarioForm struct {
	ID      int64
	Name    string
	MinCash string
	Rows    []changeRow
	Kinds   []choice // ID unused; Label is the kind, Words below
	Words   map[string]string
	// What the changes can name: customers with money to come, open
	// bills, open deals.
	Customers, Bills, Deals []choice
	Currency                string
	Error                   string
}

// changeRow is one change as the form holds it (text, so bad input is
// shown back as typed).
type changeRow struct {
	Kind                            string
	Partner, Lead, Bill             int64
	Days, Date, Amount, Description string
}

func (s *Server) scenarioChoices(r *http.Request, u *store.User, f *scenarioForm) error {
	plan, err := s.cfg.CashPlan.Plan(r.Context(), u.ConnectionID, false)
	if err != nil {
		return err
	}
	c := plan.Company(0)
	if c == nil {
		return fmt.Errorf("no company has accounting data to forecast")
	}
	f.Currency = c.Currency
	seen := map[int64]bool{}
	for _, it := range c.Items {
		switch {
		case (it.Layer == forecast.LayerInvoice || it.Layer == forecast.LayerSaleOrder) && it.PartnerID != 0 && !seen[it.PartnerID]:
			seen[it.PartnerID] = true
			f.Customers = append(f.Customers, choice{it.PartnerID, plan.Partners[it.PartnerID]})
		case it.Layer == forecast.LayerBill && it.ID != 0:
			f.Bills = append(f.Bills, choice{it.ID, fmt.Sprintf("%s — %s — %s %s, expected %s", it.Name, plan.Partners[it.PartnerID],
				thousands(math.Round(-it.Amount)), c.Currency, it.Date)})
		case it.Layer == forecast.LayerPipeline && it.LeadID != 0:
			f.Deals = append(f.Deals, choice{it.LeadID, fmt.Sprintf("%s — %s (weighted %s %s)", it.Name, plan.Partners[it.PartnerID],
				thousands(math.Round(it.Amount)), c.Currency)})
		}
	}
	byLabel := func(a, b choice) int { return strings.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label)) }
	slices.SortFunc(f.Customers, byLabel)
	slices.SortFunc(f.Deals, byLabel)
	return nil
}

func (s *Server) renderScenarioForm(w http.ResponseWriter, r *http.Request, u *store.User, code int, f scenarioForm) {
	if err := s.scenarioChoices(r, u, &f); err != nil {
		s.planError(w, r, false, err)
		return
	}
	f.Words = cashplan.Kinds
	for _, k := range []string{forecast.ChangeCustomerDelay, forecast.ChangeCustomerNever, forecast.ChangeDealSlip, forecast.ChangeDealLost,
		forecast.ChangeBillEarly, forecast.ChangeHire, forecast.ChangeOneOff} {
		f.Kinds = append(f.Kinds, choice{Label: k})
	}
	for len(f.Rows) < scenarioRows {
		f.Rows = append(f.Rows, changeRow{})
	}
	s.render(w, r, "scenario_form", code, f)
}

func (s *Server) showScenarioNew(w http.ResponseWriter, r *http.Request) {
	u, ok := s.forecastGate(w, r, false, true)
	if !ok {
		return
	}
	s.renderScenarioForm(w, r, u, http.StatusOK, scenarioForm{})
}

func (s *Server) showScenarioEdit(w http.ResponseWriter, r *http.Request) {
	u, ok := s.forecastGate(w, r, false, true)
	if !ok {
		return
	}
	sc, ok := s.pathScenario(w, r, u, false)
	if !ok {
		return
	}
	f := scenarioForm{ID: sc.ID, Name: sc.Name, MinCash: strconv.FormatFloat(sc.MinCash, 'f', -1, 64)}
	for _, ch := range sc.Changes {
		row := changeRow{Kind: ch.Kind, Partner: ch.PartnerID, Lead: ch.LeadID, Bill: ch.MoveID, Description: ch.Label}
		if ch.Days != 0 {
			row.Days = strconv.Itoa(ch.Days)
		}
		if !ch.Date.IsZero() {
			row.Date = ch.Date.String()
		}
		if ch.Amount != 0 {
			row.Amount = strconv.FormatFloat(ch.Amount, 'f', -1, 64)
		}
		f.Rows = append(f.Rows, row)
	}
	s.renderScenarioForm(w, r, u, http.StatusOK, f)
}

func (s *Server) pathScenario(w http.ResponseWriter, r *http.Request, u *store.User, api bool) (*cashplan.Scenario, bool) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, api, err.Error())
		return nil, false
	}
	sc, err := s.cfg.CashPlan.ScenarioByID(r.Context(), u.ConnectionID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, api, fmt.Sprintf("There is no scenario %d.", id))
		return nil, false
	}
	if err != nil {
		s.fail(w, r, api, err)
		return nil, false
	}
	return sc, true
}

// formScenario reads the form into a scenario; the form's rows are kept
// for showing it again.
func formScenario(r *http.Request) (forecast.Scenario, scenarioForm, error) {
	var f scenarioForm
	if err := r.ParseForm(); err != nil {
		return forecast.Scenario{}, f, errors.New("the form could not be read")
	}
	pf := r.PostForm
	f.Name, f.MinCash = pf.Get("name"), pf.Get("min_cash")
	sc := forecast.Scenario{Name: strings.TrimSpace(f.Name)}
	var errs []string
	if v := strings.ReplaceAll(strings.TrimSpace(f.MinCash), ",", ""); v != "" {
		m, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(m) || math.IsInf(m, 0) {
			errs = append(errs, fmt.Sprintf("minimum cash %q is not a number", f.MinCash))
		}
		sc.MinCash = m
	}
	for i := range scenarioRows {
		n := strconv.Itoa(i)
		row := changeRow{Kind: pf.Get("kind" + n), Days: pf.Get("days" + n), Date: pf.Get("date" + n), Amount: pf.Get("amount" + n),
			Description: pf.Get("label" + n)}
		row.Partner, _ = strconv.ParseInt(pf.Get("partner"+n), 10, 64)
		row.Lead, _ = strconv.ParseInt(pf.Get("lead"+n), 10, 64)
		row.Bill, _ = strconv.ParseInt(pf.Get("bill"+n), 10, 64)
		f.Rows = append(f.Rows, row)
		if row.Kind == "" {
			continue
		}
		ch := forecast.Change{Kind: row.Kind, PartnerID: row.Partner, LeadID: row.Lead, MoveID: row.Bill, Label: strings.TrimSpace(row.Description)}
		if d := strings.TrimSpace(row.Days); d != "" {
			days, err := strconv.Atoi(d)
			if err != nil {
				errs = append(errs, fmt.Sprintf("change %d: days %q is not a whole number", i+1, d))
			}
			ch.Days = days
		}
		date, err := parseDate(row.Date, fmt.Sprintf("change %d: date", i+1))
		if err != nil {
			errs = append(errs, err.Error())
		}
		ch.Date = date
		if a := strings.ReplaceAll(strings.TrimSpace(row.Amount), ",", ""); a != "" {
			amount, err := strconv.ParseFloat(a, 64)
			if err != nil || math.IsNaN(amount) || math.IsInf(amount, 0) {
				errs = append(errs, fmt.Sprintf("change %d: amount %q is not a number", i+1, row.Amount))
			}
			ch.Amount = amount
		}
		sc.Changes = append(sc.Changes, ch)
	}
	if len(errs) > 0 {
		return sc, f, errors.New(strings.Join(errs, "; "))
	}
	return sc, f, nil
}

// postScenario saves a new scenario, or with an id in the path a change.
func (s *Server) postScenario(w http.ResponseWriter, r *http.Request) {
	u, ok := s.forecastGate(w, r, false, true)
	if !ok {
		return
	}
	var id int64
	if r.PathValue("id") != "" {
		sc, ok := s.pathScenario(w, r, u, false)
		if !ok {
			return
		}
		id = sc.ID
	}
	sc, form, err := formScenario(r)
	form.ID = id
	if err != nil {
		form.Error = err.Error()
		s.renderScenarioForm(w, r, u, http.StatusBadRequest, form)
		return
	}
	saved, err := s.cfg.CashPlan.SaveScenario(r.Context(), u.ConnectionID, id, sc, u.ID)
	var bad *cashplan.CheckError
	if errors.As(err, &bad) {
		form.Error = "Not saved: " + bad.Msg
		s.renderScenarioForm(w, r, u, http.StatusUnprocessableEntity, form)
		return
	}
	if err != nil {
		s.planError(w, r, false, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/forecast?done=saved&compare=%d#scenarios", saved.ID), http.StatusSeeOther)
}

func (s *Server) postScenarioDelete(w http.ResponseWriter, r *http.Request) {
	u, ok := s.forecastGate(w, r, false, true)
	if !ok {
		return
	}
	sc, ok := s.pathScenario(w, r, u, false)
	if !ok {
		return
	}
	if err := s.cfg.CashPlan.DeleteScenario(r.Context(), u.ConnectionID, sc.ID); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/forecast?done=deleted#scenarios", http.StatusSeeOther)
}
