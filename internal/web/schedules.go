package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
)

// JobReloader is the part of the job engine that rereads the monitoring
// jobs at once, so a changed schedule takes effect without waiting for the
// scheduler's periodic reload. The server uses it when Config.Jobs has it.
type JobReloader interface {
	Reload(ctx context.Context) error
}

type scheduleInput struct {
	Schedule string `json:"schedule"`
	Enabled  *bool  `json:"enabled"`
}

// changeSchedule applies a schedule change and reloads the scheduler.
func (s *Server) changeSchedule(ctx context.Context, u *store.User, j *store.MonitoringJob, in scheduleInput) (*store.MonitoringJob, error) {
	got, err := jobs.UpdateSchedule(ctx, s.cfg.Store, jobs.ScheduleChange{ConnectionID: u.ConnectionID, JobID: j.ID, Schedule: in.Schedule,
		Enabled: in.Enabled, Actor: "user:" + u.Username, Now: s.cfg.NowFunc()})
	if err != nil {
		return nil, err
	}
	if r, ok := s.cfg.Jobs.(JobReloader); ok {
		// The change is saved; a failed reload is caught up by the
		// scheduler's own periodic reload, so it is only logged.
		if err := r.Reload(ctx); err != nil {
			s.cfg.Logger.WarnContext(ctx, "web: reload the scheduler after a schedule change", "job", j.Name, "error", err)
		}
	}
	return got, nil
}

func (s *Server) scheduleError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var se *jobs.ScheduleError
	if errors.As(err, &se) {
		s.badRequest(w, r, api, se.Msg)
		return
	}
	s.fail(w, r, api, err)
}

func (s *Server) apiJobSchedule(w http.ResponseWriter, r *http.Request) {
	j, ok := s.visibleJob(w, r, true)
	if !ok {
		return
	}
	var in scheduleInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "Want {\"schedule\": \"@every 15m\" or a cron expression, \"enabled\": true|false}: "+err.Error())
		return
	}
	if strings.TrimSpace(in.Schedule) == "" && in.Enabled == nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "Give \"schedule\", \"enabled\" or both.")
		return
	}
	got, err := s.changeSchedule(r.Context(), userFrom(r.Context()), j, in)
	if err != nil {
		s.scheduleError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, newJobJSON(got))
}

// postJobSchedule saves the schedule form of the Jobs page: a schedule and
// an "enabled" checkbox.
func (s *Server) postJobSchedule(w http.ResponseWriter, r *http.Request) {
	j, ok := s.visibleJob(w, r, false)
	if !ok {
		return
	}
	enabled := r.PostFormValue("enabled") == "on"
	in := scheduleInput{Schedule: r.PostFormValue("schedule"), Enabled: &enabled}
	if _, err := s.changeSchedule(r.Context(), userFrom(r.Context()), j, in); err != nil {
		var se *jobs.ScheduleError
		if errors.As(err, &se) {
			s.renderJobs(w, r, http.StatusBadRequest, jobsPage{Edit: j.ID, EditError: se.Msg, EditValue: in.Schedule})
			return
		}
		s.fail(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/jobs?scheduled="+url.QueryEscape(j.Name)+"#job-"+j.Name, http.StatusSeeOther)
}
