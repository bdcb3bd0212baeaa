package jobs

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Tick is housekeeping that runs on a fixed interval across the cluster
// (alert grouping and escalation, for example): once per interval, on
// whichever instance River's leader hands it to. Unlike monitoring jobs,
// ticks keep no run history.
type Tick struct {
	Name     string
	Interval time.Duration
	// Timeout bounds one run; it defaults to Interval. A tick that runs
	// often but may do slow work (a language-model call) needs more than
	// its interval, and must then keep its runs from overlapping itself.
	Timeout time.Duration
	Func    func(ctx context.Context) error
}

// tickArgs asks for one run of the named tick at an aligned time, unique so
// that a tick runs once per interval even across leader changes.
type tickArgs struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

func (tickArgs) Kind() string { return "aicoo.tick" }

func (tickArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}, MaxAttempts: 1}
}

type tickWorker struct {
	river.WorkerDefaults[tickArgs]
	ticks map[string]Tick
}

func (w *tickWorker) Work(ctx context.Context, job *river.Job[tickArgs]) error {
	t, ok := w.ticks[job.Args.Name]
	if !ok {
		return river.JobCancel(fmt.Errorf("unknown tick %q", job.Args.Name))
	}
	// A tick that cannot finish within its timeout (its interval unless
	// set) is cut off; the next one starts fresh.
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(t.Timeout, t.Interval))
	defer cancel()
	if err := t.Func(ctx); err != nil {
		return fmt.Errorf("tick %s: %w", t.Name, err)
	}
	return nil
}

// tickPeriodicJobs turns ticks into River periodic jobs.
func tickPeriodicJobs(ticks []Tick, now func() time.Time) ([]*river.PeriodicJob, map[string]Tick, error) {
	byName := make(map[string]Tick, len(ticks))
	var out []*river.PeriodicJob
	for _, t := range ticks {
		if t.Name == "" || t.Func == nil || t.Interval < time.Second {
			return nil, nil, fmt.Errorf("jobs: tick %q needs a name, a func and an interval of at least a second", t.Name)
		}
		if _, dup := byName[t.Name]; dup {
			return nil, nil, fmt.Errorf("jobs: tick %q registered twice", t.Name)
		}
		byName[t.Name] = t
		sched := alignedEvery(t.Interval)
		name := t.Name
		out = append(out, river.NewPeriodicJob(sched, func() (river.JobArgs, *river.InsertOpts) {
			return tickArgs{Name: name, At: now().UTC().Truncate(time.Duration(sched))}, nil
		}, &river.PeriodicJobOpts{ID: "tick:" + name}))
	}
	return out, byName, nil
}
