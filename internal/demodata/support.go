package demodata

import "math/rand/v2"

var ticketSubjects = []string{
	"Delivery arrived damaged", "Wrong item delivered", "Question about invoice", "Request for technical documentation",
	"Bearing failure after two weeks", "Need installation support", "Missing items in delivery", "Request for certificate of conformity",
	"Change of delivery address", "Return request", "Price list request", "Spare part identification", "Warranty claim",
}

var churnSubjects = []string{"Repeated late deliveries", "Quality problem with last batch", "Escalation: delivery still missing",
	"Complaint about pricing", "Unanswered request, second reminder"}

// supportDay opens the day's support requests: helpdesk tickets, or tasks
// of the support project without helpdesk. Customers about to leave
// complain more in their last two months.
func (g *gen) supportDay(d day) {
	if d.weekend() {
		return
	}
	r := g.rSup
	p := g.p.ticketsPerYear / 260
	for _, c := range g.customers {
		if len(c.orderDays) == 0 || d >= c.stopDay {
			continue
		}
		if c.churner && d >= c.stopDay-60 && chance(r, 0.07) {
			g.ticket(r, c, d, pick(r, churnSubjects), pick(r, []string{"2", "3"}))
			continue
		}
		if chance(r, p) {
			g.ticket(r, c, d, pick(r, ticketSubjects), pick(r, []string{"0", "0", "1", "1", "1", "2", "3"}))
		}
	}
}

// ticket creates one support request of c on d.
func (g *gen) ticket(r *rand.Rand, c *customer, d day, subject, priority string) {
	agent := pick(r, g.ref.support)
	startSec := workTime(r)
	created := g.dt(d, startSec)
	assign := g.dt(d, startSec+600+r.IntN(3*3600))
	hours := lognormal(r, 20, 0.9, 8)
	if priority >= "2" {
		hours /= 2
	}
	closeSec := startSec + int(hours*3600)
	closeDay := d + day(closeSec/86400)
	closed := closeDay < g.today || closeDay == g.today && closeSec%86400 < 12*3600
	slaHours := 72
	if priority >= "2" {
		slaHours = 24
	}
	slaSec := startSec + slaHours*3600
	slaDay := d + day(slaSec/86400)
	partner := c.id
	if len(c.contacts) > 0 {
		partner = c.contacts[0]
	}
	late := closed && closeSec > slaSec || !closed && slaDay < g.today
	if g.opt.NoHelpdesk {
		stage, state := g.ref.taskProgress, "01_in_progress"
		if closed {
			stage, state = g.ref.taskDone, "1_done"
		} else if d == g.today {
			stage = g.ref.taskNew
		}
		prio := "0"
		if priority >= "2" {
			prio = "1"
		}
		rec := Record{"name": subject, "project_id": g.ref.project, "stage_id": stage, "partner_id": partner, "user_ids": []int64{agent},
			"parent_id": false, "description": false, "sequence": int64(10), "state": state, "priority": prio,
			"date_deadline": g.dt(slaDay, slaSec%86400), "date_end": false, "date_assign": assign, "date_last_stage_update": assign,
			"allocated_hours": 0.0, "company_id": g.ref.company, "active": true}
		if closed {
			rec["date_end"] = g.dt(d, closeSec)
			rec["date_last_stage_update"] = g.dt(d, closeSec)
		}
		g.add("project.task", stamp(rec, created, agent))
		return
	}
	stage := g.ref.hdProgress
	if closed {
		stage = g.ref.hdSolved
	} else if d == g.today {
		stage = g.ref.hdNew
	}
	rec := Record{"name": subject, "team_id": g.ref.hdTeam, "user_id": agent, "partner_id": partner, "stage_id": stage, "priority": priority,
		"description": false, "assign_date": assign, "close_date": false, "sla_deadline": g.dt(slaDay, slaSec%86400),
		"sla_reached_late": closed && late, "sla_fail": late, "company_id": g.ref.company, "active": true}
	if closed {
		rec["close_date"] = g.dt(d, closeSec)
	}
	rec = stamp(rec, created, agent)
	if closed {
		touch(rec, g.dt(d, closeSec), agent)
	}
	g.add("helpdesk.ticket", rec)
}
