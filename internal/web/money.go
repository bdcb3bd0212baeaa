package web

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/numfmt"
)

// factLine is one of a finding's figures in words: "Amount unpaid" and
// "2,941.97 EUR".
type factLine struct {
	Label, Value string
}

// moneyFacts are the facts in company currency, by name; documentFacts
// those in the document's currency (shown in brackets after their company
// counterpart).
var (
	moneyFacts = map[string]bool{
		"amount_residual_signed": true, "amount_due": true, "cash": true, "outflow_window": true, "inflow_window": true,
		"expected_revenue": true, "revenue_365d": true, "margin_365d": true, "value_180d": true, "actual": true, "planned": true,
		"pending": true, "amount": true, "duplicated_amount": true, "amount_total": true, "median": true, "category_median": true,
		"revenue_at_risk": true, "open_order_value": true, "sales_over_lead": true, "spend_recent": true, "spend_prior": true,
		"overdue_total": true, "top_total": true,
	}
	// documentFact maps a company-currency fact to its document-currency twin.
	documentFact = map[string]string{"amount_residual_signed": "amount_residual"}
)

// factLabels name facts whose key reads badly as words.
var factLabels = map[string]string{
	"amount_residual_signed": "Amount unpaid", "revenue_365d": "Revenue, last 12 months", "margin_365d": "Margin, last 12 months",
	"value_180d": "Invoiced, last 180 days", "need_over_lead": "Needed over the lead time", "avg_daily_out": "Average sent out a day",
	"qty_on_hand": "On hand", "incoming_qty": "Incoming", "outgoing_qty": "To deliver", "forecast_qty": "Forecast",
}

// factLines puts a finding's facts into words: money with its currency (the
// company's, the document's in brackets when it differs), record ids left
// out, in a stable order.
func factLines(facts map[string]float64, companyCur, docCur string) []factLine {
	skip := map[string]bool{}
	for _, twin := range documentFact {
		skip[twin] = true
	}
	var out []factLine
	for _, k := range slices.Sorted(maps.Keys(facts)) {
		v := facts[k]
		if strings.HasSuffix(k, "_id") || (skip[k] && facts[reverseTwin(k)] != 0) {
			continue
		}
		label := factLabels[k]
		if label == "" {
			label = sentence(words(k))
		}
		text := thousands(v)
		switch {
		case moneyFacts[k]:
			text = numfmt.Money(v, companyCur)
			if twin, ok := documentFact[k]; ok && docCur != "" && docCur != companyCur {
				text += " (" + numfmt.Money(facts[twin], docCur) + ")"
			}
		case k == "amount_residual":
			text = numfmt.Money(v, docCur)
		case strings.HasSuffix(k, "_rate") || k == "probability" && v <= 1:
			text = strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
		}
		out = append(out, factLine{Label: label, Value: text})
	}
	return out
}

func reverseTwin(doc string) string {
	for k, v := range documentFact {
		if v == doc {
			return k
		}
	}
	return ""
}

// recordOf reads a subject's record ("account.move:42") from the synced
// data: its name and its document currency, if it has them.
func (s *Server) recordOf(ctx context.Context, connectionID int64, subject string) (name, currency string) {
	model, idText, ok := strings.Cut(subject, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return "", ""
	}
	rec, err := s.cfg.Store.OdooRecordGet(ctx, connectionID, model, id)
	if err != nil {
		return "", ""
	}
	var f struct {
		Name        any `json:"name"`
		DisplayName any `json:"display_name"`
		Currency    any `json:"currency_id"`
	}
	if json.Unmarshal(rec.Data, &f) != nil {
		return "", ""
	}
	name = nameOf(f.DisplayName)
	if name == "" {
		name = nameOf(f.Name)
	}
	return name, m2oName(f.Currency)
}
