package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// demoDataDir is the demo's default data folder: commands that work on an
// existing store look there when nothing names a store.
const demoDataDir = "aicoo-demo"

// dataFlag adds --data to a command. Every command that opens the store
// has it, with one meaning.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "data `folder` of the SQLite store, overrides store.data_dir (e.g. aicoo-demo)")
}

// storePlace says which store a command opens and why, for messages.
type storePlace struct {
	dir  string // SQLite folder; empty on PostgreSQL
	from string // what chose it
}

func (p storePlace) String() string {
	if p.dir == "" {
		return "the PostgreSQL store (store.postgres_dsn)"
	}
	return fmt.Sprintf("%s (%s)", p.dir, p.from)
}

// locateStore chooses the store of a command that works on an existing
// store, and sets cfg.Store.DataDir to it. The order: --data, then the
// configuration (store.postgres_dsn or store.data_dir, file or
// environment), then ./aicoo-demo when it holds a store (said in one line
// on stderr), then the default ./aicoo-data. It never creates a store: a
// folder without one is an error naming where it looked.
func locateStore(e *env, cfg *config.Config, data string) (storePlace, error) {
	var p storePlace
	switch {
	case data != "":
		p = storePlace{dir: data, from: "--data"}
		cfg.Store.PostgresDSN = ""
	case cfg.UsesPostgres():
		return storePlace{}, nil
	case cfg.IsSet("store.data_dir"):
		p = storePlace{dir: cfg.Store.DataDir, from: "store.data_dir"}
	case hasStore(demoDataDir):
		p = storePlace{dir: demoDataDir, from: "the demo's folder"}
		fmt.Fprintf(e.stderr, "aicoo: using the demo's store in ./%s (choose another with --data DIR)\n", demoDataDir)
	default:
		p = storePlace{dir: cfg.Store.DataDir, from: "the default"}
	}
	cfg.Store.DataDir = p.dir
	if !hasStore(p.dir) {
		looked := p.dir
		if p.from == "the default" {
			looked = fmt.Sprintf("./%s and %s", demoDataDir, p.dir)
		}
		return p, fmt.Errorf("no aicoo store in %s: start \"aicoo demo\" or \"aicoo serve\" first, or point to a store with --data DIR (or store.data_dir, AICOO_STORE_DATA_DIR)", looked)
	}
	return p, nil
}

// hasStore reports whether dir holds an aicoo SQLite database.
func hasStore(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, store.SQLiteFileName))
	return err == nil && st.Mode().IsRegular()
}

// chooseConnection picks the connection a command acts on: --connection,
// else odoo.name when the configuration sets it, else the store's only
// connection. With several and nothing chosen, the error lists them.
func chooseConnection(ctx context.Context, s *store.Store, cfg *config.Config, name string, where storePlace) (*store.Connection, error) {
	if name == "" && cfg.IsSet("odoo.name") {
		name = cfg.Odoo.Name
	}
	conns, err := s.Connections(ctx)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(conns))
	for i, c := range conns {
		names[i] = c.Name
		if name != "" && c.Name == name {
			return c, nil
		}
	}
	switch {
	case len(conns) == 0:
		return nil, fmt.Errorf("the store in %s holds no connection yet: start \"aicoo serve\" or \"aicoo demo\" once", where)
	case name != "":
		return nil, fmt.Errorf("no connection named %q in %s; it holds: %s (choose with --connection NAME)", name, where, strings.Join(names, ", "))
	case len(conns) == 1:
		return conns[0], nil
	}
	return nil, fmt.Errorf("the store in %s holds %d connections: %s; choose one with --connection NAME (or odoo.name)", where, len(conns), strings.Join(names, ", "))
}

// opsEnv is what an operator command works with: the configuration, the
// store and the connection it acts on.
type opsEnv struct {
	cfg   *config.Config
	s     *store.Store
	conn  *store.Connection
	where storePlace
}

// connFlags adds --config, --data and --connection to a command that works
// on an existing store, and returns an opener for the store and the
// connection. The caller closes the store.
func connFlags(fs *flag.FlagSet) func(ctx context.Context, e *env) (*opsEnv, error) {
	load := configFlag(fs)
	data := dataFlag(fs)
	connName := fs.String("connection", "", "connection `name` (default: odoo.name when configured, else the store's only connection)")
	return func(ctx context.Context, e *env) (*opsEnv, error) {
		cfg, err := load(e)
		if err != nil {
			return nil, err
		}
		where, err := locateStore(e, cfg, *data)
		if err != nil {
			return nil, err
		}
		s, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
		if err != nil {
			return nil, err
		}
		conn, err := chooseConnection(ctx, s, cfg, *connName, where)
		if err != nil {
			s.Close()
			return nil, err
		}
		return &opsEnv{cfg: cfg, s: s, conn: conn, where: where}, nil
	}
}

// useData points a command that may create the store at --data, when
// given. Unlike locateStore it does not look for the demo's folder: serve,
// worker, migrate, sync and analyze create their store where the
// configuration says.
func useData(cfg *config.Config, data string) {
	if data != "" {
		cfg.Store.DataDir, cfg.Store.PostgresDSN = data, ""
	}
}
