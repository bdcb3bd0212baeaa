package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// demoConnection names the connection the demo creates.
const demoConnection = "demo"

func demoCommand() command {
	return command{
		name: "demo",
		summary: `Run the whole product on built-in defaults, nothing to set up.
SQLite in a local folder and the dashboard on localhost; prints the address and the admin login.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			addr := fs.String("addr", "127.0.0.1:8080", "listen `address` of the dashboard")
			data := fs.String("data", "aicoo-demo", "data `folder` (created if missing)")
			password := fs.String("admin-password", "", "password of the admin user (default: generated and printed)")
			return func(ctx context.Context, e *env) error {
				cfg, err := config.Load("", e.environ)
				if err != nil {
					return err
				}
				cfg.Server.Addr = *addr
				cfg.Store.DataDir = *data
				cfg.Store.PostgresDSN = ""
				cfg.Odoo = config.OdooConfig{Name: demoConnection, Protocol: "auto"}
				if err := cfg.Validate(); err != nil {
					return err
				}
				pw := *password
				if pw == "" {
					pw = auth.NewPassword()
				}
				hash, err := auth.HashPassword(pw)
				if err != nil {
					return fmt.Errorf("--admin-password: %w", err)
				}
				if err := prepareDemo(ctx, cfg, hash); err != nil {
					return err
				}
				abs, _ := filepath.Abs(cfg.Store.DataDir)
				return serve(ctx, e, cfg, true, func(url string) {
					fmt.Fprintf(e.stdout, "\naicoo demo is running.\n\n  Dashboard: %s\n  Login:     admin\n  Password:  %s\n  Data:      %s (SQLite)\n\nPress Ctrl+C to stop.\n\n", url, pw, abs)
				})
			}
		},
	}
}

// prepareDemo creates the demo connection and sets the admin's password,
// creating the admin on first run.
func prepareDemo(ctx context.Context, cfg *config.Config, passwordHash string) error {
	s, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		return err
	}
	defer s.Close()
	conn, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: demoConnection})
	if err != nil {
		return err
	}
	u, err := s.UserByUsername(ctx, conn.ID, "admin")
	switch {
	case errors.Is(err, store.ErrNotFound):
		_, err = s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "admin", Role: store.RoleAdmin, PasswordHash: passwordHash})
		return err
	case err != nil:
		return err
	}
	return s.UserSetPassword(ctx, u.ID, passwordHash)
}
