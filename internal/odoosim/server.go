package odoosim

import (
	"cmp"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Server is an Odoo server emulated over a dataset. It implements
// http.Handler; serve it with http.Server or httptest.NewServer. It is safe
// for concurrent use: reads share a lock on the dataset and each write call
// holds it exclusively, so a call is atomic.
type Server struct {
	opts    Options
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler

	db      string
	version string
	major   int
	minor   int
	saas    bool

	models  map[string]*modelInfo
	modules []string
	users   []*userInfo

	faults   *faultInjector
	sessions *sessionStore

	legacyWarn sync.Once
	tableOnce  sync.Once
	table      map[string]*methodSpec

	// mu guards ds, virtual, lastWrite and seq.
	mu        sync.RWMutex
	ds        *dataset.Dataset
	virtual   map[string]*vtable
	lastWrite time.Time
	refs      map[string][]reference
	// seq is the last id handed out per model: like a PostgreSQL sequence
	// it never goes back, so unlinking the newest record or a rolled-back
	// create does not free its id.
	seq map[string]int64
}

// vtable holds the records of a virtual model.
type vtable struct {
	records []dataset.Record
	index   map[int64]dataset.Record
}

// New returns a Server serving ds with opts. The Server takes ownership of
// ds: it changes it on every write call (and adds ir.model records derived
// from the schema when ds has none); read it through Dataset only while no
// request is served, or under Server.ReadDataset.
func New(ds *dataset.Dataset, opts Options) (*Server, error) {
	if ds == nil {
		return nil, fmt.Errorf("odoosim: nil dataset")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		ds:       ds,
		db:       cmp.Or(opts.Database, ds.Meta.Database, DatabaseDefault),
		version:  cmp.Or(opts.Version, ds.Meta.OdooVersion, VersionDefault),
		sessions: newSessionStore(),
	}
	if err := s.parseVersion(); err != nil {
		return nil, err
	}
	s.modules = installedModules(ds)
	if err := ensureIRModel(ds, s.modules, s.major); err != nil {
		return nil, fmt.Errorf("odoosim: add ir.model records: %w", err)
	}
	s.models = buildModels(ds, s.major)
	s.refs = buildReferences(s.models)
	mods := moduleRecords(s.modules, s.serie())
	vt := &vtable{records: mods, index: map[int64]dataset.Record{}}
	for _, r := range mods {
		vt.index[r.ID()] = r
	}
	s.virtual = map[string]*vtable{moduleModel: vt}
	s.lastWrite = latestWrite(ds)
	s.addDiscuss()
	s.addSubtypes()
	s.addConfigParameters()
	s.addPaymentRegister()
	if err := s.listVirtualModels(); err != nil {
		return nil, fmt.Errorf("odoosim: add ir.model records: %w", err)
	}
	s.addXMLIDs()
	s.addModelFields()
	s.addModelAccess()
	s.seq = map[string]int64{}
	for _, m := range ds.Models() {
		s.seq[m] = ds.NextID(m) - 1
	}
	if s.users, err = s.resolveUsers(opts.Users); err != nil {
		return nil, err
	}
	s.faults = newFaultInjector(opts)
	s.mux = http.NewServeMux()
	s.routes()
	s.handler = s.faults.wrap(s.mux)
	return s, nil
}

// parseVersion reads "17.0", "saas~18.4" or "19.0".
func (s *Server) parseVersion() error {
	v := strings.TrimSpace(s.version)
	rest, saas := strings.CutPrefix(v, "saas~")
	majorStr, minorStr, _ := strings.Cut(rest, ".")
	major, err := strconv.Atoi(majorStr)
	if err != nil || major < 8 {
		return fmt.Errorf("odoosim: unsupported Odoo version %q", s.version)
	}
	minor := 0
	if minorStr != "" {
		if minor, err = strconv.Atoi(minorStr); err != nil {
			return fmt.Errorf("odoosim: unsupported Odoo version %q", s.version)
		}
	}
	s.major, s.minor, s.saas = major, minor, saas
	return nil
}

// HasJSON2 reports whether the emulated version offers the JSON-2 API (19.0
// and later, and saas~18.4 and later).
func (s *Server) HasJSON2() bool { return s.major > 18 || (s.major == 18 && s.minor >= 4) }

// Version returns the emulated Odoo version, for example "17.0".
func (s *Server) Version() string { return s.version }

// Database returns the database name served.
func (s *Server) Database() string { return s.db }

// APIKey returns the first API key of the first user: the generated key
// when Options gave none. The CLI prints it.
func (s *Server) APIKey() string { return s.users[0].apiKeys[0] }

// Login returns the login of the first user.
func (s *Server) Login() string { return s.users[0].login }

// Dataset returns the dataset the server serves and changes. Do not use it
// while requests are served, except through ReadDataset.
func (s *Server) Dataset() *dataset.Dataset { return s.ds }

// ReadDataset calls fn with the dataset while holding the read lock, so
// that no write call changes it meanwhile, for example to Save a snapshot
// from a running server.
func (s *Server) ReadDataset(fn func(*dataset.Dataset) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(s.ds)
}

// ServeHTTP serves one request, after the configured fault injection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// routes registers every endpoint.
func (s *Server) routes() {
	for _, svc := range []string{"common", "object", "db"} {
		s.mux.HandleFunc("/xmlrpc/2/"+svc, s.handleXMLRPC(svc, false))
		s.mux.HandleFunc("/xmlrpc/"+svc, s.handleXMLRPC(svc, true))
	}
	s.mux.HandleFunc("/jsonrpc", s.handleJSONRPC)
	s.mux.HandleFunc("/web/webclient/version_info", s.webRoute(s.webVersionInfo))
	s.mux.HandleFunc("/web/session/authenticate", s.webRoute(s.webAuthenticate))
	s.mux.HandleFunc("/web/session/get_session_info", s.webRoute(s.webSessionInfo))
	s.mux.HandleFunc("/web/session/destroy", s.webRoute(s.webDestroy))
	s.mux.HandleFunc("/web/dataset/call_kw", s.webRoute(s.webCallKw))
	s.mux.HandleFunc("/web/dataset/call_kw/", s.webRoute(s.webCallKw))
	if s.HasJSON2() {
		s.mux.HandleFunc("/web/version", s.handleWebVersion)
		s.mux.HandleFunc("/json/2/", s.handleJSON2)
	}
	s.docRoutes()
	s.mux.HandleFunc("/", s.handleNotFound)
}

// serie is the version series, "17.0" or "saas~18.4".
func (s *Server) serie() string {
	serie := fmt.Sprintf("%d.%d", s.major, s.minor)
	if s.saas {
		serie = "saas~" + serie
	}
	return serie
}

// versionInfo is the answer of common.version and
// /web/webclient/version_info.
func (s *Server) versionInfo() *object {
	var first any = int64(s.major)
	serie := fmt.Sprintf("%d.%d", s.major, s.minor)
	if s.saas {
		first = fmt.Sprintf("saas~%d", s.major)
		serie = "saas~" + serie
	}
	return newObject(
		"server_version", s.version,
		"server_version_info", []any{first, int64(s.minor), int64(0), "final", int64(0), ""},
		"server_serie", serie,
		"protocol_version", int64(1),
	)
}

// now returns the clock's time in UTC, truncated to seconds as Odoo stores
// datetimes.
func (s *Server) now() time.Time { return s.opts.NowFunc().UTC().Truncate(time.Second) }

// writeStamp returns the write_date of a write call: the clock, but never
// before the previous write. Call with s.mu held for writing.
func (s *Server) writeStamp() string {
	t := s.now()
	if t.Before(s.lastWrite) {
		t = s.lastWrite
	}
	s.lastWrite = t
	return t.Format(dataset.DatetimeLayout)
}

// latestWrite returns the latest create_date or write_date of ds.
func latestWrite(ds *dataset.Dataset) time.Time {
	var latest string
	for _, m := range ds.Models() {
		for _, r := range ds.Records(m) {
			latest = max(latest, r.Str("write_date"), r.Str("create_date"))
		}
	}
	t, _ := time.Parse(dataset.DatetimeLayout, latest)
	return t
}

// nextID returns the id the next record of model gets, without taking it.
// Call with s.mu held.
func (s *Server) nextID(model string) int64 {
	return max(s.ds.NextID(model), s.seq[model]+1)
}

// takeID hands out the next id of model. Call with s.mu held for writing.
func (s *Server) takeID(model string) int64 {
	id := s.nextID(model)
	s.seq[model] = id
	return id
}

// get returns a record of model, virtual or not, or nil. Call with s.mu held.
func (s *Server) get(model string, id int64) dataset.Record {
	if vt := s.virtual[model]; vt != nil {
		return vt.index[id]
	}
	return s.ds.Get(model, id)
}

// records returns every record of model in id order. Call with s.mu held.
func (s *Server) records(model string) []dataset.Record {
	if vt := s.virtual[model]; vt != nil {
		return vt.records
	}
	return s.ds.Records(model)
}

// allIDs returns the ids of every record of model. Call with s.mu held.
func (s *Server) allIDs(model string) []int64 {
	recs := s.records(model)
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.ID()
	}
	return ids
}

// served returns the model if the emulated server has it.
func (s *Server) served(model string) (*modelInfo, bool) {
	m, ok := s.models[model]
	if !ok || !m.served {
		return nil, false
	}
	return m, true
}

// companyIDs returns the ids of every res.company. Call with s.mu held.
func (s *Server) companyIDs() []int64 {
	ids := s.allIDs("res.company")
	if len(ids) == 0 {
		for _, c := range s.ds.Meta.Companies {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// warnLegacy logs once that 19's legacy endpoints are deprecated, as Odoo
// logs on every call.
func (s *Server) warnLegacy(path string) {
	if s.major < 19 {
		return
	}
	s.legacyWarn.Do(func() {
		s.log.Warn("odoosim: legacy RPC endpoints are deprecated since Odoo 19 and scheduled for removal; use /json/2", "path", path)
	})
}

// handleNotFound answers unknown routes: a JSON-RPC 404 envelope for JSON
// requests, an HTML page otherwise.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		body := newObject("jsonrpc", "2.0", "id", nil, "error", newObject("code", int64(404), "message", "404: Not Found",
			"data", newObject("name", excNotFound, "message", "404 Not Found: The requested URL was not found on the server.", "arguments", []any{}, "context", map[string]any{}, "debug", "")))
		writeJSONResponse(w, http.StatusNotFound, body)
		return
	}
	writeHTML(w, http.StatusNotFound, "404 Not Found", "The requested URL was not found on the server.")
}

// writeHTML writes a minimal HTML error page like werkzeug's.
func writeHTML(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html lang=en>\n<title>%s</title>\n<h1>%s</h1>\n<p>%s</p>\n", title, title[4:], text)
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
