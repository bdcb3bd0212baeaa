package actions

import (
	"context"
	"encoding/json"

	"github.com/aicoo/aicoo/internal/store"
)

// ExecuteOdooForTest performs an action's Odoo operation without recording
// it, as a job attempt that died right after the write would.
func ExecuteOdooForTest(ctx context.Context, o Odoo, a *store.Action) error {
	var p Params
	if err := json.Unmarshal(a.Parameters, &p); err != nil {
		return err
	}
	k, err := builtin.kind(Type(a.ActionType))
	if err != nil {
		return err
	}
	_, err = k.Execute(ctx, o, &p, a.Marker)
	return err
}
