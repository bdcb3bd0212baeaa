package mcpserver_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/mcpserver"
)

// The fake tools stand in for ask.NewTools: the same names, inputs and
// role checks (by the metric's or alert's area), over a fixed set of
// figures and alerts, so the tests know every answer.

type fakeMetric struct {
	Name  string  `json:"name"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

var fakeMetrics = map[string]fakeMetric{
	"finance.cash.position":           {"finance.cash.position", "Cash", 125000, "EUR"},
	"finance.ar.overdue":              {"finance.ar.overdue", "Overdue receivables", 48250.5, "EUR"},
	"sales.pipeline.weighted_revenue": {"sales.pipeline.weighted_revenue", "Weighted pipeline", 310400, "EUR"},
}

type fakeAlert struct {
	ID    int64  `json:"id"`
	Area  string `json:"area"`
	Title string `json:"title"`
}

var fakeAlerts = []fakeAlert{
	{1, "finance", "Invoice INV/2026/0042 is 45 days overdue"},
	{2, "sales", "Deal Summit Components stalled for 30 days"},
}

// areaOf is the area a metric name starts with.
func areaOf(name string) string { a, _, _ := strings.Cut(name, "."); return a }

func decode[T any](tool string, in json.RawMessage) (T, error) {
	var v T
	if err := json.Unmarshal(in, &v); err != nil {
		return v, &ask.InputError{Tool: tool, Msg: "the input is not the expected JSON object: " + err.Error()}
	}
	return v, nil
}

func fakeTools(acc *access.Table) []ask.Tool {
	obj := func(s string) json.RawMessage { return json.RawMessage(s) }
	return []ask.Tool{
		{Name: "metric", Description: "One of aicoo's figures by its dotted name.", Perm: access.View,
			Schema: obj(`{"type":"object","properties":{"name":{"type":"string","description":"dotted metric name"}},"required":["name"]}`),
			Run: func(_ context.Context, c ask.Caller, in json.RawMessage) (*ask.Output, error) {
				q, err := decode[struct{ Name string }]("metric", in)
				if err != nil {
					return nil, err
				}
				m, ok := fakeMetrics[q.Name]
				if !ok {
					return nil, &ask.InputError{Tool: "metric", Msg: fmt.Sprintf("no metric named %q", q.Name)}
				}
				if !acc.CanSeeArea(c.Role, areaOf(m.Name)) {
					return nil, &ask.RefusedError{Tool: "metric", Reason: "the " + c.Role + " role does not see the " + areaOf(m.Name) + " area"}
				}
				return &ask.Output{Data: m, Text: fmt.Sprintf("%s: %.2f %s", m.Label, m.Value, m.Unit),
					Sources: []ask.Source{{Label: m.Label, Path: "/analytics/" + areaOf(m.Name) + "/metrics/" + m.Name}}}, nil
			}},
		{Name: "alerts", Description: "The open alerts the caller may see.", Perm: access.View,
			Schema: obj(`{"type":"object","properties":{"status":{"type":"string"}}}`),
			Run: func(_ context.Context, c ask.Caller, _ json.RawMessage) (*ask.Output, error) {
				out := []fakeAlert{}
				for _, a := range fakeAlerts {
					if acc.CanSeeArea(c.Role, a.Area) {
						out = append(out, a)
					}
				}
				return &ask.Output{Data: out, Text: fmt.Sprintf("%d open alerts", len(out))}, nil
			}},
		{Name: "alert", Description: "One alert with its history.", Perm: access.View,
			Schema: obj(`{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}`),
			Run: func(_ context.Context, c ask.Caller, in json.RawMessage) (*ask.Output, error) {
				q, err := decode[struct{ ID int64 }]("alert", in)
				if err != nil {
					return nil, err
				}
				for _, a := range fakeAlerts {
					if a.ID == q.ID && acc.CanSeeArea(c.Role, a.Area) {
						return &ask.Output{Data: a, Text: a.Title, Sources: []ask.Source{{Label: "Alert " + fmt.Sprint(a.ID), Path: fmt.Sprintf("/alerts/%d", a.ID), Model: "account.move", ID: 42}}}, nil
					}
				}
				return nil, &ask.InputError{Tool: "alert", Msg: fmt.Sprintf("no alert %d", q.ID)}
			}},
		{Name: "finance_ledger", Description: "Finance-only: the general ledger balance.", Perm: access.View, Area: "finance",
			Schema: obj(`{"type":"object"}`),
			Run: func(context.Context, ask.Caller, json.RawMessage) (*ask.Output, error) {
				return &ask.Output{Data: map[string]float64{"balance": 98000.25}, Text: "Ledger balance 98,000.25 EUR"}, nil
			}},
		{Name: "propose_action", Description: "Put an action in the approval queue.", Perm: access.ActionPropose, Writes: true,
			Schema: obj(`{"type":"object","properties":{"type":{"type":"string"},"reason":{"type":"string"}},"required":["type","reason"]}`),
			Run: func(_ context.Context, c ask.Caller, in json.RawMessage) (*ask.Output, error) {
				q, err := decode[struct{ Type, Reason string }]("propose_action", in)
				if err != nil {
					return nil, err
				}
				if q.Type == "" {
					return nil, &ask.InputError{Tool: "propose_action", Msg: "type is required"}
				}
				return &ask.Output{Data: map[string]any{"status": "pending", "proposed_by": c.Username, "via": c.Via}, Text: "Proposed; a CFO must approve it."}, nil
			}},
		{Name: "broken", Description: "Always fails inside.", Perm: access.View, Schema: obj(`{"type":"object"}`),
			Run: func(context.Context, ask.Caller, json.RawMessage) (*ask.Output, error) {
				return nil, errors.New("store: connection refused at 10.0.0.7:5432")
			}},
	}
}

// fakeConfig is a server configuration over the fake tools and the real
// catalogue and permission table.
func fakeConfig(t testing.TB) mcpserver.Config {
	t.Helper()
	cfg, err := newFakeConfig()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newFakeConfig() (mcpserver.Config, error) {
	cat := areas.Catalogue()
	acc := access.New(cat)
	reg := ask.NewRegistry(acc)
	if err := reg.Add(fakeTools(acc)...); err != nil {
		return mcpserver.Config{}, err
	}
	return mcpserver.Config{Registry: reg, Catalogue: cat, BaseURL: "https://aicoo.example.com/", Version: "test"}, nil
}
