// Package ask holds what aicoo answers questions with: a registry of tools,
// each a Go function with a JSON schema and a permission, that read the
// synced copy of Odoo and aicoo's stored results. The chat (a language model
// calling tools), the smart search's direct answers, the CLI's `aicoo ask`
// and the MCP server all call the same registry, so every number in an
// answer is computed by aicoo's code and every caller meets the same role
// checks (package access).
//
// A tool never writes to Odoo. The one tool that changes something,
// propose_action, puts a proposal in the approval queue through the same
// policy, approvals and audit as an analyzer's proposal.
package ask

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aicoo/aicoo/internal/access"
)

// Caller is the person a tool runs for. Tools filter what they return by
// the caller's role (access.Table) and scope every read to the caller's
// connection.
type Caller struct {
	UserID       int64
	Username     string
	Role         string
	ConnectionID int64
	// Via says where the question came from: "web", "api", "cli" or "mcp";
	// it is written in audit entries of proposals.
	Via string
}

// Source is a link shown under an answer: the aicoo page of a figure, an
// alert or an action, and/or the Odoo record it comes from.
type Source struct {
	// Label names the source in words ("Invoice INV/2026/0042 — Alpen
	// Industrieservice KG").
	Label string `json:"label"`
	// Path is an aicoo page ("/alerts/12"), relative to the dashboard.
	Path string `json:"path,omitempty"`
	// Model and ID name an Odoo record; the link into Odoo is built at
	// render time from the connection's current URL and version.
	Model string `json:"model,omitempty"`
	ID    int64  `json:"id,omitempty"`
}

// Output is what a tool returns.
type Output struct {
	// Data is the result as the model and MCP clients read it: any value
	// encoding/json can marshal (typically a struct or a slice of structs
	// with json tags, money already rounded to cents).
	Data any `json:"data"`
	// Text is a short summary in words, for direct answers without a model
	// (the CLI, the smart search) and for MCP clients' text content.
	Text string `json:"text,omitempty"`
	// Sources are the records and pages the result was computed from.
	Sources []Source `json:"sources,omitempty"`
}

// Tool is one capability of the registry.
type Tool struct {
	// Name is how models and MCP clients call it: lower_snake_case.
	Name string
	// Description tells a model what the tool does and when to use it.
	Description string
	// Schema is the JSON schema of the tool's input, an object.
	Schema json.RawMessage
	// Perm is the permission the caller's role needs (usually access.View).
	Perm access.Perm
	// Area, when set, is the one analysis area the tool reads; callers
	// whose role does not see it are refused. Tools that read several
	// areas leave it empty and filter each item by the caller's role.
	Area string
	// Writes marks a tool that changes something in aicoo (propose_action).
	// MCP clients see it as not read-only; it is never callable by a role
	// without Perm.
	Writes bool
	// Run executes the tool. input is the raw JSON object the caller sent;
	// a malformed or invalid input returns an *InputError.
	Run func(ctx context.Context, c Caller, input json.RawMessage) (*Output, error)
}

// ErrUnknownTool is returned by Call for a name the registry does not hold.
var ErrUnknownTool = errors.New("unknown tool")

// RefusedError is returned when the caller's role may not use a tool or
// see what it asked for. Its message is safe to show to the caller and to
// a model.
type RefusedError struct {
	Tool   string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s: not allowed: %s", e.Tool, e.Reason)
}

// InputError is returned by a tool for input it cannot use; the message
// says what to change and is safe to show to a model.
type InputError struct {
	Tool string
	Msg  string
}

func (e *InputError) Error() string { return fmt.Sprintf("%s: %s", e.Tool, e.Msg) }

// Registry is the set of tools, in the order they were added. It is built
// once at start-up and read concurrently afterwards.
type Registry struct {
	access *access.Table
	tools  []Tool
	// partners resolves a partner name for the direct answers (Answer);
	// NewTools sets it.
	partners func(ctx context.Context, c Caller, name string) (*partnerMatch, []partnerMatch, error)
	// now is the tools' clock, so direct answers and tools agree on today.
	now func() time.Time
}

// NewRegistry returns an empty registry checking callers against t.
func NewRegistry(t *access.Table) *Registry { return &Registry{access: t} }

// Add registers tools. A duplicate or nameless tool, a tool without Run or
// a schema that is not a JSON object is a programming error and returns
// an error naming it.
func (r *Registry) Add(tools ...Tool) error {
	for _, t := range tools {
		switch {
		case t.Name == "" || t.Run == nil:
			return fmt.Errorf("ask: tool %q: name and Run are required", t.Name)
		case r.Tool(t.Name) != nil:
			return fmt.Errorf("ask: tool %q registered twice", t.Name)
		}
		var schema map[string]any
		if err := json.Unmarshal(t.Schema, &schema); err != nil || schema["type"] != "object" {
			return fmt.Errorf("ask: tool %q: schema must be a JSON object schema of type object", t.Name)
		}
		r.tools = append(r.tools, t)
	}
	return nil
}

// Tool returns the named tool, or nil.
func (r *Registry) Tool(name string) *Tool {
	i := slices.IndexFunc(r.tools, func(t Tool) bool { return t.Name == name })
	if i < 0 {
		return nil
	}
	return &r.tools[i]
}

// All returns every tool, in registration order.
func (r *Registry) All() []Tool { return slices.Clone(r.tools) }

// For returns the tools c may call, in registration order: what a model or
// an MCP client is offered.
func (r *Registry) For(c Caller) []Tool {
	var out []Tool
	for _, t := range r.tools {
		if r.allowed(t, c) == nil {
			out = append(out, t)
		}
	}
	return out
}

func (r *Registry) allowed(t Tool, c Caller) error {
	if !r.access.Can(c.Role, t.Perm) {
		return &RefusedError{Tool: t.Name, Reason: fmt.Sprintf("the %s role does not hold %q", c.Role, t.Perm)}
	}
	if t.Area != "" && !r.access.CanSeeArea(c.Role, t.Area) {
		return &RefusedError{Tool: t.Name, Reason: fmt.Sprintf("the %s role does not see the %s area", c.Role, t.Area)}
	}
	return nil
}

// Access returns the permission table the registry checks callers against;
// tools use it to filter items by area.
func (r *Registry) Access() *access.Table { return r.access }

// Call runs the named tool for c after checking c's role. An empty input
// is read as the empty object.
func (r *Registry) Call(ctx context.Context, c Caller, name string, input json.RawMessage) (*Output, error) {
	t := r.Tool(name)
	if t == nil {
		return nil, fmt.Errorf("ask: %w %q", ErrUnknownTool, name)
	}
	if err := r.allowed(*t, c); err != nil {
		return nil, err
	}
	if len(input) == 0 || string(input) == "null" {
		input = json.RawMessage(`{}`)
	}
	out, err := t.Run(ctx, c, input)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("ask: tool %q returned no output", name)
	}
	return out, nil
}
