package customers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/analysis/robust"
	"github.com/aicoo/aicoo/internal/odoo"
)

// supportKeywords find the support project by name when helpdesk is not
// installed and no project is configured.
var supportKeywords = []string{"support", "helpdesk", "help desk", "service desk", "customer care", "ticket"}

// ticket is a helpdesk ticket or a task of the support project.
type ticket struct {
	id, company, partner int64
	created, closed      time.Time
	isClosed             bool
	// deadline is the SLA deadline (helpdesk) or the task deadline; a
	// date-only deadline is the end of that day.
	deadline         time.Time
	slaFail, slaLate bool
	hasFlags         bool
}

// support holds the tickets and where they come from.
type support struct {
	model   string
	source  string
	tickets []ticket
	// note says why support figures are unavailable when tickets is nil.
	note string
}

func (s *support) companies() map[int64]bool {
	out := map[int64]bool{}
	for _, t := range s.tickets {
		out[t.company] = true
	}
	return out
}

// loadSupport reads helpdesk tickets, or without helpdesk the tasks of the
// support project, and counts each customer's open and breached tickets.
// It returns nil when neither exists.
func loadSupport(ctx context.Context, env *analysis.Env, d *data) (*support, error) {
	src := env.Source
	recs, ok, err := analysis.Optional(ctx, src, modelTicket)
	if err != nil {
		return nil, err
	}
	var s *support
	if ok {
		s = &support{model: modelTicket, source: "helpdesk tickets"}
		for _, r := range recs {
			if !fields.Active(r) {
				continue
			}
			_, hasFlags := r["sla_fail"]
			t := ticket{id: r.ID(), company: fields.M2OID(r, "company_id"), partner: fields.M2OID(r, "partner_id"), created: fields.Datetime(r, "create_date"),
				closed: fields.Datetime(r, "close_date"), deadline: fields.Datetime(r, "sla_deadline"), hasFlags: hasFlags}
			t.isClosed = !t.closed.IsZero()
			t.slaFail, _ = r.Bool("sla_fail")
			t.slaLate, _ = r.Bool("sla_reached_late")
			s.tickets = append(s.tickets, t)
		}
	} else {
		if s, err = loadSupportTasks(ctx, env); err != nil || s == nil {
			return nil, err
		}
	}
	for _, t := range s.tickets {
		if t.isClosed || t.partner == 0 {
			continue
		}
		c := d.customer(t.company, t.partner)
		c.openTickets++
		if breached(env, t) {
			c.breachedTickets++
		}
	}
	return s, nil
}

// loadSupportTasks reads the tasks of the support project: the configured
// one, else the projects whose name says support. A task is closed when it
// has an end date or a done or cancelled state (17+).
func loadSupportTasks(ctx context.Context, env *analysis.Env) (*support, error) {
	tasks, ok, err := analysis.Optional(ctx, env.Source, modelTask)
	if err != nil || !ok {
		return nil, err
	}
	projects := map[int64]string{}
	if id := int64(env.Threshold(ThresholdSupportProjectID, 0)); id > 0 {
		projects[id] = fmt.Sprintf("project %d", id)
	} else {
		names := map[int64]string{}
		recs, _, err := analysis.Optional(ctx, env.Source, modelProject)
		if err != nil {
			return nil, err
		}
		for _, p := range recs {
			if fields.Active(p) {
				names[p.ID()] = fields.String(p, "name")
			}
		}
		for _, t := range tasks {
			if m, _ := t.Many2One("project_id"); m.Name != "" && names[m.ID] == "" && len(recs) == 0 {
				names[m.ID] = m.Name
			}
		}
		for id, name := range names {
			low := strings.ToLower(name)
			for _, k := range supportKeywords {
				if strings.Contains(low, k) {
					projects[id] = name
					break
				}
			}
		}
	}
	if len(projects) == 0 {
		return nil, nil
	}
	var names []string
	for _, n := range projects {
		names = append(names, n)
	}
	sort.Strings(names)
	s := &support{model: modelTask, source: "tasks of " + strings.Join(names, ", ")}
	for _, r := range tasks {
		if _, ok := projects[fields.M2OID(r, "project_id")]; !ok || !fields.Active(r) || fields.M2OID(r, "parent_id") != 0 {
			continue
		}
		t := ticket{id: r.ID(), company: fields.M2OID(r, "company_id"), partner: fields.M2OID(r, "partner_id"), created: fields.Datetime(r, "create_date"),
			closed: fields.Datetime(r, "date_end")}
		state := fields.String(r, "state")
		t.isClosed = !t.closed.IsZero() || state == "1_done" || state == "1_canceled"
		if t.isClosed && t.closed.IsZero() {
			t.closed = fields.Datetime(r, "date_last_stage_update")
		}
		if raw, ok := r["date_deadline"].(string); ok && len(raw) == len(odoo.DateLayout) {
			// Odoo 16: a date, which lasts to the end of the day.
			t.deadline = fields.Date(r, "date_deadline").In(time.UTC).Add(24*time.Hour - time.Second)
		} else {
			t.deadline = fields.Datetime(r, "date_deadline")
		}
		s.tickets = append(s.tickets, t)
	}
	return s, nil
}

// breached reports whether an open ticket is past its SLA deadline (due
// on a day before Today, or flagged failed by Odoo).
func breached(env *analysis.Env, t ticket) bool {
	if t.slaFail {
		return true
	}
	return !t.deadline.IsZero() && fields.Day(t.deadline).Before(env.Today)
}

// slaMet reports whether a closed ticket met its SLA, and whether that is
// known: closed by the deadline, else Odoo's SLA flags.
func slaMet(t ticket) (met, known bool) {
	if !t.deadline.IsZero() {
		return !t.closed.After(t.deadline), true
	}
	if t.hasFlags {
		return !t.slaLate && !t.slaFail, true
	}
	return false, false
}

// supportMetrics reports ticket volume, ageing of open tickets and SLA
// compliance of company c; all unavailable without helpdesk or a support
// project.
func supportMetrics(env *analysis.Env, d *data, c int64, res *analysis.Result) {
	names := []string{"customers.tickets.open", "customers.tickets.opened_30d", "customers.tickets.closed_30d",
		"customers.tickets.open.age_0_2d", "customers.tickets.open.age_3_7d", "customers.tickets.open.age_8_30d",
		"customers.tickets.open.age_31d_plus", "customers.tickets.open.median_age_days", "customers.tickets.open.sla_breached",
		"customers.tickets.sla_compliance_90d", "customers.tickets.resolution_hours.median_90d"}
	units := []string{"count", "count", "count", "count", "count", "count", "count", "days", "count", "ratio", "hours"}
	if d.support == nil {
		for i, n := range names {
			res.Metrics = append(res.Metrics, analysis.Metric{Name: n, Unit: units[i], CompanyID: c,
				Note: "helpdesk is not installed and no support project was found (set " + ThresholdSupportProjectID + ")"})
		}
		return
	}
	s := d.support
	var open, opened, closed, breachedIDs []int64
	buckets := make([][]int64, 4)
	var ages, hours []float64
	var met, known int
	for _, t := range s.tickets {
		if t.company != c {
			continue
		}
		if inWindow(env, t.created, 30) {
			opened = append(opened, t.id)
		}
		if t.isClosed {
			if inWindow(env, t.closed, 30) {
				closed = append(closed, t.id)
			}
			if inWindow(env, t.closed, 90) {
				if ok, k := slaMet(t); k {
					known++
					if ok {
						met++
					}
				}
				if !t.created.IsZero() && !t.closed.Before(t.created) {
					hours = append(hours, t.closed.Sub(t.created).Hours())
				}
			}
			continue
		}
		open = append(open, t.id)
		age := analysis.DaysBetween(fields.Day(t.created), env.Today)
		ages = append(ages, float64(age))
		switch {
		case age <= 2:
			buckets[0] = append(buckets[0], t.id)
		case age <= 7:
			buckets[1] = append(buckets[1], t.id)
		case age <= 30:
			buckets[2] = append(buckets[2], t.id)
		default:
			buckets[3] = append(buckets[3], t.id)
		}
		if breached(env, t) {
			breachedIDs = append(breachedIDs, t.id)
		}
	}
	ref := func(ids []int64) analysis.Ref { return env.Ref(s.model, ids...) }
	ms := []analysis.Metric{
		metric(names[0], float64(len(open)), units[0], c, ref(open)),
		metric(names[1], float64(len(opened)), units[1], c, ref(opened)),
		metric(names[2], float64(len(closed)), units[2], c, ref(closed)),
	}
	for i, b := range buckets {
		ms = append(ms, metric(names[3+i], float64(len(b)), units[3+i], c, ref(b)))
	}
	ms = append(ms, optMetric(names[7], ages, units[7], c, "no open tickets"),
		metric(names[8], float64(len(breachedIDs)), units[8], c, ref(breachedIDs)))
	comp := analysis.Metric{Name: names[9], Unit: units[9], CompanyID: c, Note: "no ticket with an SLA deadline closed in the last 90 days"}
	if known > 0 {
		comp = metric(names[9], float64(met)/float64(known), units[9], c)
		comp.Value = float64(int(float64(met)/float64(known)*10000+0.5)) / 10000
	}
	ms = append(ms, comp, optMetric(names[10], hours, units[10], c, "no ticket closed in the last 90 days"))
	for i := range ms {
		if ms[i].Note == "" {
			ms[i].Note = s.source
		}
	}
	res.Metrics = append(res.Metrics, ms...)
}

// optMetric is the median of xs, unavailable (with note) when xs is empty.
func optMetric(name string, xs []float64, unit string, c int64, note string) analysis.Metric {
	if len(xs) == 0 {
		return analysis.Metric{Name: name, Unit: unit, CompanyID: c, Note: note}
	}
	return metric(name, robust.Median(xs), unit, c)
}

// inWindow reports whether t falls in the n days ending Today.
func inWindow(env *analysis.Env, t time.Time, n int) bool {
	if t.IsZero() {
		return false
	}
	age := analysis.DaysBetween(fields.Day(t), env.Today)
	return age >= 0 && age < n
}
