package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// AIUsage is one language-model call in the usage ledger.
type AIUsage struct {
	ID               int64
	ConnectionID     int64
	Feature          string
	Provider         string
	Model            string
	InputTokens      int64
	OutputTokens     int64
	CacheReadTokens  int64
	CacheWriteTokens int64
	Cost             float64 // US dollars
	Duration         time.Duration
	Success          bool
	Error            string
	CreatedAt        time.Time
}

// AIUsageParams describes a call to record.
type AIUsageParams struct {
	ConnectionID     int64
	Feature          string
	Provider         string
	Model            string
	InputTokens      int64
	OutputTokens     int64
	CacheReadTokens  int64
	CacheWriteTokens int64
	Cost             float64
	Duration         time.Duration
	Success          bool
	Error            string
}

const aiUsageColumns = `id, connection_id, feature, provider, model, input_tokens, output_tokens, cache_read_tokens,
	cache_write_tokens, cost, duration_ms, success, error, created_at`

func scanAIUsage(row interface{ Scan(...any) error }) (*AIUsage, error) {
	var (
		u  AIUsage
		ms int64
	)
	if err := row.Scan(&u.ID, &u.ConnectionID, &u.Feature, &u.Provider, &u.Model, &u.InputTokens, &u.OutputTokens,
		&u.CacheReadTokens, &u.CacheWriteTokens, &u.Cost, &ms, &u.Success, &u.Error, &u.CreatedAt); err != nil {
		return nil, err
	}
	u.Duration = time.Duration(ms) * time.Millisecond
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// AIUsageInsert records one call.
func (s *Store) AIUsageInsert(ctx context.Context, p AIUsageParams) (*AIUsage, error) {
	if p.ConnectionID == 0 {
		return nil, errors.New("store: ai usage: no connection")
	}
	if p.Feature == "" {
		return nil, errors.New("store: ai usage: no feature")
	}
	if p.Cost < 0 || p.InputTokens < 0 || p.OutputTokens < 0 || p.CacheReadTokens < 0 || p.CacheWriteTokens < 0 {
		return nil, fmt.Errorf("store: ai usage: negative cost or token count in %+v", p)
	}
	u, err := scanAIUsage(s.q.QueryRowContext(ctx, `
		INSERT INTO ai_usage (connection_id, feature, provider, model, input_tokens, output_tokens, cache_read_tokens,
			cache_write_tokens, cost, duration_ms, success, error, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING `+aiUsageColumns,
		p.ConnectionID, p.Feature, p.Provider, p.Model, p.InputTokens, p.OutputTokens, p.CacheReadTokens,
		p.CacheWriteTokens, p.Cost, p.Duration.Milliseconds(), p.Success, p.Error, s.nowUTC()))
	if err != nil {
		return nil, fmt.Errorf("store: record ai usage of %q: %w", p.Feature, err)
	}
	return u, nil
}

// AIUsageTotals sums the ledger over a period.
type AIUsageTotals struct {
	Calls            int64
	Failed           int64
	InputTokens      int64
	OutputTokens     int64
	CacheReadTokens  int64
	CacheWriteTokens int64
	Cost             float64
}

// AIUsageSum sums a connection's calls created in [from, to).
func (s *Store) AIUsageSum(ctx context.Context, connectionID int64, from, to time.Time) (AIUsageTotals, error) {
	var t AIUsageTotals
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN success THEN 0 ELSE 1 END), 0),
			COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
			COALESCE(SUM(cache_read_tokens), 0), COALESCE(SUM(cache_write_tokens), 0),
			COALESCE(SUM(cost), 0)
		FROM ai_usage WHERE connection_id = $1 AND created_at >= $2 AND created_at < $3`,
		connectionID, timestamp(from), timestamp(to)).Scan(&t.Calls, &t.Failed, &t.InputTokens, &t.OutputTokens,
		&t.CacheReadTokens, &t.CacheWriteTokens, &t.Cost)
	if err != nil {
		return t, fmt.Errorf("store: sum ai usage of connection %d: %w", connectionID, err)
	}
	return t, nil
}

// AIUsageListParams filters AIUsageList.
type AIUsageListParams struct {
	ConnectionID int64  // 0 means every connection
	Feature      string // empty means every feature
	Limit        int    // defaults to 100
}

// AIUsageList lists recorded calls, newest first.
func (s *Store) AIUsageList(ctx context.Context, p AIUsageListParams) ([]*AIUsage, error) {
	if p.Limit <= 0 {
		p.Limit = 100
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+aiUsageColumns+` FROM ai_usage
		WHERE (connection_id = $1 OR $1 = 0) AND (feature = $2 OR $2 = '')
		ORDER BY created_at DESC, id DESC LIMIT $3`, p.ConnectionID, p.Feature, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list ai usage: %w", err)
	}
	defer rows.Close()
	var out []*AIUsage
	for rows.Next() {
		u, err := scanAIUsage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list ai usage: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// AIUsageGroup sums the calls of one feature, provider and model.
type AIUsageGroup struct {
	Feature          string
	Provider         string
	Model            string
	Calls            int64
	Failed           int64
	InputTokens      int64
	OutputTokens     int64
	CacheReadTokens  int64
	CacheWriteTokens int64
	Cost             float64 // US dollars
	// MeanLatency, P95Latency and MaxLatency describe the calls' durations;
	// P95Latency is the nearest-rank 95th percentile (the slowest call when
	// there are fewer than 20).
	MeanLatency time.Duration
	P95Latency  time.Duration
	MaxLatency  time.Duration
}

// AIUsageByModel sums a connection's calls created in [from, to) per
// feature, provider and model, costliest first. The 95th percentile is
// found with window functions, which both dialects run the same way.
func (s *Store) AIUsageByModel(ctx context.Context, connectionID int64, from, to time.Time) ([]AIUsageGroup, error) {
	rows, err := s.q.QueryContext(ctx, `
		WITH u AS (
			SELECT feature, provider, model, success, input_tokens, output_tokens, cache_read_tokens,
				cache_write_tokens, cost, duration_ms,
				ROW_NUMBER() OVER (PARTITION BY feature, provider, model ORDER BY duration_ms) AS rn,
				COUNT(*) OVER (PARTITION BY feature, provider, model) AS n
			FROM ai_usage WHERE connection_id = $1 AND created_at >= $2 AND created_at < $3)
		SELECT feature, provider, model, COUNT(*),
			SUM(CASE WHEN success THEN 0 ELSE 1 END),
			SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens),
			CAST(SUM(cost) AS DOUBLE PRECISION),
			CAST(AVG(duration_ms) AS DOUBLE PRECISION),
			MAX(CASE WHEN rn = (95 * n + 99) / 100 THEN duration_ms END),
			MAX(duration_ms)
		FROM u GROUP BY feature, provider, model
		ORDER BY 10 DESC, feature, provider, model`,
		connectionID, timestamp(from), timestamp(to))
	if err != nil {
		return nil, fmt.Errorf("store: ai usage by model of connection %d: %w", connectionID, err)
	}
	defer rows.Close()
	var out []AIUsageGroup
	for rows.Next() {
		var (
			g            AIUsageGroup
			mean         float64
			p95, slowest int64
		)
		if err := rows.Scan(&g.Feature, &g.Provider, &g.Model, &g.Calls, &g.Failed, &g.InputTokens, &g.OutputTokens,
			&g.CacheReadTokens, &g.CacheWriteTokens, &g.Cost, &mean, &p95, &slowest); err != nil {
			return nil, fmt.Errorf("store: ai usage by model of connection %d: %w", connectionID, err)
		}
		g.MeanLatency = time.Duration(mean * float64(time.Millisecond))
		g.P95Latency, g.MaxLatency = time.Duration(p95)*time.Millisecond, time.Duration(slowest)*time.Millisecond
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: ai usage by model of connection %d: %w", connectionID, err)
	}
	return out, nil
}
