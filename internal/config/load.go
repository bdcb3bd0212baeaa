package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// EnvPrefix starts every environment variable aicoo reads.
const EnvPrefix = "AICOO_"

// Secret is a string that never prints: String and MarshalText redact it,
// so a secret cannot leak through logs or a printed configuration.
type Secret string

// String returns a redacted form that shows only whether the value is set.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "********"
}

// LogValue keeps the secret out of slog output.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Duration is a time.Duration written as "30s" or "10m" in the file.
type Duration time.Duration

// UnmarshalText parses a Go duration such as "90s" or "1h30m".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("want a duration such as 30s, 5m or 1h")
	}
	*d = Duration(v)
	return nil
}

// MarshalText writes the duration in Go's format.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// String formats the duration as Go does, without zero trailing units
// ("1h", not "1h0m0s").
func (d Duration) String() string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// Option describes one configuration key, for validation and documentation.
type Option struct {
	Key     string // "store.postgres_dsn"
	Env     string // "AICOO_STORE_POSTGRES_DSN"
	Doc     string
	Default string
	Secret  bool

	field []int // index path into Config
}

// Options lists every key with its documentation and default, in file order.
func Options() []Option {
	var opts []Option
	def := reflect.ValueOf(Default())
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		sec := t.Field(i)
		if !sec.IsExported() {
			continue
		}
		secName := sec.Tag.Get("toml")
		for j := range sec.Type.NumField() {
			f := sec.Type.Field(j)
			key := secName + "." + f.Tag.Get("toml")
			o := Option{
				Key:    key,
				Env:    EnvPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_")),
				Doc:    f.Tag.Get("doc"),
				Secret: f.Tag.Get("secret") == "true",
				field:  []int{i, j},
			}
			if !o.Secret {
				o.Default = fmt.Sprint(def.FieldByIndex(o.field).Interface())
			}
			opts = append(opts, o)
		}
	}
	return opts
}

// Load reads the configuration: defaults, then the TOML file at path (if
// path is not empty), then AICOO_* variables from environ (in os.Environ
// form). It returns an error naming the offending key on any unknown key,
// bad value or failed validation.
func Load(path string, environ []string) (*Config, error) {
	cfg := Default()
	opts := Options()
	byKey := make(map[string]Option, len(opts))
	for _, o := range opts {
		byKey[o.Key] = o
	}
	root := reflect.ValueOf(&cfg).Elem()
	cfg.set = map[string]bool{}

	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("config: read %s: %w", path, err)
		}
		if err := loadFile(path, string(b), root, byKey, cfg.set); err != nil {
			return nil, err
		}
	}
	if err := loadEnv(environ, root, byKey, cfg.set); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// loadFile decodes the TOML document key by key, so each error names its key
// and secret _file twins are resolved.
func loadFile(path, doc string, root reflect.Value, byKey map[string]Option, set map[string]bool) error {
	var raw map[string]any
	if _, err := toml.Decode(doc, &raw); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("config: %s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		return fmt.Errorf("config: %s: %w", path, err)
	}
	sections := make([]string, 0, len(raw))
	for s := range raw {
		sections = append(sections, s)
	}
	sort.Strings(sections)
	for _, s := range sections {
		table, ok := raw[s].(map[string]any)
		if !ok {
			return fmt.Errorf("config: %s: unknown key %q%s", path, s, suggest(s, byKey))
		}
		names := make([]string, 0, len(table))
		for n := range table {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			key := s + "." + n
			v := table[n]
			if base, isFile := strings.CutSuffix(key, "_file"); isFile {
				if o, ok := byKey[base]; ok && o.Secret {
					str, ok := v.(string)
					if !ok {
						return fmt.Errorf("config: %s: %s: want a file path string", path, key)
					}
					if err := setFromFile(root, o, str); err != nil {
						return fmt.Errorf("config: %s: %s: %w", path, key, err)
					}
					set[o.Key] = true
					continue
				}
			}
			o, ok := byKey[key]
			if !ok {
				return fmt.Errorf("config: %s: unknown key %q%s", path, key, suggest(key, byKey))
			}
			if err := setValue(root.FieldByIndex(o.field), v); err != nil {
				return fmt.Errorf("config: %s: %s: %w", path, key, err)
			}
			set[key] = true
		}
	}
	return nil
}

func loadEnv(environ []string, root reflect.Value, byKey map[string]Option, set map[string]bool) error {
	byEnv := make(map[string]Option, len(byKey))
	for _, o := range byKey {
		byEnv[o.Env] = o
	}
	sort.Strings(environ)
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		// AICOO_CONFIG names the file; AICOO_TOKEN is a client's API token
		// ("aicoo mcp" acts as its user), not configuration.
		if !strings.HasPrefix(name, EnvPrefix) || name == EnvPrefix+"CONFIG" || name == EnvPrefix+"TOKEN" {
			continue
		}
		if base, isFile := strings.CutSuffix(name, "_FILE"); isFile {
			if o, ok := byEnv[base]; ok && o.Secret {
				if err := setFromFile(root, o, value); err != nil {
					return fmt.Errorf("config: %s: %w", name, err)
				}
				set[o.Key] = true
				continue
			}
		}
		o, ok := byEnv[name]
		if !ok {
			return fmt.Errorf("config: unknown environment variable %s%s", name, suggestEnv(name, byEnv))
		}
		if err := setValue(root.FieldByIndex(o.field), value); err != nil {
			if o.Secret {
				return fmt.Errorf("config: %s: %w", name, err)
			}
			return fmt.Errorf("config: %s=%q: %w", name, value, err)
		}
		set[o.Key] = true
	}
	return nil
}

func setFromFile(root reflect.Value, o Option, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read secret file: %w", err)
	}
	root.FieldByIndex(o.field).SetString(strings.TrimSpace(string(b)))
	return nil
}

// setValue assigns a TOML value (or an environment string) to a field.
func setValue(f reflect.Value, v any) error {
	if tu, ok := f.Addr().Interface().(interface{ UnmarshalText([]byte) error }); ok {
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string such as \"30s\", got %v", v)
		}
		return tu.UnmarshalText([]byte(s))
	}
	switch f.Kind() {
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("want a string, got %v", v)
		}
		f.SetString(s)
	case reflect.Int:
		switch x := v.(type) {
		case int64:
			f.SetInt(x)
		case string:
			n, err := strconv.Atoi(strings.TrimSpace(x))
			if err != nil {
				return fmt.Errorf("want a whole number")
			}
			f.SetInt(int64(n))
		default:
			return fmt.Errorf("want a whole number, got %v", v)
		}
	case reflect.Float64:
		switch x := v.(type) {
		case float64:
			f.SetFloat(x)
		case int64:
			f.SetFloat(float64(x))
		case string:
			n, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
			if err != nil {
				return fmt.Errorf("want a number")
			}
			f.SetFloat(n)
		default:
			return fmt.Errorf("want a number, got %v", v)
		}
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			f.SetBool(x)
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(x))
			if err != nil {
				return fmt.Errorf("want true or false")
			}
			f.SetBool(b)
		default:
			return fmt.Errorf("want true or false, got %v", v)
		}
	default:
		return fmt.Errorf("unsupported field kind %s", f.Kind())
	}
	return nil
}

// suggest names the closest known key, for misspellings.
func suggest(key string, byKey map[string]Option) string {
	best, bestD := "", 4
	for k := range byKey {
		if d := editDistance(key, k); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func suggestEnv(name string, byEnv map[string]Option) string {
	best, bestD := "", 4
	for k := range byEnv {
		if d := editDistance(name, k); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Write prints the configuration as TOML with secrets redacted.
func Write(w io.Writer, cfg *Config) error {
	root := reflect.ValueOf(cfg).Elem()
	section := ""
	for _, o := range Options() {
		sec, name, _ := strings.Cut(o.Key, ".")
		if sec != section {
			if section != "" {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "[%s]\n", sec)
			section = sec
		}
		v := root.FieldByIndex(o.field).Interface()
		switch x := v.(type) {
		case Secret:
			fmt.Fprintf(w, "%s = %q\n", name, x.String())
		case string:
			fmt.Fprintf(w, "%s = %q\n", name, x)
		case Duration:
			fmt.Fprintf(w, "%s = %q\n", name, x.String())
		default:
			fmt.Fprintf(w, "%s = %v\n", name, x)
		}
	}
	return nil
}

// WriteJSON prints the configuration as one JSON object of sections, each
// an object of keys ({"store": {"data_dir": "./aicoo-data", ...}, ...}),
// with secrets redacted as in Write and durations as Go durations ("30s").
func WriteJSON(w io.Writer, cfg *Config) error {
	root := reflect.ValueOf(cfg).Elem()
	out := map[string]map[string]any{}
	for _, o := range Options() {
		sec, name, _ := strings.Cut(o.Key, ".")
		if out[sec] == nil {
			out[sec] = map[string]any{}
		}
		v := root.FieldByIndex(o.field).Interface()
		switch x := v.(type) {
		case Secret:
			v = x.String()
		case Duration:
			v = x.String()
		}
		out[sec][name] = v
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
