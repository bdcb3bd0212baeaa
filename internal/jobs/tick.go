package jobs

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
)

// Tick is work that runs on a fixed interval: once per interval, on one
// instance. A global tick (Func) runs in GlobalQueue, on any instance. A
// per-connection tick (ConnectionFunc: alert grouping and escalation,
// briefings) runs once per interval for each connection, in the
// connection's queue, so only an instance holding the connection runs it,
// with that connection's channels and language-model settings. Unlike
// monitoring jobs, ticks keep no run history.
type Tick struct {
	Name     string
	Interval time.Duration
	// Timeout bounds one run; it defaults to Interval. A tick that runs
	// often but may do slow work (a language-model call) needs more than
	// its interval, and must then keep its runs from overlapping itself.
	Timeout time.Duration
	// Exactly one of Func and ConnectionFunc is set.
	Func           func(ctx context.Context) error
	ConnectionFunc func(ctx context.Context, connectionID int64) error
}

// tickArgs asks for one run of the named tick at an aligned time (for one
// connection, or 0 for a global tick), unique so that a tick runs once per
// interval even when several instances enqueue it.
type tickArgs struct {
	Name         string    `json:"name"`
	ConnectionID int64     `json:"connection_id,omitempty"`
	At           time.Time `json:"at"`
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
	if !ok || (t.ConnectionFunc != nil) != (job.Args.ConnectionID != 0) {
		return river.JobCancel(fmt.Errorf("unknown tick %q (connection %d)", job.Args.Name, job.Args.ConnectionID))
	}
	// A tick that cannot finish within its timeout (its interval unless
	// set) is cut off; the next one starts fresh.
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(t.Timeout, t.Interval))
	defer cancel()
	var err error
	if t.ConnectionFunc != nil {
		err = t.ConnectionFunc(ctx, job.Args.ConnectionID)
	} else {
		err = t.Func(ctx)
	}
	if err != nil {
		return fmt.Errorf("tick %s: %w", t.Name, err)
	}
	return nil
}

// checkTicks validates the ticks and indexes them by name.
func checkTicks(ticks []Tick) (map[string]Tick, error) {
	byName := make(map[string]Tick, len(ticks))
	for _, t := range ticks {
		if t.Name == "" || (t.Func == nil) == (t.ConnectionFunc == nil) || t.Interval < time.Second {
			return nil, fmt.Errorf("jobs: tick %q needs a name, one of Func and ConnectionFunc, and an interval of at least a second", t.Name)
		}
		if _, dup := byName[t.Name]; dup {
			return nil, fmt.Errorf("jobs: tick %q registered twice", t.Name)
		}
		byName[t.Name] = t
	}
	return byName, nil
}

// scheduleTicks enqueues each tick periodically: a global tick in
// GlobalQueue, a per-connection tick once for each connection this
// instance holds, in the connection's queue.
func scheduleTicks(p *periodic, ticks []Tick, connections []int64) {
	for _, t := range ticks {
		sched := alignedEvery(t.Interval)
		name := t.Name
		if t.Func != nil {
			p.set("tick:"+name, sched, func(at time.Time) (river.JobArgs, *river.InsertOpts) {
				return tickArgs{Name: name, At: at.UTC()}, &river.InsertOpts{Queue: GlobalQueue}
			})
			continue
		}
		for _, c := range connections {
			conn := c
			p.set(fmt.Sprintf("tick:%s:%d", name, conn), sched, func(at time.Time) (river.JobArgs, *river.InsertOpts) {
				return tickArgs{Name: name, ConnectionID: conn, At: at.UTC()}, &river.InsertOpts{Queue: Queue(conn)}
			})
		}
	}
}
