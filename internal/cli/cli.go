// Package cli implements the aicoo command line: one binary with a
// subcommand per role (serve, worker, migrate, demo, version, ...).
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aicoo/aicoo/internal/config"
)

// version is set at build time with
// -ldflags "-X github.com/aicoo/aicoo/internal/cli.version=v1.2.3".
var version = "dev"

// env is what every subcommand receives.
type env struct {
	stdout, stderr io.Writer
	environ        []string
	// args are the command's positional arguments; flags may come before,
	// between or after them.
	args []string
	// rawStdout is stdout before control characters are dropped from it,
	// to tell whether it is a terminal.
	rawStdout io.Writer
	// stdin is the command's standard input (aicoo mcp reads its client
	// there); tests give their own.
	stdin io.Reader
}

// getenv reads a variable from the command's environment, not the process's,
// so tests can run commands side by side.
func (e *env) getenv(name string) string {
	for _, kv := range e.environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v
		}
	}
	return ""
}

type command struct {
	name    string
	summary string
	usage   string // arguments after the name, for the help line
	// setup declares the command's flags; run executes it.
	setup func(fs *flag.FlagSet) func(ctx context.Context, e *env) error
}

// errUsage marks a usage mistake: exit status 2 and the command's help.
var errUsage = errors.New("usage")

// usageError is a usage mistake with its own message: exit status 2, the
// message and a pointer to the help (not the whole help).
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func commands() []command {
	return []command{
		serveCommand(),
		workerCommand(),
		migrateCommand(),
		demoCommand(),
		odooSimCommand(),
		demoDataCommand(),
		syncCommand(),
		analyzeCommand(),
		evalCommand(),
		briefCommand(),
		askCommand(),
		auditCommand(),
		userCommand(),
		tokenCommand(),
		alertsCommand(),
		rulesCommand(),
		escalationCommand(),
		settingsCommand(),
		searchCommand(),
		jobsCommand(),
		notifyCommand(),
		mcpCommand(),
		configCommand(),
		versionCommand(),
	}
}

// Run runs the command line args and returns the exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, environ []string) int {
	e := &env{stdout: newTermSafeWriter(stdout), stderr: stderr, environ: environ, rawStdout: stdout, stdin: os.Stdin}
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			args = []string{args[1], "--help"}
		} else {
			printHelp(stdout, cmds)
			if len(args) == 0 {
				return 2
			}
			return 0
		}
	}
	if args[0] == "--version" {
		args[0] = "version"
	}
	for _, c := range cmds {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet("aicoo "+c.name, flag.ContinueOnError)
		fs.SetOutput(stderr)
		run := c.setup(fs)
		fs.Usage = func() { printUsage(stderr, c, fs) }
		// Unlike the flag package alone, accept flags after positional
		// arguments ("aicoo user add NAME --role cfo").
		rest := args[1:]
		for {
			if err := fs.Parse(rest); err != nil {
				if errors.Is(err, flag.ErrHelp) {
					return 0
				}
				return 2
			}
			if fs.NArg() == 0 {
				break
			}
			e.args = append(e.args, fs.Arg(0))
			rest = fs.Args()[1:]
		}
		if len(e.args) > 0 && c.usage == "" {
			fmt.Fprintf(stderr, "aicoo %s: unexpected argument %q\n", c.name, e.args[0])
			fs.Usage()
			return 2
		}
		warnDeprecated(stderr, c.name, fs)
		if err := run(ctx, e); err != nil {
			if errors.Is(err, errUsage) {
				fs.Usage()
				return 2
			}
			if ue := (*usageError)(nil); errors.As(err, &ue) {
				fmt.Fprintf(stderr, "aicoo %s: %s\nRun \"aicoo %s --help\" for usage.\n", c.name, termSafe(ue.msg), c.name)
				return 2
			}
			fmt.Fprintf(stderr, "aicoo %s: %s\n", c.name, termSafe(err.Error()))
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "aicoo: unknown command %q\n\n", args[0])
	printHelp(stderr, cmds)
	return 2
}

func printHelp(w io.Writer, cmds []command) {
	fmt.Fprintf(w, `aicoo watches a company's Odoo around the clock: it syncs the data, finds
problems in five areas (finance, sales, operations, customers and expenses),
raises alerts, proposes actions and writes a daily briefing.

Usage: aicoo <command> [flags]

Commands:
`)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	for _, c := range cmds {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, firstLine(c.summary))
	}
	tw.Flush()
	fmt.Fprintf(w, `
Run "aicoo <command> --help" for a command's flags.
Configuration: --config FILE (or AICOO_CONFIG) and AICOO_* environment variables;
see "aicoo config --help" and the README.
`)
}

// printUsage writes a command's help: usage line, summary and flags in
// the README's --flag spelling. Deprecated aliases are left out, and so
// is the Flags heading of a command without flags.
func printUsage(w io.Writer, c command, fs *flag.FlagSet) {
	flagsPart := ""
	var b strings.Builder
	fs.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, deprecatedPrefix) {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		fmt.Fprintf(&b, "  --%s", f.Name)
		if name != "" {
			fmt.Fprintf(&b, " %s", name)
		}
		fmt.Fprintf(&b, "\n    \t%s", strings.ReplaceAll(usage, "\n", "\n    \t"))
		if d := f.DefValue; d != "" && d != "0" && d != "false" && d != "0s" && d != "[]" {
			if strings.ContainsAny(d, " \t") {
				d = strconv.Quote(d)
			}
			fmt.Fprintf(&b, " (default %s)", d)
		}
		b.WriteString("\n")
	})
	if b.Len() > 0 {
		flagsPart = " [flags]"
	}
	fmt.Fprintf(w, "Usage: aicoo %s%s%s\n\n%s\n", c.name, flagsPart, c.usage, c.summary)
	if b.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", b.String())
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// configFlag adds --config to a command and returns a loader for it.
func configFlag(fs *flag.FlagSet) func(e *env) (*config.Config, error) {
	path := fs.String("config", "", "configuration `file` (TOML); defaults to $AICOO_CONFIG")
	return func(e *env) (*config.Config, error) {
		p := *path
		if p == "" {
			p = e.getenv("AICOO_CONFIG")
		}
		return config.Load(p, e.environ)
	}
}

// loadDefaults is the configuration of commands without --config: defaults
// and AICOO_* variables.
func loadDefaults(e *env) (*config.Config, error) { return config.Load("", e.environ) }

// newLogger builds the process logger from the configuration.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.SlogLevel()}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func versionCommand() command {
	return command{
		name:    "version",
		summary: "Print the version of aicoo and of Go it was built with.",
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			return func(_ context.Context, e *env) error {
				fmt.Fprintf(e.stdout, "aicoo %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
				return nil
			}
		},
	}
}

func configCommand() command {
	return command{
		name: "config",
		summary: `Check the configuration and print the effective values (secrets hidden).
With --keys, list every key with its environment variable, default and meaning.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			load := configFlag(fs)
			keys := fs.Bool("keys", false, "list every configuration key instead")
			asJSON := fs.Bool("json", false, "print JSON: the values by section, or with --keys the key list (shapes in docs/cli.md)")
			return func(_ context.Context, e *env) error {
				if *keys && *asJSON {
					type keyJSON struct {
						Key     string `json:"key"`
						Env     string `json:"env"`
						Default string `json:"default"`
						Secret  bool   `json:"secret"`
						Doc     string `json:"doc"`
					}
					out := []keyJSON{}
					for _, o := range config.Options() {
						out = append(out, keyJSON{Key: o.Key, Env: o.Env, Default: o.Default, Secret: o.Secret, Doc: o.Doc})
					}
					return writeJSON(e.stdout, out)
				}
				if *keys {
					tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "KEY\tENVIRONMENT\tDEFAULT\tMEANING")
					for _, o := range config.Options() {
						def := o.Default
						if o.Secret {
							def = "(secret; also " + o.Env + "_FILE)"
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Key, o.Env, def, o.Doc)
					}
					return tw.Flush()
				}
				cfg, err := load(e)
				if err != nil {
					return err
				}
				if *asJSON {
					return config.WriteJSON(e.stdout, cfg)
				}
				return config.Write(e.stdout, cfg)
			}
		},
	}
}

// stderrIsTerminal reports whether progress output can redraw lines.
func stderrIsTerminal(w io.Writer) bool { return isTerminal(w) }

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
