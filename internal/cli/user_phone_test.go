package cli

import (
	"context"
	"testing"
)

func TestUserSetPhone(t *testing.T) {
	t.Parallel()
	env, s, conn := opsStore(t, []string{"root", "olga"}, nil)
	runSteps(t, env, []cliStep{
		{[]string{"user", "set-phone", "olga", "+32470123456"}, 0, "phone number of olga set to +32470123456"},
		{[]string{"user", "list"}, 0, "+32470123456"},
		{[]string{"user", "set-phone", "olga", "0470 12 34 56"}, 1, `phone number "0470 12 34 56": want E.164 form`},
		{[]string{"user", "set-phone", "ghost", "+32470123456"}, 1, `no user "ghost" on connection "default"`},
		{[]string{"user", "set-phone", "olga"}, 2, "set-phone needs NAME NUMBER"},
		{[]string{"user", "add", "pat", "--role", "ops", "--phone", "+14155550123"}, 0, "user pat (ops) created"},
		{[]string{"user", "add", "quinn", "--role", "ops", "--phone", "555-0123"}, 1, `--phone "555-0123": want E.164 form`},
		{[]string{"user", "set-phone", "root", "none"}, 0, "phone number of root removed"},
	})
	ctx := context.Background()
	for name, want := range map[string]string{"olga": "+32470123456", "pat": "+14155550123", "root": ""} {
		u, err := s.UserByUsername(ctx, conn.ID, name)
		if err != nil || u.Phone != want {
			t.Errorf("%s: phone %q, %v; want %q", name, u.Phone, err, want)
		}
	}
}
