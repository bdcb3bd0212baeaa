package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// instanceName names this process to the job engine (its River client id
// and job_runs.worker). It is the same after a restart, so a restarted
// instance recognises the jobs its killed predecessor left running and
// makes them available at once: the host, the connection and the listen
// address (two processes on one host cannot listen on one address, so a
// serve and a worker beside it differ). A second process with the same name
// is detected by the engine and given a per-process name.
func instanceName(cfg *config.Config) string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	name := host + "-" + cfg.Odoo.Name + "-" + cfg.Server.Addr
	if len(name) > 90 { // River allows 100, the engine may add "-<pid>"
		name = name[:90]
	}
	return name
}

// connectionOfJob names the connection of a job of this binary's kinds
// found in River's old default queue, so the engine can move it to its
// connection's queue (jobs.ConnectionOfJobFunc).
func (a *app) connectionOfJob(ctx context.Context, kind string, args []byte) (int64, bool, error) {
	switch kind {
	case actions.ExecuteArgs{}.Kind():
		var x actions.ExecuteArgs
		if err := json.Unmarshal(args, &x); err != nil {
			return 0, false, err
		}
		return x.ConnectionID, x.ConnectionID != 0, nil
	case notify.DeliverArgs{}.Kind():
		var x notify.DeliverArgs
		if err := json.Unmarshal(args, &x); err != nil {
			return 0, false, err
		}
		n, err := a.store.NotificationByID(ctx, x.NotificationID)
		if errors.Is(err, store.ErrNotFound) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
		return n.ConnectionID, true, nil
	}
	return 0, false, nil
}

// briefingsLock is the RunExclusive lock of one connection's briefings:
// instances holding the same connection take turns, and different
// connections' briefings do not wait for each other.
func briefingsLock(connectionID int64) int64 { return store.LockBriefings<<32 | connectionID }

// deliverBriefingsOf runs the briefings tick of one connection, one run
// at a time across the instances holding it.
func (a *app) deliverBriefingsOf(ctx context.Context, connectionID int64) error {
	_, err := a.store.RunExclusive(ctx, briefingsLock(connectionID), func(ctx context.Context) error {
		return a.deliverBriefingsFor(ctx, connectionID)
	})
	if err != nil {
		return fmt.Errorf("briefings of connection %d: %w", connectionID, err)
	}
	return nil
}
