package cli

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
)

// credentials holds the Odoo secret of each connection this process knows
// (from the configuration, or the demo's simulator). Secrets stay in memory:
// they are never written to the store.
type credentials struct {
	mu   sync.Mutex
	keys map[int64]string
}

func (c *credentials) set(connectionID int64, key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = map[int64]string{}
	}
	c.keys[connectionID] = key
}

func (c *credentials) get(connectionID int64) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k, ok := c.keys[connectionID]
	return k, ok
}

// odooClient connects a client to the connection's Odoo.
func odooClient(ctx context.Context, conn *store.Connection, apiKey string, logger *slog.Logger) (*odoo.Client, error) {
	if conn.OdooURL == "" {
		return nil, fmt.Errorf("connection %q has no Odoo URL: set odoo.url in the configuration", conn.Name)
	}
	c, err := odoo.New(odoo.Config{
		URL: conn.OdooURL, Database: conn.OdooDatabase, Username: conn.OdooUsername, APIKey: apiKey,
		Protocol: odoo.Protocol(conn.OdooProtocol), Logger: logger, UserAgent: "aicoo/" + version,
	})
	if err != nil {
		return nil, err
	}
	if _, err := c.Connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// newSyncer returns a syncer of a connection over a connected client.
func newSyncer(s *store.Store, client odoosync.Client, logger *slog.Logger, connectionID int64, progress func(odoosync.Progress)) (*odoosync.Syncer, error) {
	return odoosync.New(odoosync.Config{Store: s, Client: client, ConnectionID: connectionID, Models: syncModels(), Logger: logger, ProgressFunc: progress})
}
