package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/aicoo/aicoo/internal/ask"
)

// The resources are read through these registry tools, with the inputs
// below, so a resource meets the same role checks as the tool: a caller
// without the tool gets no such resource, and a metric of an area the
// caller's role does not see is refused by the metric tool.
const (
	// metricTool reads one figure: input {"name": "finance.cash.position"}.
	metricTool = "metric"
	// alertsTool lists alerts: input {} lists the open ones.
	alertsTool = "alerts"
	// alertTool reads one alert with its history: input {"id": 12}.
	alertTool = "alert"
)

// Resource addresses.
const (
	metricPrefix = "aicoo://metrics/"
	alertPrefix  = "aicoo://alerts/"
	alertsURI    = "aicoo://alerts"
	jsonMIME     = "application/json"
)

// addResources offers the open alerts, one alert by id, and each metric by
// name: listed one by one from the catalogue (those of the areas the
// caller's role sees), and as a template for the others.
func (b *builder) addResources(s *mcp.Server) {
	if b.tools[alertsTool] {
		s.AddResource(&mcp.Resource{URI: alertsURI, Name: "open-alerts", Title: "Open alerts",
			Description: "The alerts still open, most urgent first, each with its aicoo page.", MIMEType: jsonMIME},
			b.readThrough(alertsTool, func(string) (any, error) { return map[string]any{}, nil }))
	}
	if b.tools[alertTool] {
		s.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: alertPrefix + "{id}", Name: "alert", Title: "Alert",
			Description: "One alert with its history and the Odoo records behind it (the id is the number in its aicoo page /alerts/{id}).", MIMEType: jsonMIME},
			b.readThrough(alertTool, alertInput))
	}
	if !b.tools[metricTool] {
		return
	}
	s.AddResourceTemplate(&mcp.ResourceTemplate{URITemplate: metricPrefix + "{name}", Name: "metric", Title: "Metric",
		Description: "One of aicoo's figures by its dotted name (finance.cash.position), with its value, change and sources.", MIMEType: jsonMIME},
		b.readThrough(metricTool, metricInput))
	if b.cfg.Catalogue == nil {
		return
	}
	read := b.readThrough(metricTool, metricInput)
	acc := b.cfg.Registry.Access()
	for _, area := range b.cfg.Catalogue.Areas() {
		if !acc.CanSeeArea(b.caller.Role, area) {
			continue
		}
		info, _ := b.cfg.Catalogue.Area(area)
		for _, m := range info.Metrics {
			s.AddResource(&mcp.Resource{URI: metricPrefix + m.Name, Name: m.Name, Title: m.Label,
				Description: fmt.Sprintf("%s (%s). %s.", m.Label, info.Label, strings.TrimSuffix(m.Description, ".")), MIMEType: jsonMIME}, read)
		}
	}
}

func metricInput(uri string) (any, error) {
	name := strings.TrimPrefix(uri, metricPrefix)
	if name == uri || name == "" || strings.Contains(name, "/") {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	return map[string]any{"name": name}, nil
}

func alertInput(uri string) (any, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(uri, alertPrefix), 10, 64)
	if err != nil || id <= 0 {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	return map[string]any{"id": id}, nil
}

// readThrough reads a resource by calling tool with the input made from
// the URI. The contents are the tool's output as JSON: its data, its
// summary in words and its sources.
func (b *builder) readThrough(tool string, input func(uri string) (any, error)) mcp.ResourceHandler {
	return func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
		uri := req.Params.URI
		in, err := input(uri)
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("mcp: resource %s: %w", uri, err)
		}
		out, err := b.cfg.Registry.Call(ctx, b.caller, tool, raw)
		if err != nil {
			var refused *ask.RefusedError
			var bad *ask.InputError
			if errors.As(err, &refused) || errors.As(err, &bad) {
				// What the caller may not see, or what does not exist, is
				// said in the tool's words (it names no hidden figure).
				return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: err.Error()}
			}
			return nil, b.toolError(ctx, tool, err)
		}
		text, err := json.MarshalIndent(b.withLinks(out), "", "  ")
		if err != nil {
			return nil, fmt.Errorf("mcp: resource %s: %w", uri, err)
		}
		return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: uri, MIMEType: jsonMIME, Text: string(text)}}}, nil
	}
}
