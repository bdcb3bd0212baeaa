package search

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/ask"
)

// toolSchema is the input of the search tool.
const toolSchema = `{
  "type": "object",
  "properties": {
    "query": {"type": "string", "description": "A name or number, as a person would type it: \"INV/2026/00042\", \"alpen\", \"solenoid valve\". Typos, accents and case do not matter."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "description": "How many results, best first (default 20)."}
  },
  "required": ["query"],
  "additionalProperties": false
}`

// Tool returns the registry tool "search", which finds partners,
// invoices, bills, orders, products, deals, alerts, figures and actions by
// name or number for the caller's role. Its results carry the Odoo model
// and id of each record, for get_record and the other tools.
func Tool(svc *Service) ask.Tool {
	return ask.Tool{
		Name: "search",
		Description: "Find records and aicoo items by name or number: partners (customers, suppliers, contacts), " +
			"customer invoices, vendor bills, sales orders, purchase orders, products, CRM deals, alerts, figures (metrics) " +
			"and autonomous actions. Tolerates typos, accents and case; ranks exact numbers first. " +
			"Use it to turn a name the user mentions into the Odoo model and id other tools take.",
		Schema: json.RawMessage(toolSchema),
		Perm:   access.View,
		Run: func(ctx context.Context, c ask.Caller, input json.RawMessage) (*ask.Output, error) {
			var in struct {
				Query string `json:"query"`
				Limit int    `json:"limit"`
			}
			dec := json.NewDecoder(strings.NewReader(string(input)))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				return nil, &ask.InputError{Tool: "search", Msg: "want {\"query\": text, \"limit\": 1 to 100}: " + err.Error()}
			}
			if strings.TrimSpace(in.Query) == "" {
				return nil, &ask.InputError{Tool: "search", Msg: "query is empty: give a name or number"}
			}
			if in.Limit < 0 || in.Limit > LimitMax {
				return nil, &ask.InputError{Tool: "search", Msg: fmt.Sprintf("limit must be 1 to %d", LimitMax)}
			}
			res, err := svc.Search(ctx, Query{ConnectionID: c.ConnectionID, Role: c.Role, Text: in.Query, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			out := &ask.Output{Data: res}
			var text strings.Builder
			if len(res) == 0 {
				fmt.Fprintf(&text, "Nothing found for %q.", in.Query)
			} else {
				fmt.Fprintf(&text, "%d found for %q:", len(res), in.Query)
			}
			for _, r := range res {
				text.WriteString("\n- " + r.Label)
				out.Sources = append(out.Sources, ask.Source{Label: r.Label, Path: r.Path, Model: r.Model, ID: r.ID})
			}
			out.Text = text.String()
			return out, nil
		},
	}
}
