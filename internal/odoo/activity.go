package odoo

import (
	"context"
	"iter"
	"time"
)

// Activity is a mail.activity: a to-do on a document.
type Activity struct {
	ID int64
	// ResModel and ResID point at the document.
	ResModel     string
	ResID        int64
	ResName      string
	ActivityType Many2One
	Summary      string
	DateDeadline Date
	// Assignee is user_id.
	Assignee Many2One
	// State is overdue, today or planned (and done on 17+).
	State      string
	CreateDate time.Time
	// Active is false for done activities kept archived (17+; always true
	// on 16, which deletes done activities).
	Active bool
}

// Activities reads mail.activity records. On 17+ set
// opts.IncludeArchived to see done activities that were kept.
func (c *Client) Activities(ctx context.Context, opts ListOpts) iter.Seq2[Activity, error] {
	return list(c, ctx, readerSpec[Activity]{
		model:   "mail.activity",
		modules: []string{"mail"},
		fields: func(info *ServerInfo) []string {
			f := []string{"res_model", "res_id", "res_name", "activity_type_id", "summary",
				"date_deadline", "user_id", "state", "create_date"}
			if info.Version.AtLeast(17, 0) {
				f = append(f, "active")
			}
			return f
		},
		decode: func(d *recordDecoder, _ *ServerInfo) Activity {
			a := Activity{
				ID:           d.id(),
				ResModel:     d.str("res_model"),
				ResID:        d.int("res_id"),
				ResName:      d.str("res_name"),
				ActivityType: d.m2o("activity_type_id"),
				Summary:      d.str("summary"),
				DateDeadline: d.date("date_deadline"),
				Assignee:     d.m2o("user_id"),
				State:        d.str("state"),
				CreateDate:   d.datetime("create_date"),
				Active:       true,
			}
			if d.has("active") {
				a.Active = d.bool("active")
			}
			return a
		},
	}, opts)
}
