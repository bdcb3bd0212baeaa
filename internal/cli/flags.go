package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aicoo/aicoo/internal/config"
)

// deprecatedPrefix starts the usage of a flag kept only as an old name:
// it is hidden from the help and warns when used.
const deprecatedPrefix = "deprecated: "

// deprecatedAlias keeps old as a name of the flag current (declared
// before), for scripts written against earlier releases.
func deprecatedAlias(fs *flag.FlagSet, old, current string) {
	f := fs.Lookup(current)
	fs.Var(f.Value, old, deprecatedPrefix+"use --"+current)
}

// warnDeprecated tells, on stderr, which deprecated flags a command line
// used and what replaces them.
func warnDeprecated(w io.Writer, cmd string, fs *flag.FlagSet) {
	fs.Visit(func(f *flag.Flag) {
		if rest, ok := strings.CutPrefix(f.Usage, deprecatedPrefix); ok {
			fmt.Fprintf(w, "aicoo %s: --%s is deprecated: %s\n", cmd, f.Name, rest)
		}
	})
}

// secretFlag declares --NAME-file for a secret and keeps --NAME, which
// takes the secret itself, as a deprecated flag: a value on the command
// line is visible to every user of the machine (ps, shell history). The
// returned function reads the secret: from the file, from standard input
// when the file is "-", or from the deprecated flag; "" when none is set.
func secretFlag(fs *flag.FlagSet, name, what string) func(stdin io.Reader) (string, error) {
	file := fs.String(name+"-file", "", "`file` holding "+what+" (\"-\": read standard input)")
	value := fs.String(name, "", deprecatedPrefix+"use --"+name+"-file: a value on the command line is visible to other users (ps, shell history)")
	return func(stdin io.Reader) (string, error) {
		switch {
		case *file == "-":
			line, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return "", fmt.Errorf("--%s-file -: read standard input: %w", name, err)
			}
			return strings.TrimRight(line, "\r\n"), nil
		case *file != "":
			b, err := os.ReadFile(*file)
			if err != nil {
				return "", fmt.Errorf("--%s-file: %w", name, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
		return *value, nil
	}
}

// defaultSize is the generated company's size wherever one is generated
// (demo, demo-data, odoo-sim, eval).
const defaultSize = "medium"

// odooFlags adds the Odoo connection flags, named after the configuration
// keys they override, to sync and analyze, and returns what applies them.
func odooFlags(fs *flag.FlagSet) func(e *env, o *odooOverrides) error {
	url := fs.String("odoo-url", "", "Odoo `URL`, overrides odoo.url")
	db := fs.String("odoo-database", "", "Odoo `database`, overrides odoo.database")
	user := fs.String("odoo-username", "", "Odoo `login` aicoo acts as, overrides odoo.username")
	key := secretFlag(fs, "odoo-api-key", "the Odoo API key, overrides odoo.api_key")
	return func(e *env, o *odooOverrides) error {
		k, err := key(os.Stdin)
		if err != nil {
			return err
		}
		*o = odooOverrides{url: *url, database: *db, username: *user, apiKey: k}
		return nil
	}
}

// odooOverrides are the Odoo flags given on a command line.
type odooOverrides struct{ url, database, username, apiKey string }

// apply writes the overrides given onto the configuration.
func (o odooOverrides) apply(cfg *config.Config) {
	for _, v := range []struct {
		dst *string
		v   string
	}{{&cfg.Odoo.URL, o.url}, {&cfg.Odoo.Database, o.database}, {&cfg.Odoo.Username, o.username}} {
		if v.v != "" {
			*v.dst = v.v
		}
	}
	if o.apiKey != "" {
		cfg.Odoo.APIKey = config.Secret(o.apiKey)
	}
}
