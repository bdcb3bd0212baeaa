package cli

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// TestUserResetPasswordEndsSessions: a reset from the command line signs
// out whoever knew the old password and revokes the tokens they made, as
// the dashboard's reset does.
func TestUserResetPasswordEndsSessions(t *testing.T) {
	t.Parallel()
	env, s, conn := opsStore(t, []string{"root", "olga"}, nil)
	ctx := context.Background()
	olga, err := s.UserByUsername(ctx, conn.ID, "olga")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.SessionCreate(ctx, store.Session{TokenHash: auth.TokenHash("olga-session"), ConnectionID: conn.ID, UserID: olga.ID,
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	runSteps(t, env, []cliStep{
		{[]string{"token", "create", "--user", "olga", "--name", "ci"}, 0, "aicoo_"},
		{[]string{"user", "reset-password", "olga"}, 0, "1 sessions ended, 1 API tokens revoked"},
		{[]string{"user", "add", "OLGA"}, 1, `user "olga" already exists`},
	})
	if _, err := s.SessionUser(ctx, auth.TokenHash("olga-session"), time.Now()); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("olga's session after the reset: %v, want ErrNotFound", err)
	}
	toks, err := s.APITokenList(ctx, olga.ID)
	if err != nil || len(toks) != 1 || toks[0].RevokedAt.IsZero() {
		t.Fatalf("olga's tokens after the reset: %+v, %v; want one, revoked", toks, err)
	}
	// token list tells a revoked token from a live one.
	code, out, errOut := run(t, env, "token", "list", "--user", "olga")
	if code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("token list: exit %d, want a revoked token shown as revoked:\n%s%s", code, out, errOut)
	}
}
