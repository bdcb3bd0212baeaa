package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Analysis result statuses.
const (
	ResultSuccess = "success"
	ResultPartial = "partial"
	ResultFailed  = "failed"
)

// AnalysisResult is what one scheduled run of a monitoring job found. There
// is at most one per job and scheduled time.
type AnalysisResult struct {
	ID              int64
	ConnectionID    int64
	JobID           int64
	ScheduledAt     time.Time
	RunAt           time.Time
	Status          string
	Insights        json.RawMessage // JSON array
	Metrics         json.RawMessage // JSON object
	AlertsGenerated int
	Duration        time.Duration
	Cost            float64
	CreatedAt       time.Time
}

// AnalysisResultParams describes a result to store.
type AnalysisResultParams struct {
	ConnectionID    int64
	JobID           int64
	ScheduledAt     time.Time
	RunAt           time.Time
	Status          string
	Insights        json.RawMessage
	Metrics         json.RawMessage
	AlertsGenerated int
	Duration        time.Duration
	Cost            float64
}

const analysisResultColumns = `id, connection_id, job_id, scheduled_at, run_at, status, insights, metrics, alerts_generated, duration_ms, cost, created_at`

func scanAnalysisResult(row interface{ Scan(...any) error }) (*AnalysisResult, error) {
	var (
		r                 AnalysisResult
		insights, metrics string
		ms                int64
	)
	if err := row.Scan(&r.ID, &r.ConnectionID, &r.JobID, &r.ScheduledAt, &r.RunAt, &r.Status, &insights, &metrics,
		&r.AlertsGenerated, &ms, &r.Cost, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.Insights, r.Metrics = json.RawMessage(insights), json.RawMessage(metrics)
	r.Duration = time.Duration(ms) * time.Millisecond
	r.ScheduledAt, r.RunAt, r.CreatedAt = r.ScheduledAt.UTC(), r.RunAt.UTC(), r.CreatedAt.UTC()
	return &r, nil
}

// AnalysisResultInsert stores a result unless one already exists for the
// same job and scheduled time, in which case it stores nothing and returns
// the existing one with inserted false. This is what makes a retried run
// store its result once.
func (s *Store) AnalysisResultInsert(ctx context.Context, p AnalysisResultParams) (r *AnalysisResult, inserted bool, err error) {
	insights, err := jsonOrEmpty(p.Insights, "[]")
	if err != nil {
		return nil, false, fmt.Errorf("store: analysis result: insights: %w", err)
	}
	metrics, err := jsonOrEmpty(p.Metrics, "{}")
	if err != nil {
		return nil, false, fmt.Errorf("store: analysis result: metrics: %w", err)
	}
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO analysis_results (connection_id, job_id, scheduled_at, run_at, status, insights, metrics,
			alerts_generated, duration_ms, cost, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (job_id, scheduled_at) DO NOTHING`,
		p.ConnectionID, p.JobID, timestamp(p.ScheduledAt), timestamp(p.RunAt), p.Status, insights, metrics,
		p.AlertsGenerated, p.Duration.Milliseconds(), p.Cost, s.nowUTC())
	if err != nil {
		return nil, false, fmt.Errorf("store: job %d: insert result: %w", p.JobID, err)
	}
	n, _ := res.RowsAffected()
	r, err = s.AnalysisResultByJobAndTime(ctx, p.JobID, p.ScheduledAt)
	if err != nil {
		return nil, false, err
	}
	return r, n > 0, nil
}

// AnalysisResultByJobAndTime returns the result of one scheduled run or
// ErrNotFound.
func (s *Store) AnalysisResultByJobAndTime(ctx context.Context, jobID int64, scheduledAt time.Time) (*AnalysisResult, error) {
	r, err := scanAnalysisResult(s.q.QueryRowContext(ctx, `SELECT `+analysisResultColumns+`
		FROM analysis_results WHERE job_id = $1 AND scheduled_at = $2`, jobID, timestamp(scheduledAt)))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("result of job %d at %s", jobID, scheduledAt.UTC().Format(time.RFC3339)))
	}
	return r, nil
}

// AnalysisResultListParams filters AnalysisResultList.
type AnalysisResultListParams struct {
	ConnectionID int64 // 0 means every connection
	JobID        int64 // 0 means every job
	Limit        int   // defaults to 50
}

// AnalysisResultList lists results, newest scheduled time first.
func (s *Store) AnalysisResultList(ctx context.Context, p AnalysisResultListParams) ([]*AnalysisResult, error) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	rows, err := s.q.QueryContext(ctx, `SELECT `+analysisResultColumns+` FROM analysis_results
		WHERE (connection_id = $1 OR $1 = 0) AND (job_id = $2 OR $2 = 0)
		ORDER BY scheduled_at DESC, id DESC LIMIT $3`, p.ConnectionID, p.JobID, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("store: list results: %w", err)
	}
	defer rows.Close()
	var out []*AnalysisResult
	for rows.Next() {
		r, err := scanAnalysisResult(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list results: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AnalysisResultLatest returns the job's most recent successful or partial
// result scheduled at or before t (the latest overall when t is zero), or
// ErrNotFound.
func (s *Store) AnalysisResultLatest(ctx context.Context, jobID int64, t time.Time) (*AnalysisResult, error) {
	if t.IsZero() {
		t = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	r, err := scanAnalysisResult(s.q.QueryRowContext(ctx, `SELECT `+analysisResultColumns+` FROM analysis_results
		WHERE job_id = $1 AND scheduled_at <= $2 AND status IN ('success', 'partial')
		ORDER BY scheduled_at DESC, id DESC LIMIT 1`, jobID, timestamp(t)))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("latest result of job %d", jobID))
	}
	return r, nil
}
