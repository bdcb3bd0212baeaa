package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ToolSpec is a tool offered to a model: its name, what it does and the
// JSON schema (an object) of its input.
type ToolSpec struct {
	Name        string
	Description string
	Schema      json.RawMessage
}

// ToolCall is a model asking for a tool to run.
type ToolCall struct {
	// ID pairs the call with its result (Anthropic's tool_use id, OpenAI's
	// tool_call id).
	ID    string
	Name  string
	Input json.RawMessage
}

// ToolResult is what a tool call returned, sent back to the model.
type ToolResult struct {
	CallID  string
	Content string
	// IsError marks a refused or failed call; the model reads Content as
	// the reason.
	IsError bool
}

// Roles of a conversation's messages.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Turn is one message of a conversation: a user's text or tool results, or
// the assistant's text and tool calls.
type Turn struct {
	Role        string
	Text        string
	ToolCalls   []ToolCall   // assistant only
	ToolResults []ToolResult // user only
}

// Conversation is one tool-using provider request.
type Conversation struct {
	Model string
	// System is the instructions; with Tools it is the stable prefix that
	// Anthropic caches (cache_control) and OpenAI-compatible servers cache
	// on their own.
	System    string
	Tools     []ToolSpec
	Messages  []Turn
	MaxTokens int
}

// ToolReply is a provider's answer to a conversation: text, tool calls or
// both.
type ToolReply struct {
	Text       string
	ToolCalls  []ToolCall
	Model      string
	StopReason string
	Usage      Usage
}

// ToolProvider is a Provider that can call tools, streaming the answer's
// text to onText as it is written (onText may be nil).
type ToolProvider interface {
	Provider
	Converse(ctx context.Context, c Conversation, onText func(delta string)) (*ToolReply, error)
}

// ConverseCall is one step of a tool-using conversation for a connection.
type ConverseCall struct {
	ConnectionID int64
	Feature      string // recorded in the ledger, e.g. "ask"
	Use          string // UseSummary or UseAnalysis
	System       string
	Tools        []ToolSpec
	Messages     []Turn
	MaxTokens    int
	// OnText receives the answer's text as it streams in.
	OnText func(delta string)
}

// ConverseResult is the outcome of a successful step.
type ConverseResult struct {
	Text       string
	ToolCalls  []ToolCall
	StopReason string
	Model      string
	Usage      Usage
	Cost       float64
	Attempts   int
}

// Converse sends one step of a tool-using conversation, streaming its text
// to call.OnText, and records it in the ledger with its cost, like
// Complete. It retries what may succeed later, but only while nothing has
// been streamed yet (a retry would repeat text the reader already has). It
// returns ErrDisabled without a model and ErrBudgetExceeded past the
// monthly budget.
func (c *Client) Converse(ctx context.Context, call ConverseCall) (*ConverseResult, error) {
	if !c.Enabled() {
		return nil, ErrDisabled
	}
	tp, ok := c.provider.(ToolProvider)
	if !ok {
		return nil, fmt.Errorf("llm: provider %s cannot call tools", c.provider.Name())
	}
	if call.ConnectionID == 0 || call.Feature == "" {
		return nil, errors.New("llm: a call needs a connection and a feature")
	}
	if len(call.Messages) == 0 {
		return nil, fmt.Errorf("llm: %s: empty conversation", call.Feature)
	}
	model, price, err := c.route(ctx, call.ConnectionID, call.Feature, call.Use, call.MaxTokens)
	if err != nil {
		return nil, err
	}

	streamed := false
	onText := func(d string) {
		if d == "" {
			return
		}
		streamed = true
		if call.OnText != nil {
			call.OnText(d)
		}
	}
	conv := Conversation{Model: model, System: call.System, Tools: call.Tools, Messages: call.Messages, MaxTokens: call.MaxTokens}
	start := c.now()
	var reply *ToolReply
	usage, attempts, err := c.withRetries(ctx, call.Feature, model, func(actx context.Context) (Usage, bool, error) {
		var err error
		reply, err = tp.Converse(actx, conv, onText)
		if reply == nil {
			return Usage{}, !streamed, err
		}
		return reply.Usage, !streamed, err
	})
	dur := c.now().Sub(start)
	res := &ConverseResult{Model: model, Usage: usage, Cost: price.Cost(usage), Attempts: attempts}
	if err == nil && strings.TrimSpace(reply.Text) == "" && len(reply.ToolCalls) == 0 {
		err = fmt.Errorf("llm: %s: %s returned neither text nor tool calls (stop reason %q)", call.Feature, c.provider.Name(), reply.StopReason)
	}
	if err := c.recordUsage(ctx, call.ConnectionID, call.Feature, model, usage, res.Cost, dur, err); err != nil {
		return nil, err
	}
	res.Text, res.ToolCalls, res.StopReason = reply.Text, reply.ToolCalls, reply.StopReason
	if reply.Model != "" {
		res.Model = reply.Model
	}
	return res, nil
}
