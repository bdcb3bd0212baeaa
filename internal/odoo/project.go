package odoo

import (
	"context"
	"iter"
	"time"
)

// Task is a project.task.
type Task struct {
	ID        int64
	Name      string
	Project   Many2One
	Stage     Many2One
	Partner   Many2One
	Company   Many2One
	Assignees []int64 // user_ids
	// Deadline is date_deadline: a date on 16 (read as midnight UTC), a
	// datetime on 17+.
	Deadline time.Time
	Priority string
	// State is the state field on 17+ (01_in_progress, 02_changes_requested,
	// 03_approved, 04_waiting_normal, 1_done, 1_canceled) and kanban_state
	// on 16 (normal, done, blocked).
	State string
	// AllocatedHours is allocated_hours on 17+, planned_hours on 16.
	AllocatedHours float64
	DateEnd        time.Time
	DateLastStage  time.Time
	CreateDate     time.Time
	Active         bool
}

// Tasks reads project.task records.
func (c *Client) Tasks(ctx context.Context, opts ListOpts) iter.Seq2[Task, error] {
	return list(c, ctx, readerSpec[Task]{
		model:   "project.task",
		modules: []string{"project"},
		fields: func(info *ServerInfo) []string {
			f := []string{"name", "project_id", "stage_id", "partner_id", "company_id", "user_ids",
				"date_deadline", "priority", "date_end", "date_last_stage_update", "create_date", "active"}
			if info.Version.AtLeast(17, 0) {
				return append(f, "state", "allocated_hours")
			}
			return append(f, "kanban_state", "planned_hours")
		},
		decode: func(d *recordDecoder, _ *ServerInfo) Task {
			t := Task{
				ID:            d.id(),
				Name:          d.str("name"),
				Project:       d.m2o("project_id"),
				Stage:         d.m2o("stage_id"),
				Partner:       d.m2o("partner_id"),
				Company:       d.m2o("company_id"),
				Assignees:     d.ids("user_ids"),
				Deadline:      d.datetime("date_deadline"),
				Priority:      d.str("priority"),
				DateEnd:       d.datetime("date_end"),
				DateLastStage: d.datetime("date_last_stage_update"),
				CreateDate:    d.datetime("create_date"),
				Active:        d.bool("active"),
			}
			if d.has("state") {
				t.State = d.str("state")
				t.AllocatedHours = d.float("allocated_hours")
			} else {
				t.State = d.str("kanban_state")
				t.AllocatedHours = d.float("planned_hours")
			}
			return t
		},
	}, opts)
}
