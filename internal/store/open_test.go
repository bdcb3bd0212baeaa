package store_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestUnreachablePostgresIsOneLine: a PostgreSQL that does not answer is
// reported in one line naming the cause once, not one line per address
// and TLS mode pgx tried.
func TestUnreachablePostgresIsOneLine(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	_, err = store.Open(context.Background(), store.Config{PostgresDSN: "postgres://aicoo@" + addr + "/aicoo?connect_timeout=5"})
	if err == nil {
		t.Fatal("opened a PostgreSQL that is not there")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Count(msg, "connection refused") != 1 || !strings.Contains(msg, addr) {
		t.Fatalf("want one line naming %s and the cause once, got:\n%s", addr, msg)
	}
}
