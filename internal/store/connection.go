package store

import (
	"context"
	"fmt"
	"time"
)

// Connection is one Odoo database aicoo watches: one tenant. Its secret
// (the API key) is not stored here; see config.OdooConfig.
type Connection struct {
	ID           int64
	Name         string
	OdooURL      string
	OdooDatabase string
	OdooUsername string
	OdooProtocol string
	Enabled      bool
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ConnectionUpsertParams describes a connection to create or update by name.
type ConnectionUpsertParams struct {
	Name         string
	OdooURL      string
	OdooDatabase string
	OdooUsername string
	OdooProtocol string
}

const connectionColumns = `id, name, odoo_url, odoo_database, odoo_username, odoo_protocol, enabled, created_at, updated_at`

func scanConnection(row interface{ Scan(...any) error }) (*Connection, error) {
	var c Connection
	if err := row.Scan(&c.ID, &c.Name, &c.OdooURL, &c.OdooDatabase, &c.OdooUsername, &c.OdooProtocol, &c.Enabled, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return &c, nil
}

// ConnectionUpsert creates the named connection or updates its Odoo settings.
func (s *Store) ConnectionUpsert(ctx context.Context, p ConnectionUpsertParams) (*Connection, error) {
	if p.Name == "" {
		return nil, fmt.Errorf("store: connection upsert: empty name")
	}
	if p.OdooProtocol == "" {
		p.OdooProtocol = "auto"
	}
	now := s.nowUTC()
	row := s.q.QueryRowContext(ctx, `
		INSERT INTO connections (name, odoo_url, odoo_database, odoo_username, odoo_protocol, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (name) DO UPDATE SET
			odoo_url = excluded.odoo_url,
			odoo_database = excluded.odoo_database,
			odoo_username = excluded.odoo_username,
			odoo_protocol = excluded.odoo_protocol,
			updated_at = excluded.updated_at
		RETURNING `+connectionColumns,
		p.Name, p.OdooURL, p.OdooDatabase, p.OdooUsername, p.OdooProtocol, now)
	c, err := scanConnection(row)
	if err != nil {
		return nil, fmt.Errorf("store: connection upsert %q: %w", p.Name, err)
	}
	return c, nil
}

// ConnectionByName returns the named connection or ErrNotFound.
func (s *Store) ConnectionByName(ctx context.Context, name string) (*Connection, error) {
	c, err := scanConnection(s.q.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE name = $1`, name))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("connection %q", name))
	}
	return c, nil
}

// ConnectionByID returns the connection or ErrNotFound.
func (s *Store) ConnectionByID(ctx context.Context, id int64) (*Connection, error) {
	c, err := scanConnection(s.q.QueryRowContext(ctx, `SELECT `+connectionColumns+` FROM connections WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("connection %d", id))
	}
	return c, nil
}

// Connections lists every connection by name.
func (s *Store) Connections(ctx context.Context) ([]*Connection, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+connectionColumns+` FROM connections ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("store: list connections: %w", err)
	}
	defer rows.Close()
	var out []*Connection
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list connections: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
