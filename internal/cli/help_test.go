package cli

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// commandFlags declares every command's flags, keyed by command.
func commandFlags() map[string]*flag.FlagSet {
	out := map[string]*flag.FlagSet{}
	for _, c := range commands() {
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.setup(fs)
		out[c.name] = fs
	}
	return out
}

// TestHelpText: one full sentence per command in "aicoo --help", the five
// analysis areas named, flags spelled --flag as in the README, deprecated
// names hidden, and no empty Flags section.
func TestHelpText(t *testing.T) {
	t.Parallel()
	_, out, _ := run(t, nil, "--help")
	for _, area := range []string{"finance", "sales", "operations", "customers", "expenses"} {
		if !strings.Contains(out, area) {
			t.Errorf("--help does not name the %s area", area)
		}
	}
	for _, c := range commands() {
		line := firstLine(c.summary)
		if !strings.HasSuffix(line, ".") || len(line) > 100 {
			t.Errorf("%s: the help line is not one full sentence of at most 100 characters: %q", c.name, line)
		}
		code, _, help := run(t, nil, c.name, "--help")
		if code != 0 {
			t.Fatalf("%s --help: exit %d", c.name, code)
		}
		for _, l := range strings.Split(help, "\n") {
			if strings.HasPrefix(l, "  -") && !strings.HasPrefix(l, "  --") {
				t.Errorf("%s --help spells a flag with one dash: %q", c.name, l)
			}
			if strings.Contains(l, "deprecated") {
				t.Errorf("%s --help shows a deprecated flag: %q", c.name, l)
			}
		}
		if strings.HasSuffix(strings.TrimSpace(help), "Flags:") {
			t.Errorf("%s --help ends with an empty Flags section", c.name)
		}
	}
	_, _, help := run(t, nil, "version", "--help")
	if strings.Contains(help, "Flags:") || strings.Contains(help, "[flags]") {
		t.Errorf("version has no flags but its help says so:\n%s", help)
	}
}

// synonyms are names for one concept; a command line uses only the first.
var synonyms = [][]string{
	{"dataset", "dir", "data-dir", "input", "in"},
	{"data", "store", "store-dir", "datadir"},
	{"out", "output", "output-dir"},
	{"as", "actor", "by", "acting-user"},
	{"odoo-url", "url", "odoo"},
	{"odoo-database", "db", "database", "odoo-db"},
	{"odoo-username", "login", "username", "odoo-login", "odoo-user"},
	{"verbose", "v", "debug"},
	{"connection", "conn", "connection-name"},
	{"today", "date-today", "as-of", "now"},
	{"size", "company-size"},
	{"json", "format-json"},
}

// TestFlagNamesConsistent walks every command's flags: one name per
// concept (older names only as deprecated aliases), the same default for
// the same flag everywhere, and no secret taken as a flag value.
func TestFlagNamesConsistent(t *testing.T) {
	t.Parallel()
	used := map[string][]string{}     // live flag name -> commands
	defaults := map[string][]string{} // flag name -> "cmd=default"
	for name, fs := range commandFlags() {
		fs.VisitAll(func(f *flag.Flag) {
			if strings.HasPrefix(f.Usage, deprecatedPrefix) {
				return
			}
			used[f.Name] = append(used[f.Name], name)
			if !slices.Contains(defaults[f.Name], f.DefValue) {
				defaults[f.Name] = append(defaults[f.Name], f.DefValue)
			}
			if (strings.Contains(f.Name, "password") || strings.Contains(f.Name, "api-key") || strings.Contains(f.Name, "secret")) &&
				!strings.HasSuffix(f.Name, "-file") && !strings.HasSuffix(f.Name, "-stdin") {
				t.Errorf("%s --%s takes a secret as a flag value: use a -file or -stdin flag", name, f.Name)
			}
		})
	}
	for _, group := range synonyms {
		var names []string
		for _, n := range group {
			if len(used[n]) > 0 {
				names = append(names, n)
			}
		}
		if len(names) > 1 {
			for _, n := range names {
				t.Errorf("two names for one concept: --%s in %v", n, used[n])
			}
		}
		if len(names) == 1 && names[0] != group[0] {
			t.Errorf("--%s in %v: the name for this concept is --%s", names[0], used[names[0]], group[0])
		}
	}
	// Flags whose default must agree wherever they appear. (--data is
	// aicoo-demo for the demo, which creates that folder, and empty, that
	// is looked up, elsewhere.)
	for _, n := range []string{"size", "seed", "today", "connection", "config", "json", "verbose"} {
		if len(defaults[n]) > 1 {
			t.Errorf("--%s has different defaults across commands: %q", n, defaults[n])
		}
	}
}

// TestDeprecatedFlagWarns: an old flag name still works and says what
// replaces it.
func TestDeprecatedFlagWarns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"eval", "--dataset", t.TempDir(), "-v"}, "aicoo eval: --v is deprecated: use --verbose"},
		{[]string{"analyze", "--data", t.TempDir(), "--db", "x"}, "aicoo analyze: --db is deprecated: use --odoo-database"},
		{[]string{"analyze", "--data", t.TempDir(), "--api-key", "k"}, "aicoo analyze: --api-key is deprecated: use --odoo-api-key-file: a value on the command line is visible"},
		{[]string{"odoo-sim", "--error-rate", "2", "--login", "x"}, "aicoo odoo-sim: --login is deprecated: use --odoo-username"},
	}
	for _, tt := range tests {
		code, out, errOut := run(t, nil, tt.args...)
		if !strings.Contains(errOut, tt.want) {
			t.Errorf("%v: exit %d\n%s%s", tt.args, code, out, errOut)
		}
	}
}
