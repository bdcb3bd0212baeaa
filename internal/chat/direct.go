package chat

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/store"
)

// DirectNote marks an answer computed by aicoo's question patterns, without
// a language model.
const DirectNote = "Answered directly by aicoo's tools; free-form questions need a language model."

// direct answers without a model: a question of a known pattern (package
// ask's Answer) is answered by the tools and kept in the thread like any
// answer; any other question returns ErrNoModel and stores nothing.
func (s *Service) direct(ctx context.Context, q Question, text string, onEvent func(Event)) (*Answer, error) {
	c := q.Caller
	var thread *store.AskThread
	if q.ThreadID != 0 {
		t, err := s.store.AskThreadGet(ctx, c.UserID, q.ThreadID)
		if err != nil {
			return nil, fmt.Errorf("chat: thread: %w", err)
		}
		thread = t
	}
	a := &Answer{}
	r, ok, err := ask.Answer(ctx, s.reg, c, text)
	var refused *ask.RefusedError
	switch {
	case errors.As(err, &refused):
		a.Tools = []ToolUse{{Name: refused.Tool, Error: refused.Error(), Refused: true}}
		a.Note = "Your role may not see this: " + refused.Reason + "."
	case err != nil:
		return nil, fmt.Errorf("chat: direct answer: %w", err)
	case !ok:
		return nil, ErrNoModel
	default:
		a.Text, a.Note = r.Text, DirectNote
		for _, src := range r.Sources {
			if !slices.Contains(a.Sources, src) {
				a.Sources = append(a.Sources, src)
			}
		}
		for _, call := range r.Calls {
			a.Tools = append(a.Tools, ToolUse{Name: call.Tool, Input: call.Input})
		}
	}
	if thread == nil {
		if thread, err = s.store.AskThreadCreate(ctx, c.ConnectionID, c.UserID, text); err != nil {
			return nil, fmt.Errorf("chat: thread: %w", err)
		}
	}
	onEvent(Event{Type: "thread", ThreadID: thread.ID, Title: thread.Title})
	if _, err := s.store.AskMessageAdd(ctx, store.AskMessage{ThreadID: thread.ID, Role: store.AskRoleUser, Content: text}); err != nil {
		return nil, fmt.Errorf("chat: store the question: %w", err)
	}
	if a.Text != "" {
		onEvent(Event{Type: "text", Text: a.Text})
	}
	a.ThreadID, a.ThreadTitle = thread.ID, thread.Title
	if err := s.keepAnswer(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}
