package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
)

// visibleJobs lists the connection's monitoring jobs whose area u may see.
func (s *Server) visibleJobs(ctx context.Context, u *store.User) ([]*store.MonitoringJob, error) {
	jobs, err := s.cfg.Store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: u.ConnectionID})
	if err != nil {
		return nil, err
	}
	out := jobs[:0:0]
	for _, j := range jobs {
		if s.canSeeArea(u.Role, jobArea(j)) {
			out = append(out, j)
		}
	}
	return out, nil
}

// filterRuns keeps at most limit runs of the given jobs.
func filterRuns(runs []*store.JobRun, jobs []*store.MonitoringJob, limit int) []*store.JobRun {
	ok := map[int64]bool{}
	for _, j := range jobs {
		ok[j.ID] = true
	}
	var out []*store.JobRun
	for _, r := range runs {
		if ok[r.JobID] && len(out) < limit {
			out = append(out, r)
		}
	}
	return out
}

type jobJSON struct {
	ID                  int64      `json:"id"`
	Name                string     `json:"name"`
	Area                string     `json:"area,omitempty"`
	AnalyzerType        string     `json:"analyzer_type"`
	Schedule            string     `json:"schedule"`
	Enabled             bool       `json:"enabled"`
	LastRunAt           *time.Time `json:"last_run_at,omitempty"`
	LastStatus          string     `json:"last_status"`
	NextRunAt           *time.Time `json:"next_run_at,omitempty"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
}

func newJobJSON(j *store.MonitoringJob) jobJSON {
	return jobJSON{ID: j.ID, Name: j.Name, Area: jobArea(j), AnalyzerType: j.AnalyzerType, Schedule: j.Schedule, Enabled: j.Enabled,
		LastRunAt: timePtr(j.LastRunAt), LastStatus: j.LastStatus, NextRunAt: timePtr(j.NextRunAt), ConsecutiveFailures: j.ConsecutiveFailures}
}

type runJSON struct {
	ID          int64      `json:"id"`
	JobID       int64      `json:"job_id"`
	Attempt     int        `json:"attempt"`
	ScheduledAt time.Time  `json:"scheduled_at"`
	StartedAt   time.Time  `json:"started_at"`
	FinishedAt  *time.Time `json:"finished_at,omitempty"`
	Status      string     `json:"status"`
	Error       string     `json:"error,omitempty"`
	DurationMS  int64      `json:"duration_ms"`
	Worker      string     `json:"worker"`
}

func newRunJSON(r *store.JobRun) runJSON {
	return runJSON{ID: r.ID, JobID: r.JobID, Attempt: r.Attempt, ScheduledAt: r.ScheduledAt, StartedAt: r.StartedAt, FinishedAt: timePtr(r.FinishedAt),
		Status: r.Status, Error: r.Error, DurationMS: r.Duration.Milliseconds(), Worker: r.Worker}
}

func (s *Server) apiJobList(w http.ResponseWriter, r *http.Request) {
	jobs, err := s.visibleJobs(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	if wantCSV(r) {
		var rows [][]string
		for _, j := range jobs {
			rows = append(rows, []string{strconv.FormatInt(j.ID, 10), j.Name, j.AnalyzerType, j.Schedule, strconv.FormatBool(j.Enabled),
				csvTime(j.LastRunAt), j.LastStatus, csvTime(j.NextRunAt), strconv.Itoa(j.ConsecutiveFailures)})
		}
		writeCSV(w, "jobs.csv", []string{"id", "name", "analyzer_type", "schedule", "enabled", "last_run_at", "last_status", "next_run_at", "consecutive_failures"}, rows)
		return
	}
	out := make([]jobJSON, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, newJobJSON(j))
	}
	writeJSON(w, http.StatusOK, listResponse[jobJSON]{Data: out, Pagination: page{Page: 1, PerPage: max(len(out), 1)}})
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// visibleJob loads the job named in the path, checking the connection and
// the area.
func (s *Server) visibleJob(w http.ResponseWriter, r *http.Request, api bool) (*store.MonitoringJob, bool) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, api, err.Error())
		return nil, false
	}
	j, err := s.cfg.Store.MonitoringJobByID(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && j.ConnectionID != u.ConnectionID) {
		s.notFound(w, r, api, fmt.Sprintf("There is no monitoring job %d.", id))
		return nil, false
	}
	if err != nil {
		s.fail(w, r, api, err)
		return nil, false
	}
	if !s.requireArea(w, r, api, jobArea(j)) {
		return nil, false
	}
	return j, true
}

func (s *Server) apiJobRuns(w http.ResponseWriter, r *http.Request) {
	j, ok := s.visibleJob(w, r, true)
	if !ok {
		return
	}
	pg, err := parsePage(r)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	limit := pg.fetch()
	if wantCSV(r) {
		limit = pageWindowMax
	}
	runs, err := s.cfg.Store.JobRunList(r.Context(), store.JobRunListParams{ConnectionID: j.ConnectionID, JobID: j.ID, Limit: limit})
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	if wantCSV(r) {
		var rows [][]string
		for _, run := range runs {
			rows = append(rows, []string{strconv.FormatInt(run.ID, 10), strconv.Itoa(run.Attempt), csvTime(run.ScheduledAt), csvTime(run.StartedAt),
				csvTime(run.FinishedAt), run.Status, strconv.FormatInt(run.Duration.Milliseconds(), 10), run.Worker, run.Error})
		}
		writeCSV(w, "job-"+strconv.FormatInt(j.ID, 10)+"-runs.csv", []string{"id", "attempt", "scheduled_at", "started_at", "finished_at", "status", "duration_ms", "worker", "error"}, rows)
		return
	}
	out := []runJSON{}
	for _, run := range paginate(runs, &pg) {
		out = append(out, newRunJSON(run))
	}
	writeJSON(w, http.StatusOK, listResponse[runJSON]{Data: out, Pagination: pg})
}

var errNoJobRunner = errors.New("web: running jobs on demand is not available in this process")

func (s *Server) runJobNow(ctx context.Context, j *store.MonitoringJob) error {
	if s.cfg.Jobs == nil {
		return errNoJobRunner
	}
	if !j.Enabled {
		return fmt.Errorf("web: job %q is disabled: %w", j.Name, errJobDisabled)
	}
	return s.cfg.Jobs.RunNow(ctx, j.ID)
}

var errJobDisabled = errors.New("disabled job")

func (s *Server) jobRunError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	switch {
	case errors.Is(err, errNoJobRunner):
		if api {
			s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Running jobs on demand is not available in this process.")
		} else {
			s.renderError(w, r, http.StatusNotImplemented, "Running jobs on demand is not available in this process.")
		}
	case errors.Is(err, errJobDisabled):
		if api {
			s.apiError(w, r, http.StatusConflict, codeConflict, "The job is disabled; enable it first.")
		} else {
			s.renderError(w, r, http.StatusConflict, "The job is disabled; enable it first.")
		}
	default:
		s.fail(w, r, api, err)
	}
}

func (s *Server) apiJobRun(w http.ResponseWriter, r *http.Request) {
	j, ok := s.visibleJob(w, r, true)
	if !ok {
		return
	}
	if err := s.runJobNow(r.Context(), j); err != nil {
		s.jobRunError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"job_id": j.ID, "status": "enqueued"})
}

type jobsPage struct {
	Jobs   []*store.MonitoringJob
	Runs   []*store.JobRun
	Names  map[int64]string
	CanRun bool
	Job    *store.MonitoringJob // set on one job's page
	Queued string
	// CanEdit shows the schedule forms (admins); Scheduled names the job
	// whose schedule was just saved; Edit, EditError and EditValue are a
	// refused schedule and why.
	CanEdit   bool
	Scheduled string
	Edit      int64
	EditError string
	EditValue string
	// Minimums is each job's shortest allowed interval, by job id.
	Minimums map[int64]string
}

func (s *Server) showJobs(w http.ResponseWriter, r *http.Request) {
	s.renderJobs(w, r, http.StatusOK, jobsPage{Queued: r.URL.Query().Get("queued"), Scheduled: r.URL.Query().Get("scheduled")})
}

func (s *Server) renderJobs(w http.ResponseWriter, r *http.Request, code int, p jobsPage) {
	u := userFrom(r.Context())
	list, err := s.visibleJobs(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	runs, err := s.cfg.Store.JobRunList(r.Context(), store.JobRunListParams{ConnectionID: u.ConnectionID, Limit: 200})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Jobs, p.Runs, p.Names, p.CanRun = list, filterRuns(runs, list, 50), map[int64]string{}, s.can(u.Role, permJobRun) && s.cfg.Jobs != nil
	p.CanEdit, p.Minimums = s.can(u.Role, permAdmin), map[int64]string{}
	for _, j := range list {
		p.Names[j.ID] = j.Name
		p.Minimums[j.ID] = jobs.HumanInterval(jobs.MinInterval(j.AnalyzerType))
	}
	s.render(w, r, "jobs", code, p)
}

func (s *Server) showJob(w http.ResponseWriter, r *http.Request) {
	j, ok := s.visibleJob(w, r, false)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	runs, err := s.cfg.Store.JobRunList(r.Context(), store.JobRunListParams{ConnectionID: u.ConnectionID, JobID: j.ID, Limit: 100})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "jobs", http.StatusOK, jobsPage{Job: j, Jobs: []*store.MonitoringJob{j}, Runs: runs, Names: map[int64]string{j.ID: j.Name},
		CanRun: s.can(u.Role, permJobRun) && s.cfg.Jobs != nil})
}

func (s *Server) postJobRun(w http.ResponseWriter, r *http.Request) {
	j, ok := s.visibleJob(w, r, false)
	if !ok {
		return
	}
	if err := s.runJobNow(r.Context(), j); err != nil {
		s.jobRunError(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/jobs?queued="+url.QueryEscape(j.Name), http.StatusSeeOther)
}
