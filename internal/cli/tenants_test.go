package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// tenantChildEnv, when set, makes TestTenantInstanceChild an aicoo instance
// configured by the AICOO_* variables, which runs until it is killed.
const tenantChildEnv = "TENANT_TEST_CHILD"

// TestTenantInstanceChild is the instance TestInstancesKeepTheirConnectionsApart
// kills with SIGKILL. It does nothing when run normally.
func TestTenantInstanceChild(t *testing.T) {
	if os.Getenv(tenantChildEnv) == "" {
		t.Skip("run by TestInstancesKeepTheirConnectionsApart")
	}
	cfg, err := config.Load("", os.Environ())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := startApp(context.Background(), cfg, newLogger(cfg, io.Discard)); err != nil {
		t.Fatal(err)
	}
	fmt.Println("tenant child: ready")
	select {}
}

// hookReceiver is one tenant's webhook endpoint: it checks the signature
// with its own secret and records what it got.
type hookReceiver struct {
	*httptest.Server
	delay atomic.Int64 // per request, in nanoseconds
	mu    sync.Mutex
	keys  map[string]int // message key -> requests
	conns map[int64]int  // connection id in the payload -> requests
	bad   []string
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	r := &hookReceiver{keys: map[string]int{}, conns: map[int64]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		var p struct {
			Key          string `json:"key"`
			ConnectionID int64  `json:"connection_id"`
		}
		err := notify.VerifySignature(secret, req.Header.Get(notify.HeaderTimestamp), req.Header.Get(notify.HeaderSignature), body, time.Now(), time.Minute)
		if err == nil {
			err = json.Unmarshal(body, &p)
		}
		r.mu.Lock()
		if err != nil {
			r.bad = append(r.bad, err.Error())
		}
		r.keys[p.Key]++
		r.conns[p.ConnectionID]++
		r.mu.Unlock()
		time.Sleep(time.Duration(r.delay.Load()))
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *hookReceiver) requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requestsLocked()
}

// tenant is one company: its simulated Odoo, its webhook endpoint and the
// configuration of the instance that holds it.
type tenant struct {
	name string
	sim  *odoosim.Server
	hook *hookReceiver
	env  []string
	cfg  *config.Config
	conn *store.Connection
	keys []string
	// odooRequests counts the requests its Odoo got.
	odooRequests atomic.Int64
}

func newTenant(t *testing.T, name, dsn string) *tenant {
	t.Helper()
	ds := dataset.New(dataset.Meta{OdooVersion: "17.0", Database: name}, nil)
	sim, err := odoosim.New(ds, odoosim.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	secret := "secret-of-" + name + "-0123456789"
	tn := &tenant{name: name, sim: sim, hook: newHookReceiver(t, secret)}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tn.odooRequests.Add(1)
		sim.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	tn.env = []string{"AICOO_STORE_POSTGRES_DSN=" + dsn, "AICOO_LOG_LEVEL=error", "AICOO_SERVER_ADDR=127.0.0.1:0",
		"AICOO_ODOO_NAME=" + name, "AICOO_ODOO_URL=" + ts.URL, "AICOO_ODOO_DATABASE=" + name,
		"AICOO_ODOO_USERNAME=" + odoosim.LoginDefault, "AICOO_ODOO_API_KEY=" + sim.APIKey(),
		"AICOO_WEBHOOK_URL=" + tn.hook.URL + "/hook", "AICOO_WEBHOOK_SECRET=" + secret,
		// Only a restarted instance's own rescue can recover a killed
		// instance's jobs within the test.
		"AICOO_JOBS_JOB_TIMEOUT=1m", "AICOO_JOBS_RESCUE_AFTER=1h"}
	if tn.cfg, err = config.Load("", tn.env); err != nil {
		t.Fatal(err)
	}
	return tn
}

func startTestApp(t *testing.T, cfg *config.Config) *app {
	t.Helper()
	a, err := startApp(context.Background(), cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a.stop(ctx)
	})
	return a
}

// startTenantChild runs the tenant's instance as a separate process.
func startTenantChild(t *testing.T, tn *tenant) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestTenantInstanceChild$")
	// The child's configuration is the tenant's alone: the parent's own
	// AICOO_* variables (CI's AICOO_REQUIRE_TSCLIENT, say, which the
	// configuration would refuse as unknown) stay out.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AICOO_") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(append(env, tenantChildEnv+"=1"), tn.env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "tenant child: ready") {
				close(ready)
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(90 * time.Second):
		t.Fatal("the child instance never started")
	}
	return cmd
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true after %s", what, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestInstancesKeepTheirConnectionsApart runs two instances on one
// PostgreSQL, each holding one connection with its own Odoo and its own
// webhook endpoint, enqueues notifications, syncs and action executions of
// both connections from one of them, and kills the other (SIGKILL, in the
// middle of deliveries) and starts it again. Every notification must reach
// its own connection's endpoint and no other, every job must run only on
// an instance of its own connection, and the restarted instance must
// finish what the killed one left running at once. The killed instance is
// started first (and so is most likely River's leader), or second.
func TestInstancesKeepTheirConnectionsApart(t *testing.T) {
	t.Parallel()
	storetest.RequirePostgres(t)
	for _, killFirst := range []bool{true, false} {
		t.Run(map[bool]string{true: "kill the first started", false: "kill the second started"}[killFirst], func(t *testing.T) {
			testInstancesApart(t, killFirst)
		})
	}
}

func testInstancesApart(t *testing.T, killFirst bool) {
	dsn := storetest.PostgresSchemaDSN(t)
	ctx := context.Background()
	ta, tb := newTenant(t, "tenant-a", dsn), newTenant(t, "tenant-b", dsn)

	t.Cleanup(func() {
		if t.Failed() {
			for _, tn := range []*tenant{ta, tb} {
				tn.hook.mu.Lock()
				t.Logf("endpoint of %s got requests for connections %v", tn.name, tn.hook.conns)
				tn.hook.mu.Unlock()
			}
		}
	})
	var (
		a     *app
		child *exec.Cmd
	)
	if killFirst {
		child = startTenantChild(t, tb)
		a = startTestApp(t, ta.cfg)
	} else {
		a = startTestApp(t, ta.cfg)
		child = startTenantChild(t, tb)
	}
	var err error
	for _, tn := range []*tenant{ta, tb} {
		if tn.conn, err = a.store.ConnectionByName(ctx, tn.name); err != nil {
			t.Fatal(err)
		}
	}
	// B's endpoint is slow, so the kill finds deliveries in flight.
	tb.hook.delay.Store(int64(2 * time.Second))

	// Everything is enqueued through instance A, as its dashboard or API
	// would for any connection.
	const perTenant = 12
	for i := range perTenant {
		for _, tn := range []*tenant{ta, tb} {
			key := fmt.Sprintf("tenant-test:%s:%d", tn.name, i)
			tn.keys = append(tn.keys, key)
			if _, err := a.outbox.Enqueue(ctx, a.store, notify.Message{ConnectionID: tn.conn.ID, Key: key, Subject: "for " + tn.name,
				Recipients: []notify.Recipient{{Channel: notify.ChannelWebhook, Address: notify.WebhookTargetDefault}}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	syncJobs := map[int64]*store.MonitoringJob{}
	for _, tn := range []*tenant{ta, tb} {
		js, err := a.store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: tn.conn.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			if j.AnalyzerType == odoosync.AnalyzerType {
				syncJobs[tn.conn.ID] = j
				if err := a.engine.RunNow(ctx, j.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		// An action that no longer exists: the job is cancelled by whichever
		// instance takes it, which is what is checked.
		if err := a.engine.Insert(ctx, actions.ExecuteArgs{ConnectionID: tn.conn.ID, ActionID: 1 << 40}); err != nil {
			t.Fatal(err)
		}
	}
	if len(syncJobs) != 2 {
		t.Fatalf("sync jobs %v", syncJobs)
	}

	waitFor(t, 60*time.Second, "B's deliveries in flight", func() (bool, error) {
		ta.hook.mu.Lock()
		leaked := ta.hook.conns[tb.conn.ID]
		ta.hook.mu.Unlock()
		if leaked > 0 {
			return false, fmt.Errorf("%d notifications of %s delivered to %s's endpoint", leaked, tb.name, ta.name)
		}
		return tb.hook.requests() >= 2, nil
	})
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	var leftRunning int
	if err := a.store.DB().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE state = 'running' AND kind = $1`,
		notify.DeliverArgs{}.Kind()).Scan(&leftRunning); err != nil {
		t.Fatal(err)
	}
	t.Logf("B killed with %d deliveries running", leftRunning)

	tb.hook.delay.Store(0)
	restarted := time.Now()
	startTestApp(t, tb.cfg) // the same configuration: the same instance name
	waitFor(t, 60*time.Second, "every notification sent", func() (bool, error) {
		for _, tn := range []*tenant{ta, tb} {
			rows, err := a.store.NotificationList(ctx, store.NotificationListParams{ConnectionID: tn.conn.ID, Status: store.NotificationSent})
			if err != nil || len(rows) < perTenant {
				return false, err
			}
		}
		return true, nil
	})
	t.Logf("all sent %s after B's restart", time.Since(restarted).Round(time.Millisecond))
	waitFor(t, 60*time.Second, "a successful sync of each connection", func() (bool, error) {
		for _, j := range syncJobs {
			runs, err := a.store.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
			if err != nil || !slices.ContainsFunc(runs, func(r *store.JobRun) bool { return r.Status == store.JobRunSucceeded }) {
				return false, err
			}
		}
		return true, nil
	})

	// Each endpoint got its own tenant's notifications, all of them, and
	// nothing else.
	for _, tn := range []*tenant{ta, tb} {
		tn.hook.mu.Lock()
		var got []string
		for k := range tn.hook.keys {
			got = append(got, k)
		}
		slices.Sort(got)
		want := slices.Clone(tn.keys)
		slices.Sort(want)
		t.Logf("endpoint of %s: %d requests, %d messages, by connection %v; its Odoo got %d requests", tn.name, tn.hook.requestsLocked(), len(got), tn.hook.conns, tn.odooRequests.Load())
		if !slices.Equal(got, want) || len(tn.hook.bad) > 0 {
			t.Errorf("endpoint of %s got %v (bad requests %v), want exactly %v", tn.name, got, tn.hook.bad, want)
		}
		tn.hook.mu.Unlock()
	}
	// Every sync ran on its own connection's instance (the other has no
	// API key for it), against its own Odoo, and so did every attempt of
	// every job.
	for _, tn := range []*tenant{ta, tb} {
		if tn.odooRequests.Load() == 0 {
			t.Errorf("the Odoo of %s got no request: its sync did not reach it", tn.name)
		}
	}
	owner := map[int64]string{ta.conn.ID: instanceName(ta.cfg), tb.conn.ID: instanceName(tb.cfg)}
	for conn, j := range syncJobs {
		runs, err := a.store.JobRunList(ctx, store.JobRunListParams{JobID: j.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Worker != owner[conn] || r.Status == store.JobRunFailed {
				t.Errorf("sync of connection %d: attempt %d by %s: %s %s", conn, r.Attempt, r.Worker, r.Status, r.Error)
			}
		}
	}
	checkAttempts(t, a, owner)
}

func (r *hookReceiver) requestsLocked() int {
	n := 0
	for _, c := range r.keys {
		n += c
	}
	return n
}

// checkAttempts checks that every attempt of every River job of a
// connection was made by an instance holding it.
func checkAttempts(t *testing.T, a *app, owner map[int64]string) {
	t.Helper()
	ctx := context.Background()
	rows, err := a.store.DB().QueryContext(ctx, `SELECT id, kind, args, array_to_string(attempted_by, ' ') FROM river_job WHERE attempted_by IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	perKind := map[string]int{}
	for rows.Next() {
		var (
			id         int64
			kind, by   string
			args       []byte
			conn       int64
			known      bool
			connOfTick struct {
				ConnectionID int64 `json:"connection_id"`
			}
		)
		if err := rows.Scan(&id, &kind, &args, &by); err != nil {
			t.Fatal(err)
		}
		switch kind {
		case jobs.MonitorArgs{}.Kind():
			var m jobs.MonitorArgs
			if err := json.Unmarshal(args, &m); err != nil {
				t.Fatal(err)
			}
			mj, err := a.store.MonitoringJobByID(ctx, m.JobID)
			if err != nil {
				t.Fatal(err)
			}
			conn, known = mj.ConnectionID, true
		case "aicoo.tick":
			if err := json.Unmarshal(args, &connOfTick); err != nil {
				t.Fatal(err)
			}
			conn, known = connOfTick.ConnectionID, connOfTick.ConnectionID != 0
		default:
			if conn, known, err = a.connectionOfJob(ctx, kind, args); err != nil {
				t.Fatal(err)
			}
		}
		if !known {
			continue
		}
		perKind[kind]++
		for _, inst := range strings.Fields(by) {
			// A second process under a live instance's name gets "-<pid>".
			if !strings.HasPrefix(inst, jobs.ClientID(owner[conn])) {
				t.Errorf("job %d (%s) of connection %d attempted by %s, not by its own instance %s", id, kind, conn, inst, owner[conn])
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("attempts checked per kind: %v", perKind)
}
