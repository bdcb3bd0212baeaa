package ask_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/store"
)

func echo(name string, p access.Perm, area string) ask.Tool {
	return ask.Tool{Name: name, Perm: p, Area: area, Schema: json.RawMessage(`{"type":"object"}`),
		Run: func(_ context.Context, c ask.Caller, in json.RawMessage) (*ask.Output, error) {
			return &ask.Output{Data: string(in), Text: c.Role}, nil
		}}
}

func TestRegistryChecksRoles(t *testing.T) {
	t.Parallel()
	r := ask.NewRegistry(access.New(areas.Catalogue()))
	if err := r.Add(echo("read", access.View, ""), echo("finance_only", access.View, "finance"), echo("propose", access.ActionPropose, "")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		role, tool string
		allowed    bool
	}{
		{store.RoleCEO, "finance_only", true},
		{store.RoleSales, "finance_only", false},
		{store.RoleSales, "read", true},
		{store.RoleViewer, "propose", false},
		{store.RoleOps, "propose", true},
		{"nobody", "read", false},
	}
	for _, tt := range tests {
		c := ask.Caller{Role: tt.role}
		out, err := r.Call(context.Background(), c, tt.tool, nil)
		var refused *ask.RefusedError
		if tt.allowed && (err != nil || out.Data != "{}") {
			t.Errorf("%s calls %s: %v %+v, want allowed with input {}", tt.role, tt.tool, err, out)
		}
		if !tt.allowed && !errors.As(err, &refused) {
			t.Errorf("%s calls %s: err %v, want RefusedError", tt.role, tt.tool, err)
		}
		offered := false
		for _, tool := range r.For(c) {
			offered = offered || tool.Name == tt.tool
		}
		if offered != tt.allowed {
			t.Errorf("%s offered %s: %v, want %v", tt.role, tt.tool, offered, tt.allowed)
		}
	}
	if _, err := r.Call(context.Background(), ask.Caller{Role: store.RoleCEO}, "nope", nil); !errors.Is(err, ask.ErrUnknownTool) {
		t.Errorf("unknown tool: %v", err)
	}
}

func TestRegistryAddRejects(t *testing.T) {
	t.Parallel()
	r := ask.NewRegistry(access.New(areas.Catalogue()))
	bad := echo("x", access.View, "")
	bad.Schema = json.RawMessage(`{"type":"string"}`)
	for name, tool := range map[string]ask.Tool{"no name": echo("", access.View, ""), "bad schema": bad} {
		if err := r.Add(tool); err == nil {
			t.Errorf("%s: added", name)
		}
	}
	if err := r.Add(echo("dup", access.View, ""), echo("dup", access.View, "")); err == nil {
		t.Error("duplicate added")
	}
}
