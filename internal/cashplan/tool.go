package cashplan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/forecast"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/numfmt"
)

// toolSchema is the input of the cash_forecast tool.
const toolSchema = `{
  "type": "object",
  "properties": {
    "company_id": {"type": "integer", "description": "The company (default: the first)."},
    "pipeline": {"type": "boolean", "description": "Count the weighted sales pipeline as receipts (default false)."},
    "scenario": {
      "type": "object",
      "description": "A what-if to compare with the forecast (not saved).",
      "properties": {
        "name": {"type": "string"},
        "min_cash": {"type": "number", "description": "The cash to keep: the answer gives the first week under it."},
        "changes": {"type": "array", "maxItems": 20, "items": {
          "type": "object",
          "properties": {
            "kind": {"type": "string", "enum": ["customer_delay", "customer_never", "deal_slip", "deal_lost", "bill_early", "hire", "one_off"]},
            "partner_id": {"type": "integer", "description": "customer_delay, customer_never: the customer (res.partner id)"},
            "lead_id": {"type": "integer", "description": "deal_slip, deal_lost: the opportunity (crm.lead id)"},
            "move_id": {"type": "integer", "description": "bill_early: the vendor bill (account.move id)"},
            "days": {"type": "integer", "description": "customer_delay, deal_slip: days later; bill_early: days earlier"},
            "date": {"type": "string", "description": "YYYY-MM-DD: hire start, one_off date, bill_early payment day"},
            "amount": {"type": "number", "description": "hire: monthly cost (positive); one_off: amount, negative for a payment"}
          },
          "required": ["kind"]
        }}
      },
      "required": ["changes"]
    }
  },
  "additionalProperties": false
}`

// weekJSON is a week as the tool returns it: rounded to whole currency
// units, which is how people read a 13-week plan.
type weekJSON struct {
	Week    int     `json:"week"`
	End     string  `json:"end"`
	Closing float64 `json:"closing"`
	Low     float64 `json:"low"`
	High    float64 `json:"high"`
}

type toolResult struct {
	CompanyID   int64        `json:"company_id"`
	Currency    string       `json:"currency"`
	AsOf        string       `json:"as_of"`
	OpeningCash float64      `json:"opening_cash"`
	Weeks       []weekJSON   `json:"weeks"`
	LowestWeek  int          `json:"lowest_week"`
	Lowest      float64      `json:"lowest_closing"`
	Scenario    *scenarioOut `json:"scenario,omitempty"`
}

// scenarioOut is a what-if's outcome as the tool returns it.
type scenarioOut struct {
	Name       string     `json:"name"`
	Weeks      []weekJSON `json:"weeks"`
	LowestWeek int        `json:"lowest_week"`
	Lowest     float64    `json:"lowest_closing"`
	BreachWeek int        `json:"first_week_under_min_cash,omitempty"`
	BreachEnd  string     `json:"first_week_under_min_cash_ends,omitempty"`
	// Unmatched are the changes (1-based) that matched no item: an
	// unknown partner, deal or bill.
	Unmatched []int `json:"changes_matching_nothing,omitempty"`
}

func weeksOf(ws []forecast.Week) []weekJSON {
	out := make([]weekJSON, len(ws))
	for i, w := range ws {
		out[i] = weekJSON{Week: w.Week, End: w.End.String(), Closing: math.Round(w.Closing), Low: math.Round(w.Low), High: math.Round(w.High)}
	}
	return out
}

// Tool returns the registry tool "cash_forecast": the 13-week cash
// forecast of the caller's connection, and optionally a what-if compared
// with it. Finance roles only, as the forecast page.
func Tool(svc *Service) ask.Tool {
	return ask.Tool{
		Name: "cash_forecast",
		Description: "The 13-week cash forecast: closing cash per week with a likely range, the lowest week; " +
			"with a scenario (a customer pays later or never, a deal slips or is lost, a bill is paid early, a hire, a one-off), " +
			"the same weeks under it and the first week cash falls under min_cash. Use search to find the partner, deal or bill ids.",
		Schema: json.RawMessage(toolSchema),
		Perm:   access.View,
		Area:   "finance",
		Run: func(ctx context.Context, c ask.Caller, input json.RawMessage) (*ask.Output, error) {
			var in struct {
				CompanyID int64              `json:"company_id"`
				Pipeline  bool               `json:"pipeline"`
				Scenario  *forecast.Scenario `json:"scenario"`
			}
			dec := json.NewDecoder(bytes.NewReader(input))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&in); err != nil {
				return nil, &ask.InputError{Tool: "cash_forecast", Msg: "want {company_id, pipeline, scenario: {name, min_cash, changes}}: " + err.Error()}
			}
			plan, err := svc.Plan(ctx, c.ConnectionID, in.Pipeline)
			if err != nil {
				return nil, err
			}
			co := plan.Company(in.CompanyID)
			if co == nil {
				return nil, errors.New("cashplan: no company has accounting data to forecast")
			}
			res := toolResult{CompanyID: co.CompanyID, Currency: co.Currency, AsOf: co.AsOf.String(), OpeningCash: math.Round(co.OpeningCash),
				Weeks: weeksOf(co.Weeks), LowestWeek: co.Lowest.Week, Lowest: math.Round(co.Lowest.Closing)}
			text := fmt.Sprintf("Cash %s %s today; lowest %s %s in week %d (ending %s); %s %s in week %d.",
				num(co.OpeningCash), co.Currency, num(co.Lowest.Closing), co.Currency, co.Lowest.Week, co.Lowest.End,
				num(co.Weeks[len(co.Weeks)-1].Closing), co.Currency, len(co.Weeks))
			if in.Scenario != nil {
				if in.Scenario.Name == "" {
					in.Scenario.Name = "What if"
				}
				r, err := Run(co, *in.Scenario)
				var bad *CheckError
				if errors.As(err, &bad) {
					return nil, &ask.InputError{Tool: "cash_forecast", Msg: bad.Msg}
				}
				if err != nil {
					return nil, err
				}
				sc := &scenarioOut{Name: r.Name, Weeks: weeksOf(r.Weeks), LowestWeek: r.Lowest.Week, Lowest: math.Round(r.Lowest.Closing)}
				res.Scenario = sc
				for i, n := range r.Matched {
					if n == 0 {
						sc.Unmatched = append(sc.Unmatched, i+1)
					}
				}
				text += fmt.Sprintf(" With %q: lowest %s %s in week %d", r.Name, num(r.Lowest.Closing), co.Currency, r.Lowest.Week)
				if r.Breach != nil {
					sc.BreachWeek, sc.BreachEnd = r.Breach.Week, r.Breach.End.String()
					text += fmt.Sprintf(", under %s %s from week %d (ending %s)", num(in.Scenario.MinCash), co.Currency, r.Breach.Week, r.Breach.End)
				}
				text += "."
			}
			return &ask.Output{Data: res, Text: text, Sources: []ask.Source{{Label: "Cash forecast", Path: "/forecast"}}}, nil
		},
	}
}

// num writes a rounded amount with thousands separators.
func num(v float64) string { return numfmt.Number(v, 0) }
