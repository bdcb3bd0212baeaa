package web

import (
	"context"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// APITokenPrefix starts every API token, so a leaked token is recognisable
// (secret scanners, logs).
const APITokenPrefix = "aicoo_"

// CreateAPIToken makes a new API token for the user, stores its hash and
// returns the token itself, which is shown once and never stored. ttl 0
// means it does not expire. The CLI's "aicoo token create" calls it.
func CreateAPIToken(ctx context.Context, s *store.Store, u *store.User, name string, ttl time.Duration, now time.Time) (string, *store.APIToken, error) {
	if u.Disabled {
		return "", nil, fmt.Errorf("web: create API token: user %q is disabled", u.Username)
	}
	if ttl < 0 {
		return "", nil, fmt.Errorf("web: create API token: negative lifetime %s", ttl)
	}
	token := APITokenPrefix + auth.NewToken()
	p := store.APITokenCreateParams{ConnectionID: u.ConnectionID, UserID: u.ID, Name: name, TokenHash: auth.TokenHash(token),
		Prefix: token[:len(APITokenPrefix)+6]}
	if ttl > 0 {
		p.ExpiresAt = now.Add(ttl)
	}
	t, err := s.APITokenCreate(ctx, p)
	if err != nil {
		return "", nil, fmt.Errorf("web: %w", err)
	}
	return token, t, nil
}
