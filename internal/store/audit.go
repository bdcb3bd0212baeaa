package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// AuditEntry is one line of the append-only, hash-chained audit log. Hash
// covers every other field and the previous entry's hash, so editing or
// removing an entry breaks the chain at that point.
type AuditEntry struct {
	ID           int64
	ConnectionID int64
	Seq          int64
	At           time.Time
	Actor        string
	Action       string
	Subject      string
	Details      json.RawMessage
	PrevHash     string
	Hash         string
}

// AuditAppendParams describes an entry to append.
type AuditAppendParams struct {
	ConnectionID int64
	Actor        string // "user:alice", "system", "job:cash-runway"
	Action       string // "action.approved", "policy.changed", ...
	Subject      string
	Details      json.RawMessage
}

// AuditRecord appends an entry whose details are v marshalled to JSON
// (a map of what changed, never a secret), the one way the dashboard, the
// command line and the settings write their changes to the audit log.
func (s *Store) AuditRecord(ctx context.Context, p AuditAppendParams, v any) (*AuditEntry, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: audit %s: details: %w", p.Action, err)
	}
	p.Details = b
	return s.AuditAppend(ctx, p)
}

// auditGenesis is the previous hash of a connection's first entry.
const auditGenesis = "0000000000000000000000000000000000000000000000000000000000000000"

// auditHash computes an entry's hash over a fixed, unambiguous encoding.
func auditHash(e *AuditEntry) string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash,
		strconv.FormatInt(e.ConnectionID, 10),
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Action, e.Subject, string(e.Details),
	} {
		// Length-prefixed, so no two field lists share an encoding.
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditAppend adds an entry at the end of the connection's chain.
func (s *Store) AuditAppend(ctx context.Context, p AuditAppendParams) (*AuditEntry, error) {
	details, err := jsonOrEmpty(p.Details, "{}")
	if err != nil {
		return nil, fmt.Errorf("store: audit %s: details: %w", p.Action, err)
	}
	e := &AuditEntry{ConnectionID: p.ConnectionID, At: s.nowUTC(), Actor: p.Actor, Action: p.Action,
		Subject: p.Subject, Details: json.RawMessage(details)}
	err = s.inTxIfNeeded(ctx, func(tx *Store) error {
		if tx.dialect == Postgres {
			// Serialise appends per connection; SQLite transactions are
			// already serialised (BEGIN IMMEDIATE).
			if _, err := tx.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1::bigint)`, advisoryKey(lockAudit, p.ConnectionID)); err != nil {
				return err
			}
		}
		var last struct {
			seq  int64
			hash string
		}
		err := tx.q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log WHERE connection_id = $1
			ORDER BY seq DESC LIMIT 1`, p.ConnectionID).Scan(&last.seq, &last.hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			e.Seq, e.PrevHash = 1, auditGenesis
		case err != nil:
			return err
		default:
			e.Seq, e.PrevHash = last.seq+1, last.hash
		}
		e.Hash = auditHash(e)
		return tx.q.QueryRowContext(ctx, `INSERT INTO audit_log (connection_id, seq, at, actor, action, subject, details, prev_hash, hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			e.ConnectionID, e.Seq, e.At, e.Actor, e.Action, e.Subject, details, e.PrevHash, e.Hash).Scan(&e.ID)
	})
	if err != nil {
		return nil, fmt.Errorf("store: audit %s: %w", p.Action, err)
	}
	return e, nil
}

// AuditVerifyResult reports a chain check.
type AuditVerifyResult struct {
	Entries  int64
	BrokenAt int64  // seq of the first bad entry; 0 when the chain is intact
	Reason   string // why BrokenAt is bad
}

// AuditVerify recomputes the connection's chain from the start and reports
// the first entry whose hash, link or sequence does not hold.
func (s *Store) AuditVerify(ctx context.Context, connectionID int64) (*AuditVerifyResult, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT id, connection_id, seq, at, actor, action, subject, details, prev_hash, hash
		FROM audit_log WHERE connection_id = $1 ORDER BY seq`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: audit verify: %w", err)
	}
	defer rows.Close()
	res := &AuditVerifyResult{}
	prev := auditGenesis
	for rows.Next() {
		var (
			e       AuditEntry
			details string
		)
		if err := rows.Scan(&e.ID, &e.ConnectionID, &e.Seq, &e.At, &e.Actor, &e.Action, &e.Subject, &details, &e.PrevHash, &e.Hash); err != nil {
			return nil, fmt.Errorf("store: audit verify: %w", err)
		}
		e.Details = json.RawMessage(details)
		res.Entries++
		if res.BrokenAt != 0 {
			continue
		}
		switch {
		case e.Seq != res.Entries:
			res.BrokenAt, res.Reason = e.Seq, fmt.Sprintf("sequence gap: expected entry %d", res.Entries)
		case e.PrevHash != prev:
			res.BrokenAt, res.Reason = e.Seq, "link to the previous entry does not match"
		case auditHash(&e) != e.Hash:
			res.BrokenAt, res.Reason = e.Seq, "content does not match its hash"
		}
		prev = e.Hash
	}
	return res, rows.Err()
}
