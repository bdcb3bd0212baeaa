package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// MonitoringJob is a scheduled analysis: the analyzer named by AnalyzerType
// runs on Schedule (a cron expression) with Config as its settings.
type MonitoringJob struct {
	ID                  int64
	ConnectionID        int64
	Name                string
	Schedule            string
	AnalyzerType        string
	Config              json.RawMessage
	Enabled             bool
	LastRunAt           time.Time // zero when never run
	LastStatus          string
	NextRunAt           time.Time // zero when unknown
	ConsecutiveFailures int
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// MonitoringJobParams describes a monitoring job to create or update.
type MonitoringJobParams struct {
	ConnectionID int64
	Name         string
	Schedule     string
	AnalyzerType string
	Config       json.RawMessage // nil means {}
	Enabled      bool
}

const monitoringJobColumns = `id, connection_id, name, schedule, analyzer_type, config, enabled,
	last_run_at, last_status, next_run_at, consecutive_failures, created_at, updated_at`

func scanMonitoringJob(row interface{ Scan(...any) error }) (*MonitoringJob, error) {
	var (
		j             MonitoringJob
		cfg           string
		last, nextRun nullTimeScanner
	)
	if err := row.Scan(&j.ID, &j.ConnectionID, &j.Name, &j.Schedule, &j.AnalyzerType, &cfg, &j.Enabled,
		&last, &j.LastStatus, &nextRun, &j.ConsecutiveFailures, &j.CreatedAt, &j.UpdatedAt); err != nil {
		return nil, err
	}
	j.Config = json.RawMessage(cfg)
	j.LastRunAt, j.NextRunAt = last.Time, nextRun.Time
	j.CreatedAt, j.UpdatedAt = j.CreatedAt.UTC(), j.UpdatedAt.UTC()
	return &j, nil
}

func jsonOrEmpty(raw json.RawMessage, empty string) (string, error) {
	if len(raw) == 0 {
		return empty, nil
	}
	if !json.Valid(raw) {
		return "", fmt.Errorf("invalid JSON")
	}
	return string(raw), nil
}

// MonitoringJobCreate inserts a monitoring job. Its schedule and analyzer
// type are validated by the caller (package jobs), which knows both.
func (s *Store) MonitoringJobCreate(ctx context.Context, p MonitoringJobParams) (*MonitoringJob, error) {
	cfg, err := jsonOrEmpty(p.Config, "{}")
	if err != nil {
		return nil, fmt.Errorf("store: monitoring job %q: config: %w", p.Name, err)
	}
	now := s.nowUTC()
	j, err := scanMonitoringJob(s.q.QueryRowContext(ctx, `
		INSERT INTO monitoring_jobs (connection_id, name, schedule, analyzer_type, config, enabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		RETURNING `+monitoringJobColumns,
		p.ConnectionID, p.Name, p.Schedule, p.AnalyzerType, cfg, p.Enabled, now))
	if err != nil {
		return nil, fmt.Errorf("store: create monitoring job %q: %w", p.Name, err)
	}
	return j, nil
}

// MonitoringJobUpdate changes a job's schedule, analyzer, config and enabled
// flag. The scheduler picks the change up at its next reload.
func (s *Store) MonitoringJobUpdate(ctx context.Context, id int64, p MonitoringJobParams) (*MonitoringJob, error) {
	cfg, err := jsonOrEmpty(p.Config, "{}")
	if err != nil {
		return nil, fmt.Errorf("store: monitoring job %d: config: %w", id, err)
	}
	j, err := scanMonitoringJob(s.q.QueryRowContext(ctx, `
		UPDATE monitoring_jobs SET name = $2, schedule = $3, analyzer_type = $4, config = $5, enabled = $6, updated_at = $7
		WHERE id = $1
		RETURNING `+monitoringJobColumns,
		id, p.Name, p.Schedule, p.AnalyzerType, cfg, p.Enabled, s.nowUTC()))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("update monitoring job %d", id))
	}
	return j, nil
}

// MonitoringJobEnsure creates the job when no job of that name exists on the
// connection, and otherwise leaves the existing one (and any edits a user
// made to it) alone. It reports whether it created the job.
func (s *Store) MonitoringJobEnsure(ctx context.Context, p MonitoringJobParams) (*MonitoringJob, bool, error) {
	cfg, err := jsonOrEmpty(p.Config, "{}")
	if err != nil {
		return nil, false, fmt.Errorf("store: monitoring job %q: config: %w", p.Name, err)
	}
	now := s.nowUTC()
	res, err := s.q.ExecContext(ctx, `
		INSERT INTO monitoring_jobs (connection_id, name, schedule, analyzer_type, config, enabled, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		ON CONFLICT (connection_id, name) DO NOTHING`,
		p.ConnectionID, p.Name, p.Schedule, p.AnalyzerType, cfg, p.Enabled, now)
	if err != nil {
		return nil, false, fmt.Errorf("store: ensure monitoring job %q: %w", p.Name, err)
	}
	n, _ := res.RowsAffected()
	j, err := scanMonitoringJob(s.q.QueryRowContext(ctx,
		`SELECT `+monitoringJobColumns+` FROM monitoring_jobs WHERE connection_id = $1 AND name = $2`, p.ConnectionID, p.Name))
	if err != nil {
		return nil, false, notFound(err, fmt.Sprintf("monitoring job %q", p.Name))
	}
	return j, n > 0, nil
}

// MonitoringJobByID returns the job or ErrNotFound.
func (s *Store) MonitoringJobByID(ctx context.Context, id int64) (*MonitoringJob, error) {
	j, err := scanMonitoringJob(s.q.QueryRowContext(ctx, `SELECT `+monitoringJobColumns+` FROM monitoring_jobs WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, fmt.Sprintf("monitoring job %d", id))
	}
	return j, nil
}

// MonitoringJobListParams filters MonitoringJobList.
type MonitoringJobListParams struct {
	ConnectionID int64 // 0 means every connection
	EnabledOnly  bool
}

// MonitoringJobList lists jobs ordered by connection and name.
func (s *Store) MonitoringJobList(ctx context.Context, p MonitoringJobListParams) ([]*MonitoringJob, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+monitoringJobColumns+` FROM monitoring_jobs
		WHERE (connection_id = $1 OR $1 = 0) AND (enabled = TRUE OR $2 = FALSE)
		ORDER BY connection_id, name`, p.ConnectionID, p.EnabledOnly)
	if err != nil {
		return nil, fmt.Errorf("store: list monitoring jobs: %w", err)
	}
	defer rows.Close()
	var out []*MonitoringJob
	for rows.Next() {
		j, err := scanMonitoringJob(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list monitoring jobs: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// MonitoringJobSetNextRun records when the scheduler expects the next run.
func (s *Store) MonitoringJobSetNextRun(ctx context.Context, id int64, next time.Time) error {
	if _, err := s.q.ExecContext(ctx, `UPDATE monitoring_jobs SET next_run_at = $2 WHERE id = $1`, id, nullTime(next)); err != nil {
		return fmt.Errorf("store: monitoring job %d: set next run: %w", id, err)
	}
	return nil
}

// MonitoringJobRecordOutcome updates a job after a run: its last run and
// status, and its count of consecutive failures (reset by a success). It
// returns that count.
func (s *Store) MonitoringJobRecordOutcome(ctx context.Context, id int64, at time.Time, succeeded bool) (int, error) {
	status := JobRunFailed
	if succeeded {
		status = JobRunSucceeded
	}
	return s.MonitoringJobRecordRun(ctx, id, at, status)
}

// MonitoringJobRecordRun updates a job after a run that ended with status
// (a JobRun* value): its last run and status, and its count of consecutive
// failures, which only JobRunSucceeded resets (a partial run counts as a
// failure). It returns that count.
func (s *Store) MonitoringJobRecordRun(ctx context.Context, id int64, at time.Time, status string) (int, error) {
	var failures int
	err := s.q.QueryRowContext(ctx, `
		UPDATE monitoring_jobs SET
			last_run_at = $2,
			last_status = $3,
			consecutive_failures = CASE WHEN $4 THEN 0 ELSE consecutive_failures + 1 END
		WHERE id = $1
		RETURNING consecutive_failures`, id, timestamp(at), status, status == JobRunSucceeded).Scan(&failures)
	if err != nil {
		return 0, notFound(err, fmt.Sprintf("monitoring job %d: record outcome", id))
	}
	return failures, nil
}

// MonitoringJobDelete removes a job and its history.
func (s *Store) MonitoringJobDelete(ctx context.Context, id int64) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM monitoring_jobs WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("store: delete monitoring job %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete monitoring job %d: %w", id, ErrNotFound)
	}
	return nil
}
