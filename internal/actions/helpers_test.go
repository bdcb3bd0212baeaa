package actions_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/customers"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/store"
)

// demoToday is the last simulated day of the demo company.
var demoToday = time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the simulator, the store and the
// service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// faultProxy passes requests to the simulator; when dropMatch is set, the
// next request whose body contains every one of its strings is handled by
// the simulator (so Odoo commits) and then answered with 502, as a proxy
// whose upstream died after the work was done.
type faultProxy struct {
	sim       http.Handler
	mu        sync.Mutex
	dropMatch []string
	dropped   int
}

func (p *faultProxy) dropNext(parts ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dropMatch = parts
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	p.mu.Lock()
	drop := len(p.dropMatch) > 0
	for _, s := range p.dropMatch {
		drop = drop && strings.Contains(string(body), s)
	}
	if drop {
		p.dropMatch = nil
		p.dropped++
	}
	p.mu.Unlock()
	if !drop {
		p.sim.ServeHTTP(w, r)
		return
	}
	p.sim.ServeHTTP(httptest.NewRecorder(), r)
	http.Error(w, "upstream died", http.StatusBadGateway)
}

// env is a demo company in the simulator, a client on it, a store and a
// service.
type env struct {
	st       *store.Store
	conn     int64
	ds       *dataset.Dataset
	sim      *odoosim.Server
	proxy    *faultProxy
	url      string
	client   *odoo.Client
	svc      *actions.Service
	clock    *clock
	insights []analysis.Insight
	admin    actions.Actor
}

var (
	demoOnce     sync.Once
	demoInsights []analysis.Insight
	demoErr      error
)

// newEnv serves a freshly generated small demo company (seed 7) over proto.
func newEnv(t *testing.T, st *store.Store, proto odoo.Protocol) *env {
	t.Helper()
	return newEnvClock(t, st, proto, &clock{t: demoToday.Add(32 * time.Hour)}) // 1 April, 08:00 UTC
}

// newEnvClock is newEnv with the clock given, so that the store can share
// it.
func newEnvClock(t *testing.T, st *store.Store, proto odoo.Protocol, clk *clock) *env {
	t.Helper()
	return newEnvVersion(t, st, proto, clk, "")
}

// Another Odoo user of the simulator besides aicoo's: one who can post on
// documents, as a portal customer can on their invoice.
const (
	otherLogin    = "customer"
	otherPassword = "customer-password"
)

// newEnvVersion is newEnvClock for an Odoo version ("" is the default).
func newEnvVersion(t *testing.T, st *store.Store, proto odoo.Protocol, clk *clock, version string) *env {
	t.Helper()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 7, Today: demoToday, OdooVersion: version})
	if err != nil {
		t.Fatal(err)
	}
	// The insights are the same for every copy of the company.
	demoOnce.Do(func() { demoInsights, demoErr = analyze(ctx, ds) })
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	sim, err := odoosim.New(ds, odoosim.Options{NowFunc: clk.Now, Logger: slog.New(slog.DiscardHandler), Users: []odoosim.User{
		{Login: odoosim.LoginDefault, Password: odoosim.PasswordDefault}, {Login: otherLogin, Password: otherPassword}}})
	if err != nil {
		t.Fatal(err)
	}
	proxy := &faultProxy{sim: sim}
	ts := httptest.NewServer(proxy)
	t.Cleanup(ts.Close)
	c, err := odoo.New(odoo.Config{URL: ts.URL, Database: ds.Meta.Database, Username: odoosim.LoginDefault,
		Password: odoosim.PasswordDefault, Protocol: proto, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := st.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "demo", OdooURL: ts.URL, OdooDatabase: ds.Meta.Database})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := st.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: "ann", Role: store.RoleAdmin, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := actions.New(actions.Config{Store: st, NowFunc: clk.Now,
		OdooFunc: func(context.Context, int64) (actions.Odoo, error) { return c, nil }})
	if err != nil {
		t.Fatal(err)
	}
	return &env{st: st, conn: conn.ID, ds: ds, sim: sim, proxy: proxy, url: ts.URL, client: c, svc: svc, clock: clk,
		insights: demoInsights, admin: actions.Actor{UserID: admin.ID, Username: "ann", Role: store.RoleAdmin}}
}

// otherClient connects to the simulator as the other user.
func (e *env) otherClient(t *testing.T) *odoo.Client {
	t.Helper()
	c, err := odoo.New(odoo.Config{URL: e.url, Database: e.ds.Meta.Database, Username: otherLogin, Password: otherPassword,
		Protocol: odoo.ProtocolJSONRPC, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// analyze runs the analyzers the proposals come from on the dataset.
func analyze(ctx context.Context, ds *dataset.Dataset) ([]analysis.Insight, error) {
	env := &analysis.Env{Source: analysis.DatasetSource{DS: ds}, Today: odoo.DateOf(demoToday)}
	var out []analysis.Insight
	for _, a := range []analysis.Analyzer{finance.New(), sales.New(), operations.New(), customers.New()} {
		res, err := a.Analyze(ctx, env)
		if err != nil {
			return nil, err
		}
		out = append(out, res.Insights...)
	}
	return out, nil
}

func (e *env) opts() actions.ProposalOpts {
	// The small company's deals are small: its 2,000 deal counts as
	// high-value here.
	return actions.ProposalOpts{Today: odoo.DateOf(demoToday), HighValueDeal: 1500}
}

// count returns how many records of model match dom, archived included.
func (e *env) count(t *testing.T, model string, dom domain.Domain) int64 {
	t.Helper()
	n, err := e.client.SearchCount(context.Background(), model, dom, map[string]any{"active_test": false})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// read returns one record of model, or nil.
func (e *env) read(t *testing.T, model string, id int64, fields ...string) odoo.Record {
	t.Helper()
	recs, err := e.client.Read(context.Background(), model, []int64{id}, fields, map[string]any{"active_test": false})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 {
		return nil
	}
	return recs[0]
}

// setAll sets every type's policy (within its ceiling).
func (e *env) setAll(t *testing.T, mode actions.Mode) {
	t.Helper()
	for _, info := range actions.Builtin().Types() {
		m := mode
		if m == actions.ModeAuto && info.Ceiling != actions.ModeAuto {
			m = info.Ceiling
		}
		if err := e.svc.SetPolicy(context.Background(), e.conn, e.admin, actions.Policy{Type: info.Type, Mode: m}); err != nil {
			t.Fatal(err)
		}
	}
}

// proposals builds the proposals of the demo's insights, with a project
// for tasks.
func (e *env) proposals(t *testing.T) []actions.Proposal {
	t.Helper()
	ctx := context.Background()
	project, err := e.client.Create(ctx, "project.project", map[string]any{"name": "Customer care"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := e.opts()
	opts.TaskProjectID = project
	ps, err := actions.Proposals(ctx, e.client, e.insights, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// firstOfEachType picks one proposal per type.
func firstOfEachType(t *testing.T, ps []actions.Proposal) map[actions.Type]actions.Proposal {
	t.Helper()
	out := map[actions.Type]actions.Proposal{}
	for _, p := range ps {
		if _, ok := out[p.Type]; !ok {
			out[p.Type] = p
		}
	}
	for _, info := range actions.Builtin().Types() {
		if _, ok := out[info.Type]; !ok {
			t.Fatalf("the demo company gives no %s proposal (%d proposals)", info.Type, len(ps))
		}
	}
	return out
}

// markerCount counts the Odoo records of a type's model holding the marker.
func (e *env) markerCount(t *testing.T, a *store.Action) int64 {
	t.Helper()
	info, err := actions.Builtin().Info(actions.Type(a.ActionType))
	if err != nil {
		t.Fatal(err)
	}
	field := map[string]string{"mail.activity": "summary", "mail.message": "body", "purchase.order": "origin",
		"calendar.event": "description", "project.task": "description"}[info.Model]
	return e.count(t, info.Model, domain.Cond(field, domain.OpILike, a.Marker))
}
