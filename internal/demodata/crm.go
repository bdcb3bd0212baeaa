package demodata

import (
	"math"
	"math/rand/v2"
)

// crmStages are the pipeline stages: default probability, normal days in
// the stage and the chance to move on (the rest is lost).
var crmStages = []struct {
	name    string
	won     bool
	prob    float64
	dwell   float64
	advance float64
}{
	{"New", false, 10, 6, 0.6}, {"Qualified", false, 30, 12, 0.65}, {"Proposition", false, 60, 18, 0.7},
	{"Negotiation", false, 80, 10, 0.65}, {"Won", true, 100, 0, 0},
}

var lostReasonNames = []string{"Too expensive", "Chose a competitor", "No budget", "Not enough stock", "No response", "Project postponed"}

var leadTopics = []string{"Conveyor retrofit", "Spare parts framework agreement", "Hydraulic service contract", "Safety equipment rollout",
	"Maintenance kit supply", "New production line fittings", "Annual fastener contract", "Pneumatics upgrade", "Tooling for new plant",
	"Bearing replacement program", "Electrical cabinet components", "Warehouse safety audit follow-up"}

// lead is a CRM lead or opportunity moving through the pipeline.
type lead struct {
	rec        Record
	c          *customer // nil for a prospect
	prospect   string    // company name of a prospect
	country    string
	stage      int // index in crmStages
	stageSince day
	next       day // day of the next transition
	userID     int64
	open       bool
	stallAt    int  // stalled leads stop moving once in this stage (-1: never)
	slow       bool // near miss: stalled but with a planned activity
}

// crmDay creates the day's new leads and moves the pipeline.
func (g *gen) crmDay(d day) {
	r := g.rCRM
	if !d.weekend() {
		n := g.p.leadsPerMonth / 21.7
		count := int(n)
		if chance(r, n-float64(count)) {
			count++
		}
		for range count {
			g.newLead(r, d, -1)
		}
	}
	for _, l := range g.leads {
		if l.open && l.next == d {
			g.advanceLead(r, l, d)
		}
	}
}

// newLead creates a lead on d. stallAt >= 0 makes a lead that stops moving
// in that stage.
func (g *gen) newLead(r *rand.Rand, d day, stallAt int) *lead {
	l := &lead{stage: 0, stageSince: d, userID: pick(r, g.ref.sales), open: true, stallAt: stallAt}
	existing := chance(r, 0.35) && stallAt < 0
	var partner int64
	var name, contact, email string
	if existing {
		l.c = pick(r, g.customers)
		for l.c.churner || l.c.longGap || l.c.habit >= habitSlider {
			l.c = pick(r, g.customers)
		}
		partner = l.c.id
		name = l.c.name
		l.userID = l.c.userID
		if len(l.c.contacts) > 0 {
			contact = g.ds.Get("res.partner", l.c.contacts[0]).Str("name")
		}
	} else {
		l.country = weightedCountry(r)
		l.prospect = g.book.companyName(r, l.country)
		name = l.prospect
		contact = person(r)
		email = emailFor(contact, name)
	}
	expected := math.Round(lognormal(r, 0.05*g.avgOrder*12, 0.7, 5)/500) * 500
	if expected < 1000 {
		expected = 1000
	}
	typ := "opportunity"
	if !existing && stallAt < 0 && chance(r, 0.3) {
		typ = "lead"
	}
	created := g.dt(d, workTime(r))
	l.rec = Record{"name": pick(r, leadTopics) + " - " + name, "type": typ, "partner_id": m2o(partner), "partner_name": str(l.prospect),
		"contact_name": str(contact), "email_from": str(email), "phone": false, "stage_id": g.ref.stages[0], "team_id": g.ref.team,
		"user_id": l.userID, "probability": crmStages[0].prob, "automated_probability": crmStages[0].prob, "expected_revenue": expected,
		"prorated_revenue": f2(expected * crmStages[0].prob / 100), "company_currency": g.ref.eur,
		"priority": pick(r, []string{"0", "0", "1", "1", "2", "3"}), "date_deadline": g.date(d + day(between(r, 45, 100))),
		"date_open": created, "date_closed": false, "date_last_stage_update": created, "date_conversion": false,
		"lost_reason_id": false, "company_id": g.ref.company, "description": false, "active": true}
	if typ == "opportunity" {
		l.rec["date_conversion"] = created
	}
	id := g.add("crm.lead", stamp(l.rec, created, l.userID))
	g.leadMessage(l, id, created, "Lead/Opportunity created", "")
	l.next = d + g.dwell(r, l)
	g.leads = append(g.leads, l)
	return l
}

// dwell returns how long l stays in its current stage: the normal time
// times 0.4-1.6, so that open leads are never much older than normal.
func (g *gen) dwell(r *rand.Rand, l *lead) day {
	if l.stallAt >= 0 {
		if l.stage == l.stallAt {
			return day(math.MaxInt32 / 2)
		}
		return day(crmStages[l.stage].dwell)
	}
	return day(math.Max(1, math.Round(crmStages[l.stage].dwell*uniform(r, 0.4, 1.6))))
}

func (g *gen) advanceLead(r *rand.Rand, l *lead, d day) {
	id := l.rec.ID()
	when := g.dt(d, workTime(r))
	from := crmStages[l.stage].name
	if l.stallAt < 0 && !chance(r, crmStages[l.stage].advance) {
		l.open = false
		reason := pick(r, g.ref.lostReasons)
		l.rec["active"] = false
		l.rec["probability"] = 0.0
		l.rec["automated_probability"] = 0.0
		l.rec["prorated_revenue"] = 0.0
		l.rec["lost_reason_id"] = reason
		l.rec["date_closed"] = when
		touch(l.rec, when, l.userID)
		g.leadMessage(l, id, when, "Marked as lost: "+g.ds.Get("crm.lost.reason", reason).Str("name"), "active: True -> False")
		return
	}
	l.stage++
	l.stageSince = d
	to := crmStages[l.stage]
	l.rec["date_last_stage_update"] = when
	l.rec["probability"] = to.prob
	l.rec["automated_probability"] = math.Min(99, to.prob+float64(between(r, -5, 5)))
	l.rec["prorated_revenue"] = f2(l.rec.Float("expected_revenue") * to.prob / 100)
	if l.rec["type"] == "lead" {
		l.rec["type"] = "opportunity"
		l.rec["date_conversion"] = when
	}
	touch(l.rec, when, l.userID)
	if to.won {
		l.open = false
		l.rec["stage_id"] = g.ref.stageWon
		l.rec["date_closed"] = when
		l.rec["automated_probability"] = 100.0
		g.leadMessage(l, id, when, "", "Stage: "+from+" -> "+to.name)
		g.winLead(r, l, d)
		return
	}
	l.rec["stage_id"] = g.ref.stages[l.stage]
	g.leadMessage(l, id, when, "", "Stage: "+from+" -> "+to.name)
	if to.name == "Proposition" && chance(r, 0.6) {
		g.meeting(r, l, d+day(between(r, 1, 5)))
	}
	l.next = d + g.dwell(r, l)
}

// winLead turns a won opportunity into a sale order; a prospect becomes a
// customer who keeps ordering.
func (g *gen) winLead(r *rand.Rand, l *lead, d day) {
	c := l.c
	if c == nil {
		c = g.newCustomer(g.rSales, g.book, d, l.country)
		g.assignPreferences(c, g.rSales)
		c.firstOrder = d
		c.nextOrder = (d + day(math.Round(c.gap))).nextWorkday()
		g.customers = append(g.customers, c)
		l.rec["partner_id"] = c.id
		l.c = c
	}
	if d.weekend() {
		return
	}
	g.placeOrder(g.rSales, c, d, l.rec.Float("expected_revenue")/g.rateOf(false, d), l.rec.ID())
}

// leadMessage posts a chatter message on a lead: a note, or a tracking
// notification when tracking is set.
func (g *gen) leadMessage(l *lead, id int64, when, body, tracking string) {
	author := g.ds.Get("res.users", l.userID).M2O("partner_id")
	typ, sub := "notification", "crm.mt_lead_stage"
	if tracking == "" {
		typ, sub = "notification", "mail.mt_note"
	}
	g.add("mail.message", stamp(Record{"model": "crm.lead", "res_id": id, "record_name": l.rec["name"], "subject": false,
		"body": str(body), "author_id": author, "date": when, "message_type": typ, "subtype_xmlid": sub, "partner_ids": []int64{},
		"tracking": str(tracking)}, when, l.userID))
}

// meeting schedules a calendar event for l on d.
func (g *gen) meeting(r *rand.Rand, l *lead, d day) {
	d = d.nextWorkday()
	start := 8*3600 + r.IntN(8)*3600
	attendees := []int64{g.ds.Get("res.users", l.userID).M2O("partner_id")}
	if p := l.rec.M2O("partner_id"); p != 0 {
		attendees = append(attendees, p)
	}
	created := g.dt(d-day(between(r, 1, 4)), workTime(r))
	g.add("calendar.event", stamp(Record{"name": "Proposal meeting: " + l.rec.Str("name"), "user_id": l.userID, "description": false,
		"location": pick(r, []string{"Customer site", "Video call", "Nordwind office, Hamburg"}), "start": g.dt(d, start),
		"stop": g.dt(d, start+3600), "allday": false, "start_date": false, "stop_date": false, "duration": 1.0,
		"partner_ids": attendees, "res_model": "crm.lead", "res_model_id": g.ref.irModel["crm.lead"], "res_id": l.rec.ID(),
		"opportunity_id": l.rec.ID(), "privacy": "public", "show_as": "busy", "recurrency": false, "active": true}, created, l.userID))
}

// activity creates an open mail.activity on a record.
func (g *gen) activity(model string, resID int64, resName string, typ int64, summary string, deadline day, user int64, created string) int64 {
	return g.add("mail.activity", stamp(Record{"res_model_id": g.ref.irModel[model], "res_model": model, "res_id": resID,
		"res_name": resName, "activity_type_id": typ, "summary": summary, "note": false, "date_deadline": g.date(deadline),
		"date_done": false, "user_id": user, "active": true}, created, user))
}

// finishCRM plans activities on the open opportunities: most have one,
// some overdue; stalled leads have none, slow near misses have a future one.
func (g *gen) finishCRM() {
	r := g.rCRM
	for _, l := range g.leads {
		if !l.open {
			continue
		}
		id := l.rec.ID()
		name := l.rec.Str("name")
		switch {
		case l.stallAt >= 0 && !l.slow:
			continue
		case l.slow:
			g.activity("crm.lead", id, name, g.ref.actMeeting, "Follow-up meeting on revised offer", g.today+day(between(r, 3, 10)), l.userID,
				g.dt(g.today-day(between(r, 1, 3)), workTime(r)))
			continue
		}
		if !chance(r, 0.8) {
			continue
		}
		created := l.stageSince + day(r.IntN(int(g.today-l.stageSince)+1))
		deadline := g.today + day(between(r, -8, 14))
		if deadline < created {
			deadline = created
		}
		typ := pick(r, []int64{g.ref.actCall, g.ref.actEmail, g.ref.actTodo, g.ref.actMeeting})
		summary := pick(r, []string{"Follow up on proposal", "Send updated quotation", "Call about technical requirements",
			"Confirm budget and timeline", "Schedule site visit"})
		g.activity("crm.lead", id, name, typ, summary, deadline, l.userID, g.dt(created, workTime(r)))
		if l.stage >= 2 && chance(r, 0.3) && deadline > g.today {
			g.meeting(r, l, deadline)
		}
	}
}
