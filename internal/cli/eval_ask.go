package cli

import (
	"context"
	"errors"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/askeval"
	"github.com/aicoo/aicoo/internal/store"
)

// evalAsk runs the question set of docs/ask-eval.md through the chat with
// the configured model, on the store's synced copy and stored analyses.
func evalAsk(ctx context.Context, e *env, open func(context.Context, *env) (*opsEnv, error)) error {
	o, err := open(ctx, e)
	if err != nil {
		return err
	}
	defer o.s.Close()
	logger := newLogger(o.cfg, e.stderr)
	model, err := newLLM(o.cfg, o.s, logger)
	if err != nil {
		return err
	}
	if !model.Enabled() {
		return errors.New("eval ask measures a language model answering with aicoo's tools, and none is configured: " +
			"set llm.provider (anthropic, with llm.api_key, or openai with llm.base_url for a local server)")
	}
	cat := areas.Catalogue()
	reg, err := askTools(o.s, cat, actions.Builtin(), nil, nil, nil)
	if err != nil {
		return err
	}
	svc, err := newChat(o.cfg, o.s, model, reg, logger, nil)
	if err != nil {
		return err
	}
	cases, err := askeval.Parse(askeval.Questions)
	if err != nil {
		return err
	}
	callers, err := evalCallers(ctx, o)
	if err != nil {
		return err
	}
	rep, err := askeval.Run(ctx, svc, reg, callers, cases)
	if err != nil {
		return err
	}
	return rep.Write(e.stdout)
}

// evalCallers asks as a user of each role, or, for a role nobody has, as
// the first admin with that role's permissions.
func evalCallers(ctx context.Context, o *opsEnv) (map[string]ask.Caller, error) {
	users, err := o.s.UserList(ctx, o.conn.ID)
	if err != nil {
		return nil, err
	}
	var admin *store.User
	out := map[string]ask.Caller{}
	for _, u := range users {
		if u.Disabled {
			continue
		}
		if admin == nil && u.Role == store.RoleAdmin {
			admin = u
		}
		if _, ok := out[u.Role]; !ok {
			out[u.Role] = ask.Caller{UserID: u.ID, Username: u.Username, Role: u.Role, ConnectionID: o.conn.ID, Via: "cli"}
		}
	}
	if admin == nil {
		return nil, errors.New("eval ask: the connection has no enabled administrator to ask as (aicoo user add --role admin)")
	}
	for _, role := range []string{store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps} {
		if _, ok := out[role]; !ok {
			out[role] = ask.Caller{UserID: admin.ID, Username: admin.Username, Role: role, ConnectionID: o.conn.ID, Via: "cli"}
		}
	}
	return out, nil
}
