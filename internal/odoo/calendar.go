package odoo

import (
	"context"
	"iter"
	"time"
)

// CalendarEvent is a calendar.event. Start and Stop are UTC; all-day
// events use StartDate and StopDate.
type CalendarEvent struct {
	ID          int64
	Name        string
	Organizer   Many2One // user_id
	Start       time.Time
	Stop        time.Time
	AllDay      bool
	StartDate   Date
	StopDate    Date
	Duration    float64 // hours
	Attendees   []int64 // partner_ids
	Location    string
	Privacy     string
	ShowAs      string
	ResModel    string
	ResID       int64
	Opportunity Many2One // crm only
	Active      bool
}

// CalendarEvents reads calendar.event records; narrow them with a date
// range in opts.Domain, for example domain.Cond("start", domain.OpGe, "2025-03-01 00:00:00").
func (c *Client) CalendarEvents(ctx context.Context, opts ListOpts) iter.Seq2[CalendarEvent, error] {
	return list(c, ctx, readerSpec[CalendarEvent]{
		model:   "calendar.event",
		modules: []string{"calendar"},
		fields: func(info *ServerInfo) []string {
			f := []string{"name", "user_id", "start", "stop", "allday", "start_date", "stop_date",
				"duration", "partner_ids", "location", "privacy", "show_as", "res_model", "res_id", "active"}
			if info.HasModule("crm") {
				f = append(f, "opportunity_id")
			}
			return f
		},
		decode: func(d *recordDecoder, _ *ServerInfo) CalendarEvent {
			return CalendarEvent{
				ID:          d.id(),
				Name:        d.str("name"),
				Organizer:   d.m2o("user_id"),
				Start:       d.datetime("start"),
				Stop:        d.datetime("stop"),
				AllDay:      d.bool("allday"),
				StartDate:   d.date("start_date"),
				StopDate:    d.date("stop_date"),
				Duration:    d.float("duration"),
				Attendees:   d.ids("partner_ids"),
				Location:    d.str("location"),
				Privacy:     d.str("privacy"),
				ShowAs:      d.str("show_as"),
				ResModel:    d.str("res_model"),
				ResID:       d.int("res_id"),
				Opportunity: d.optM2O("opportunity_id"),
				Active:      d.bool("active"),
			}
		},
	}, opts)
}
