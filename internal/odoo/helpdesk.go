package odoo

import (
	"context"
	"iter"
	"time"
)

// HelpdeskTicket is a helpdesk.ticket of Odoo Enterprise's helpdesk
// module. The Enterprise source is not public, so the SLA fields are read
// only when fields_get lists them.
type HelpdeskTicket struct {
	ID         int64
	Name       string
	Team       Many2One
	Assignee   Many2One // user_id
	Partner    Many2One
	Stage      Many2One
	TicketType Many2One
	Company    Many2One
	// Priority is '0' low, '1' medium, '2' high, '3' urgent.
	Priority    string
	Active      bool
	CreateDate  time.Time
	AssignDate  time.Time
	CloseDate   time.Time
	SLADeadline time.Time
	SLAFail     bool
}

// HelpdeskTickets reads helpdesk.ticket records. It fails with
// ErrNotInstalled when the helpdesk module is not installed (Community
// servers), so callers report "not available" rather than zero tickets.
func (c *Client) HelpdeskTickets(ctx context.Context, opts ListOpts) iter.Seq2[HelpdeskTicket, error] {
	return list(c, ctx, readerSpec[HelpdeskTicket]{
		model:    "helpdesk.ticket",
		modules:  []string{"helpdesk"},
		fields:   fieldsFor("name", "team_id", "user_id", "partner_id", "stage_id", "priority", "active", "create_date"),
		optional: []string{"ticket_type_id", "company_id", "assign_date", "close_date", "sla_deadline", "sla_fail"},
		decode: func(d *recordDecoder, _ *ServerInfo) HelpdeskTicket {
			return HelpdeskTicket{
				ID:          d.id(),
				Name:        d.str("name"),
				Team:        d.m2o("team_id"),
				Assignee:    d.m2o("user_id"),
				Partner:     d.m2o("partner_id"),
				Stage:       d.m2o("stage_id"),
				TicketType:  d.optM2O("ticket_type_id"),
				Company:     d.optM2O("company_id"),
				Priority:    d.str("priority"),
				Active:      d.bool("active"),
				CreateDate:  d.datetime("create_date"),
				AssignDate:  d.optDatetime("assign_date"),
				CloseDate:   d.optDatetime("close_date"),
				SLADeadline: d.optDatetime("sla_deadline"),
				SLAFail:     d.optBool("sla_fail"),
			}
		},
	}, opts)
}
