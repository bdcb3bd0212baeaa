package cli

import (
	"context"
	"log/slog"
	"strings"
)

// onceMigrationLogs drops River's own line per applied migration:
// jobs.Migrate logs each one itself, so each migration is logged once.
func onceMigrationLogs(l *slog.Logger) *slog.Logger {
	return slog.New(dropPrefix{Handler: l.Handler(), prefix: "rivermigrate."})
}

// dropPrefix is a handler that drops records whose message starts with
// prefix.
type dropPrefix struct {
	slog.Handler
	prefix string
}

func (h dropPrefix) Handle(ctx context.Context, r slog.Record) error {
	if strings.HasPrefix(r.Message, h.prefix) {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h dropPrefix) WithAttrs(as []slog.Attr) slog.Handler {
	return dropPrefix{Handler: h.Handler.WithAttrs(as), prefix: h.prefix}
}

func (h dropPrefix) WithGroup(name string) slog.Handler {
	return dropPrefix{Handler: h.Handler.WithGroup(name), prefix: h.prefix}
}
