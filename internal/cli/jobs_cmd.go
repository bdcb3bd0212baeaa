package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
)

func jobsCommand() command {
	return command{
		name:  "jobs",
		usage: " list|set-schedule|enable|disable [NAME [SCHEDULE]]",
		summary: `List the monitoring jobs and change their schedules; every change is audited.
  aicoo jobs list [--json]
  aicoo jobs set-schedule NAME SCHEDULE [--as USERNAME]   e.g. "@every 15m" or "30 6 * * 1-5" (UTC)
  aicoo jobs enable NAME | disable NAME [--as USERNAME]
A sync or actions job may run at most every minute, an analysis every 5 minutes. A running
server picks the change up at its next reload (jobs.reload_interval); the dashboard and the
API apply it at once.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			asJSON := fs.Bool("json", false, "print JSON (shapes in docs/cli.md)")
			as := fs.String("as", "", "record the change as made by this `username` (default: cli)")
			return func(ctx context.Context, e *env) error {
				if len(e.args) == 0 {
					return errUsage
				}
				action, args := e.args[0], e.args[1:]
				want := map[string]int{"list": 0, "enable": 1, "disable": 1, "set-schedule": 2}
				n, ok := want[action]
				if !ok {
					return usageErrorf("unknown action %q: want list, set-schedule, enable or disable", action)
				}
				if len(args) != n {
					return usageErrorf("%s needs %s", action, map[int]string{0: "no argument", 1: "a job NAME", 2: "a job NAME and a SCHEDULE"}[n])
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				list, err := o.s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: o.conn.ID})
				if err != nil {
					return err
				}
				if action == "list" {
					return printJobs(e.stdout, list, *asJSON)
				}
				var job *store.MonitoringJob
				for _, j := range list {
					if j.Name == args[0] {
						job = j
					}
				}
				if job == nil {
					names := make([]string, len(list))
					for i, j := range list {
						names[i] = j.Name
					}
					return fmt.Errorf("no job %q on connection %q (jobs: %v)", args[0], o.conn.Name, names)
				}
				actor := "cli"
				if *as != "" {
					a, err := o.actor(ctx, *as)
					if err != nil {
						return err
					}
					actor = "user:" + a.Username
				}
				ch := jobs.ScheduleChange{ConnectionID: o.conn.ID, JobID: job.ID, Actor: actor, Now: time.Now()}
				switch action {
				case "set-schedule":
					ch.Schedule = args[1]
				case "enable", "disable":
					on := action == "enable"
					ch.Enabled = &on
				}
				got, err := jobs.UpdateSchedule(ctx, o.s, ch)
				var se *jobs.ScheduleError
				if errors.As(err, &se) {
					return errors.New(se.Msg)
				}
				if err != nil {
					return err
				}
				return printJobs(e.stdout, []*store.MonitoringJob{got}, *asJSON)
			}
		},
	}
}

// jobJSON is a monitoring job as "aicoo jobs --json" prints it.
type jobJSON struct {
	Name         string     `json:"name"`
	AnalyzerType string     `json:"analyzer_type"`
	Schedule     string     `json:"schedule"`
	Enabled      bool       `json:"enabled"`
	MinInterval  string     `json:"min_interval"`
	LastRunAt    *time.Time `json:"last_run_at"`
	LastStatus   string     `json:"last_status"`
	NextRunAt    *time.Time `json:"next_run_at"`
}

func printJobs(w io.Writer, list []*store.MonitoringJob, asJSON bool) error {
	if asJSON {
		out := []jobJSON{}
		for _, j := range list {
			out = append(out, jobJSON{Name: j.Name, AnalyzerType: j.AnalyzerType, Schedule: j.Schedule, Enabled: j.Enabled,
				MinInterval: jobs.MinInterval(j.AnalyzerType).String(), LastRunAt: timeOrNil(j.LastRunAt), LastStatus: j.LastStatus, NextRunAt: timeOrNil(j.NextRunAt)})
		}
		return writeJSON(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tSCHEDULE\tSTATE\tLAST RUN\tNEXT RUN")
	for _, j := range list {
		state, next := "enabled", stamp(j.NextRunAt)
		if !j.Enabled {
			state, next = "disabled", "-"
		}
		last := stamp(j.LastRunAt)
		if j.LastStatus != "" {
			last += " " + j.LastStatus
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", j.Name, j.AnalyzerType, j.Schedule, state, last, next)
	}
	return tw.Flush()
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
