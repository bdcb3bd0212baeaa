package notify

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

const testSecret = "test-secret-0123456789"

func riverDriver(s *store.Store) riverdriver.Driver[*sql.Tx] {
	if s.Dialect() == store.Postgres {
		return riverdatabasesql.New(s.DB())
	}
	return riversqlite.New(s.DB())
}

// riverClient builds a River client over the store as jobs.Engine does,
// with the notify worker registered, and, when start is set, runs it until
// the test ends.
func riverClient(t testing.TB, s *store.Store, w *Worker, start bool, rescueAfter time.Duration) *river.Client[*sql.Tx] {
	t.Helper()
	ctx := context.Background()
	if err := jobs.Migrate(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	workers := river.NewWorkers()
	if err := Register(workers, w); err != nil {
		t.Fatal(err)
	}
	// Deliveries are queued by connection: work the queues of every
	// connection the test made.
	conns, err := s.Connections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	queues := map[string]river.QueueConfig{}
	for _, c := range conns {
		queues[jobs.Queue(c.ID)] = river.QueueConfig{MaxWorkers: 8}
	}
	cfg := &river.Config{
		Queues: queues, Workers: workers,
		FetchPollInterval: 20 * time.Millisecond, FetchCooldown: 5 * time.Millisecond,
	}
	if rescueAfter > 0 {
		cfg.JobTimeout, cfg.RescueStuckJobsAfter = rescueAfter/2, rescueAfter
	}
	c, err := river.NewClient(riverDriver(s), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if start {
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = c.Stop(sctx)
		})
	}
	return c
}

// receiver is a webhook receiver that verifies signatures and, as the
// documentation asks, acts once per delivery id.
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests int            // every request on the wire
	acted    map[string]int // per delivery id, how often it was acted on
	fail     map[string]int // delivery id -> status to answer instead
	onReq    func(n int)    // called with the request count, before answering
}

func newReceiver(t testing.TB) *receiver {
	r := &receiver{acted: map[string]int{}, fail: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if err := VerifySignature(testSecret, req.Header.Get(HeaderTimestamp), req.Header.Get(HeaderSignature), body, time.Now(), 5*time.Minute); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		id := req.Header.Get(HeaderDelivery)
		r.mu.Lock()
		r.requests++
		n := r.requests
		status := r.fail[id]
		if status == 0 && r.acted[id] == 0 {
			r.acted[id] = 1
		} else if status == 0 {
			r.acted[id]++ // counted to prove the dedup is needed; not acted on
		}
		onReq := r.onReq
		r.mu.Unlock()
		if onReq != nil {
			onReq(n)
		}
		if status != 0 {
			w.WriteHeader(status)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) stats() (requests, unique, repeats int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.acted {
		unique++
		repeats += n - 1
	}
	return r.requests, unique, repeats
}

func eventually(t testing.TB, limit time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ok, err := cond()
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("gave up after %s waiting for: %s", limit, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func countStatus(t testing.TB, s *store.Store, connID int64) map[string]int {
	t.Helper()
	counts, err := s.NotificationCounts(context.Background(), connID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, byStatus := range counts {
		for st, n := range byStatus {
			out[st] += n
		}
	}
	return out
}

func TestOutboxThroughRiver(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		connID, userID := setupConnection(t, s)
		rcv := newReceiver(t)
		smtpSrv, tlsCfg := startSMTP(t, nil)
		wh, err := NewWebhook(WebhookConfig{Endpoints: map[string]WebhookEndpoint{"erp": {URL: rcv.URL, Secret: testSecret}}, BaseURL: "https://coo.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		em, err := NewEmail(EmailConfig{Host: smtpSrv.host, Port: smtpSrv.port, From: "coo@nordwind.example", BaseURL: "https://coo.example.com", TLSConfig: tlsCfg})
		if err != nil {
			t.Fatal(err)
		}
		broker := NewBroker()
		events, cancel := broker.Subscribe(connID, userID)
		defer cancel()
		w, err := NewWorker(WorkerConfig{Store: s, Channels: []Channel{InApp{}, wh, em}, Broker: broker, BackoffBase: time.Millisecond, BackoffMax: 5 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		client := riverClient(t, s, w, true, 0)
		ob, err := NewOutbox(OutboxConfig{Inserter: client, MaxAttempts: 3})
		if err != nil {
			t.Fatal(err)
		}
		msg := Message{
			ConnectionID: connID, Key: "alert:1:1", Priority: store.PriorityHigh, Subject: "Receivables 60+ days past due",
			Body: "Three invoices, 48,200 EUR.", Link: "/alerts/1",
			Recipients: []Recipient{
				{Channel: ChannelInApp, Address: UserRecipient(userID), UserID: userID},
				{Channel: ChannelWebhook, Address: "erp"},
				{Channel: ChannelEmail, Address: "ann@nordwind.example", UserID: userID},
			},
		}
		// A transaction that rolls back leaves neither rows nor jobs.
		errRollback := errors.New("alert change failed")
		err = s.InSQLTx(ctx, func(sqlTx *sql.Tx, tx *store.Store) error {
			if _, err := ob.EnqueueTx(ctx, sqlTx, tx, msg); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if c := countStatus(t, s, connID); len(c) != 0 {
			t.Fatalf("rolled back enqueue left rows: %v", c)
		}
		// Committed: delivered on every channel; enqueued twice: once.
		for range 2 {
			err = s.InSQLTx(ctx, func(sqlTx *sql.Tx, tx *store.Store) error {
				_, err := ob.EnqueueTx(ctx, sqlTx, tx, msg)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, 30*time.Second, "three notifications sent", func() (bool, error) {
			return countStatus(t, s, connID)[store.NotificationSent] == 3, nil
		})
		select {
		case e := <-events:
			if e.Subject != msg.Subject {
				t.Fatalf("event %+v", e)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no in-app event")
		}
		// A failing receiver: dead after 3 attempts, retried by hand once fixed.
		failing := Message{ConnectionID: connID, Key: "alert:2:1", Subject: "Stalled deal", Recipients: []Recipient{{Channel: ChannelWebhook, Address: "erp"}}}
		rows, err := ob.Enqueue(ctx, s, failing)
		if err != nil {
			t.Fatal(err)
		}
		id := DeliveryID(rows[0])
		rcv.mu.Lock()
		rcv.fail[id] = http.StatusServiceUnavailable
		rcv.mu.Unlock()
		eventually(t, 30*time.Second, "dead letter", func() (bool, error) {
			n, err := s.NotificationByID(ctx, rows[0].ID)
			return n.Status == store.NotificationDead, err
		})
		dead, err := s.NotificationList(ctx, store.NotificationListParams{ConnectionID: connID, Status: store.NotificationDead})
		if err != nil || len(dead) != 1 || dead[0].Attempts != 3 {
			t.Fatalf("dead letters: %+v %v", dead, err)
		}
		rcv.mu.Lock()
		delete(rcv.fail, id)
		rcv.mu.Unlock()
		if _, err := ob.Retry(ctx, s, connID, rows[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := ob.Retry(ctx, s, connID, rows[0].ID); !errors.Is(err, store.ErrNotificationNotDead) {
			t.Fatalf("second retry: %v", err)
		}
		eventually(t, 30*time.Second, "retried dead letter sent", func() (bool, error) {
			n, err := s.NotificationByID(ctx, rows[0].ID)
			return n.Status == store.NotificationSent, err
		})
		smtpSrv.mu.Lock()
		mails := len(smtpSrv.msgs)
		smtpSrv.mu.Unlock()
		if _, unique, repeats := rcv.stats(); unique != 2 || repeats != 0 || mails != 1 {
			t.Fatalf("webhook unique %d repeats %d, mails %d", unique, repeats, mails)
		}
	})
}

// crashChildEnv carries the child's configuration in TestCrashChild.
const crashChildEnv = "AICOO_NOTIFY_CRASH_CHILD"

type crashChildConfig struct {
	PostgresDSN string `json:"postgres_dsn"`
	DataDir     string `json:"data_dir"`
	PeerURL     string `json:"peer_url"`
}

// TestCrashChild is the process the crash test kills: it delivers the
// outbox until it is killed. It does nothing when run normally.
func TestCrashChild(t *testing.T) {
	raw := os.Getenv(crashChildEnv)
	if raw == "" {
		t.Skip("run by TestCrashMidBatchDeliversEachOnce")
	}
	var cfg crashChildConfig
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		t.Fatal(err)
	}
	s, err := store.Open(context.Background(), store.Config{PostgresDSN: cfg.PostgresDSN, DataDir: cfg.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	wh, err := NewWebhook(WebhookConfig{Endpoints: map[string]WebhookEndpoint{"erp": {URL: cfg.PeerURL, Secret: testSecret}}, BaseURL: "https://coo.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	w, err := NewWorker(WorkerConfig{Store: s, Channels: []Channel{InApp{}, wh}})
	if err != nil {
		t.Fatal(err)
	}
	riverClient(t, s, w, true, 0)
	time.Sleep(5 * time.Minute) // killed long before
}

// TestCrashMidBatchDeliversEachOnce enqueues a batch, lets a separate
// process deliver it and kills that process (SIGKILL) while the receiver
// is in the middle of a request; after a restart every notification is
// sent, and the receiver acted on each exactly once.
func TestCrashMidBatchDeliversEachOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process; skipped in -short")
	}
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			cfg := storetest.Config(t, d)
			ctx := context.Background()
			s, err := store.Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			connID, userID := setupConnection(t, s)
			rcv := newReceiver(t)
			// Enqueue with a client that is never started (insert only).
			ob, err := NewOutbox(OutboxConfig{Inserter: riverClient(t, s, mustWorker(t, s), false, 0)})
			if err != nil {
				t.Fatal(err)
			}
			const batch = 120
			for i := range batch {
				rcpt := Recipient{Channel: ChannelWebhook, Address: "erp"}
				if i%4 == 0 {
					rcpt = Recipient{Channel: ChannelInApp, Address: UserRecipient(userID), UserID: userID}
				}
				if _, err := ob.Enqueue(ctx, s, Message{ConnectionID: connID, Key: "msg:" + string(rune('A'+i/26)) + string(rune('a'+i%26)),
					Subject: "batch", Recipients: []Recipient{rcpt}}); err != nil {
					t.Fatal(err)
				}
			}
			webhooks := batch - (batch+3)/4

			childCfg, err := json.Marshal(crashChildConfig{PostgresDSN: cfg.PostgresDSN, DataDir: cfg.DataDir, PeerURL: rcv.URL})
			if err != nil {
				t.Fatal(err)
			}
			var childOut bytes.Buffer
			child := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
			child.Env = append(os.Environ(), crashChildEnv+"="+string(childCfg))
			child.Stdout, child.Stderr = &childOut, &childOut
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = child.Process.Kill(); _ = child.Wait() })
			killed := make(chan struct{})
			var once sync.Once
			rcv.mu.Lock()
			rcv.onReq = func(n int) {
				if n == webhooks/3 { // in the middle of this request: the peer has it, the child has not marked it
					once.Do(func() {
						_ = child.Process.Kill()
						_ = child.Wait()
						close(killed)
					})
				}
			}
			rcv.mu.Unlock()
			select {
			case <-killed:
			case <-time.After(2 * time.Minute):
				t.Fatalf("the child never reached a third of the batch; its output:\n%s", childOut.String())
			}
			before := countStatus(t, s, connID)
			t.Logf("killed the child: %v", before)
			if before[store.NotificationSent] == batch {
				t.Fatal("the child finished before it was killed")
			}

			// Restart: a new worker rescues the killed process's jobs.
			start := time.Now()
			riverClient(t, s, mustWorker(t, s, rcv.URL), true, 2*time.Second)
			eventually(t, 3*time.Minute, "every notification sent", func() (bool, error) {
				return countStatus(t, s, connID)[store.NotificationSent] == batch, nil
			})
			requests, unique, repeats := rcv.stats()
			t.Logf("%s: %d notifications (%d webhooks), %d webhook requests, %d acted on once, %d repeated deliveries dropped by id; restart to all sent in %s",
				d, batch, webhooks, requests, unique, repeats, time.Since(start).Round(time.Millisecond))
			if unique != webhooks {
				t.Fatalf("receiver acted on %d deliveries, want %d", unique, webhooks)
			}
			if c := countStatus(t, s, connID); c[store.NotificationDead] != 0 || c[store.NotificationSent] != batch {
				t.Fatalf("statuses after restart: %v", c)
			}
		})
	}
}

func mustWorker(t testing.TB, s *store.Store, peerURL ...string) *Worker {
	t.Helper()
	channels := []Channel{InApp{}}
	if len(peerURL) > 0 {
		wh, err := NewWebhook(WebhookConfig{Endpoints: map[string]WebhookEndpoint{"erp": {URL: peerURL[0], Secret: testSecret}}, BaseURL: "https://coo.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		channels = append(channels, wh)
	}
	w, err := NewWorker(WorkerConfig{Store: s, Channels: channels, BackoffBase: 10 * time.Millisecond, BackoffMax: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return w
}
