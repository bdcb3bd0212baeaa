package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
)

// benchCommand measures what the issue "analyses that cost what they
// read" tracks: each step runs as a child process of this binary, so its
// peak resident memory and CPU time are its own (getrusage of the child),
// against an Odoo simulator served from this process.
func benchCommand() command {
	return command{
		name: "bench",
		summary: `Measure sync and analysis on a generated company: time, CPU and peak memory of each step.
Serves the company with the Odoo simulator, then runs "aicoo sync --full", "aicoo sync",
"aicoo analyze --json" and a warm re-analysis, each as its own process, into a new store.
Prints a Markdown table (see docs/performance.md).`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			size := fs.String("size", defaultSize, "company size: small, medium or large")
			seed := fs.Uint64("seed", 1, "seed of a generated company")
			today := fs.String("today", "", "last day of the generated history, YYYY-MM-DD (default: today)")
			dir := fs.String("dataset", "", "serve this dataset `folder` instead of generating one")
			data := fs.String("data", "", "store `folder` to create (default: a temporary folder, removed after)")
			step := fs.String("step", "", "internal: run one measured step in this process (warm)")
			return func(ctx context.Context, e *env) error {
				if *step == "warm" {
					return benchWarm(ctx, e, *data)
				}
				if *step != "" {
					return usageErrorf("unknown --step %q", *step)
				}
				return runBench(ctx, e, *size, *seed, *today, *dir, *data)
			}
		},
	}
}

// benchStep is one measured child process.
type benchStep struct {
	name     string
	wall     time.Duration
	cpu      time.Duration // user + system
	maxRSSKB int64
	extra    string
}

func runBench(ctx context.Context, e *env, size string, seed uint64, today, dir, data string) error {
	// This process only orchestrates and stays small: a child's peak RSS
	// as getrusage reports it is at least its parent's at the fork (Go
	// starts children sharing its memory until they exec), so the company
	// is generated and served by children too.
	work, err := os.MkdirTemp("", "aicoo-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if data == "" {
		data = filepath.Join(work, "store")
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	environ := append(os.Environ(), "AICOO_CONFIG=")
	run := func(name string, args ...string) (benchStep, []byte, error) {
		cmd := exec.CommandContext(ctx, exe, args...)
		cmd.Env = environ
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		start := time.Now()
		err := cmd.Run()
		st := benchStep{name: name, wall: time.Since(start)}
		if err != nil {
			return st, nil, fmt.Errorf("%s: %w: %s", name, err, lastLine(errOut.String()))
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			st.maxRSSKB = ru.Maxrss
			st.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
		return st, out.Bytes(), nil
	}
	if dir == "" {
		dir = filepath.Join(work, "company")
		args := []string{"demo-data", "--size", size, "--seed", strconv.FormatUint(seed, 10), "--out", dir}
		if today != "" {
			args = append(args, "--today", today)
		}
		fmt.Fprintf(e.stderr, "bench: generating the company\n")
		if _, _, err := run("generate", args...); err != nil {
			return err
		}
	}
	sim, err := startBenchSim(ctx, exe, dir, work)
	if err != nil {
		return err
	}
	defer sim.stop()
	environ = append(environ, "AICOO_ODOO_URL="+sim.url, "AICOO_ODOO_DATABASE="+sim.database,
		"AICOO_ODOO_USERNAME=admin", "AICOO_ODOO_API_KEY="+benchAPIKey)
	fmt.Fprintf(e.stderr, "bench: store in %s\n", data)
	var steps []benchStep
	for _, s := range []struct{ name, args string }{
		{"first full sync (`aicoo sync --full`)", "sync --full --data " + data},
		{"incremental sync (`aicoo sync`)", "sync --data " + data},
		{"cold analysis (`aicoo analyze --json`, its incremental sync included)", "analyze --json --data " + data},
	} {
		fmt.Fprintf(e.stderr, "bench: %s\n", s.name)
		st, _, err := run(s.name, strings.Fields(s.args)...)
		if err != nil {
			return err
		}
		steps = append(steps, st)
	}
	fmt.Fprintf(e.stderr, "bench: warm re-analysis\n")
	st, out, err := run("analysis in one process: cold, warm, after an incremental sync", "bench", "--step", "warm", "--data", data)
	if err != nil {
		return err
	}
	var w warmReport
	if err := json.Unmarshal(out, &w); err != nil {
		return fmt.Errorf("warm step: %w", err)
	}
	st.extra = fmt.Sprintf("cold %s, warm %s, incremental sync %s then re-analysis %s; afterwards %d records cached, Go heap %d MB, resident %d MB",
		secs(w.Cold), secs(w.Warm), secs(w.Sync), secs(w.AfterSync), w.Cached, w.HeapMB, w.ResidentMB)
	steps = append(steps, st)

	dbBytes, rowBytes, rows := storeSize(data)
	fmt.Fprintf(e.stdout, "Company: %s; %d CPUs; %s.\n\n", benchWhat(dir, size, seed, work), runtime.NumCPU(), runtime.Version())
	fmt.Fprintln(e.stdout, "| step | wall time | CPU time (user+sys) | peak RSS |")
	fmt.Fprintln(e.stdout, "|---|---|---|---|")
	for _, s := range steps {
		fmt.Fprintf(e.stdout, "| %s | %s | %s | %d MB |\n", s.name, secs(s.wall), secs(s.cpu), s.maxRSSKB/1024)
	}
	fmt.Fprintln(e.stdout)
	for _, s := range steps {
		if s.extra != "" {
			fmt.Fprintf(e.stdout, "In one process: %s.\n", s.extra)
		}
	}
	if rows > 0 {
		fmt.Fprintf(e.stdout, "Store: %d records, %d MB of record data (%d bytes a record), SQLite file %d MB.\n", rows, rowBytes>>20, rowBytes/rows, dbBytes>>20)
	}
	return nil
}

func benchWhat(dir, size string, seed uint64, work string) string {
	if !strings.HasPrefix(dir, work) {
		return "dataset " + filepath.Base(dir)
	}
	return fmt.Sprintf("demo-data --size %s --seed %d", size, seed)
}

// benchAPIKey is the simulator's API key during a bench (a local,
// throw-away server).
const benchAPIKey = "aicoo-bench"

type benchSim struct {
	url, database string
	stop          func()
}

// startBenchSim serves dir with "aicoo odoo-sim" in a child process and
// waits until it answers.
func startBenchSim(ctx context.Context, exe, dir, work string) (*benchSim, error) {
	keyFile := filepath.Join(work, "api-key")
	if err := os.WriteFile(keyFile, []byte(benchAPIKey+"\n"), 0o600); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find a port for the simulator: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, exe, "odoo-sim", "--dataset", dir, "--addr", addr, "--odoo-api-key-file", keyFile)
	cmd.Env = append(os.Environ(), "AICOO_CONFIG=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("start the simulator: %w", err)
	}
	stop := func() { cancel(); cmd.Wait() } //nolint:errcheck // killed on purpose
	sc := bufio.NewScanner(out)
	sim := &benchSim{url: "http://" + addr, stop: stop}
	for sc.Scan() {
		if db, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "Database:"); ok {
			sim.database = strings.TrimSpace(db)
			break
		}
	}
	go io.Copy(io.Discard, out) //nolint:errcheck // drains the simulator's output
	if sim.database == "" {
		stop()
		return nil, errors.New("the simulator did not start")
	}
	for range 600 {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return sim, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	return nil, errors.New("the simulator does not answer")
}

// warmReport is what the warm step prints for the parent.
type warmReport struct {
	Cold, Warm, Sync, AfterSync time.Duration
	Cached                      int
	HeapMB, ResidentMB          int64
}

// benchWarm is the in-process step: the analyses of a connection as the
// serve process runs them, over one record cache: cold, warm (nothing
// synced since), then after an incremental sync.
func benchWarm(ctx context.Context, e *env, data string) error {
	cfg, err := loadDefaults(e)
	if err != nil {
		return err
	}
	useData(cfg, data)
	logger := slog.New(slog.DiscardHandler)
	s, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer s.Close()
	conn, err := s.ConnectionByName(ctx, cfg.Odoo.Name)
	if err != nil {
		return err
	}
	cache := newRecordCache(cfg)
	today := odoo.DateOf(time.Now().UTC())
	var w warmReport
	timed := func(d *time.Duration, f func() error) error {
		start := time.Now()
		err := f()
		*d = time.Since(start)
		return err
	}
	analyze := func() error {
		_, err := runAnalyses(ctx, cache.AnalysisSource(s, conn.ID), today, conn.OdooURL)
		return err
	}
	if err := timed(&w.Cold, analyze); err != nil {
		return err
	}
	if err := timed(&w.Warm, analyze); err != nil {
		return err
	}
	quiet := &env{stdout: io.Discard, stderr: io.Discard, environ: e.environ}
	if err := timed(&w.Sync, func() error { return runSync(ctx, quiet, cfg, s, logger, false, nil) }); err != nil {
		return err
	}
	if err := timed(&w.AfterSync, analyze); err != nil {
		return err
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.Cached, w.HeapMB, w.ResidentMB = cache.Records(), int64(ms.HeapInuse>>20), residentKB()>>10
	return json.NewEncoder(e.stdout).Encode(w)
}

// residentKB reads this process's resident memory (VmRSS) on Linux, 0
// elsewhere.
func residentKB() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// storeSize returns the SQLite file's size and the bytes and count of the
// stored records. The bytes are the stored data (compressed: see
// internal/store/odoo_record_codec.go) with the dictionaries it needs, as
// bytes (LENGTH of a text counts characters).
func storeSize(data string) (file, rowBytes, rows int64) {
	if fi, err := os.Stat(filepath.Join(data, "aicoo.db")); err == nil {
		file = fi.Size()
	}
	cfg, err := loadDefaults(&env{})
	if err != nil {
		return file, 0, 0
	}
	useData(cfg, data)
	s, err := openStore(context.Background(), cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return file, 0, 0
	}
	defer s.Close()
	var sum, n int64
	if err := s.DB().QueryRow(`SELECT COALESCE(SUM(LENGTH(CAST(data AS BLOB))), 0), COUNT(*) FROM odoo_records`).Scan(&sum, &n); err != nil {
		return file, 0, 0
	}
	var dicts int64
	if err := s.DB().QueryRow(`SELECT COALESCE(SUM(LENGTH(content)), 0) FROM odoo_record_dicts`).Scan(&dicts); err != nil {
		return file, 0, 0
	}
	return file, sum + dicts, n
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s" }

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
