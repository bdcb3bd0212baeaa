package odoo

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Odoo's wire formats for dates and datetimes. Datetimes are naive UTC.
const (
	DateLayout     = "2006-01-02"
	DatetimeLayout = "2006-01-02 15:04:05"
)

// Many2One is a many2one value as read with the default load: [id, "name"],
// or the zero value for False.
type Many2One struct {
	ID   int64
	Name string
}

// IsZero reports whether the field was empty (False).
func (m Many2One) IsZero() bool { return m.ID == 0 }

// Date is a calendar date without time zone, as Odoo's date fields are. The
// zero Date means False (empty).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero Date (False).
func (d Date) IsZero() bool { return d == Date{} }

// String formats d as "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText writes d as "YYYY-MM-DD" (JSON: a string), and the zero
// Date as "".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "YYYY-MM-DD"; "" is the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// In returns midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.Year != e.Year:
		return cmpInt(d.Year, e.Year)
	case d.Month != e.Month:
		return cmpInt(int(d.Month), int(e.Month))
	default:
		return cmpInt(d.Day, e.Day)
	}
}

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.In(time.UTC).AddDate(0, 0, n)) }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ParseDatetime parses Odoo's naive UTC "YYYY-MM-DD HH:MM:SS" (an optional
// fraction of a second is accepted) and returns a time in UTC.
func ParseDatetime(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999", s, time.UTC)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid datetime %q: %w", s, err)
	}
	return t, nil
}

// FormatDatetime formats t in UTC as Odoo expects datetimes in domains and
// values.
func FormatDatetime(t time.Time) string { return t.UTC().Format(DatetimeLayout) }

// IsFalse reports whether v is Odoo's empty value: boolean false (or JSON
// null, which a method returning None gives over JSON-RPC).
func IsFalse(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	}
	return false
}

// decodeInt reads an integer sent as a JSON number, a float64, or an
// XML-RPC int.
func decodeInt(v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i, nil
		}
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("not a number: %q", x)
		}
		return floatToInt(f)
	case float64:
		return floatToInt(x)
	case int:
		return int64(x), nil
	case int64:
		return x, nil
	case int32:
		return int64(x), nil
	}
	return 0, fmt.Errorf("expected an integer, got %s", describe(v))
}

func floatToInt(f float64) (int64, error) {
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, fmt.Errorf("expected an integer, got %v", f)
	}
	return int64(f), nil
}

// decodeFloat reads a number. False is accepted as 0, which some computed
// numeric fields send when empty.
func decodeFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("not a number: %q", x)
		}
		return f, nil
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int:
		return float64(x), nil
	case int64:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case bool:
		if !x {
			return 0, nil
		}
	}
	return 0, fmt.Errorf("expected a number, got %s", describe(v))
}

// decodeString reads a char, text, html or selection value; False gives "".
func decodeString(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	}
	if IsFalse(v) {
		return "", nil
	}
	return "", fmt.Errorf("expected a string or False, got %s", describe(v))
}

// decodeBool reads a boolean.
func decodeBool(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case nil:
		return false, nil
	}
	return false, fmt.Errorf("expected a boolean, got %s", describe(v))
}

// decodeMany2One reads [id, "name"], a bare id (load=None), or False.
func decodeMany2One(v any) (Many2One, error) {
	if IsFalse(v) {
		return Many2One{}, nil
	}
	switch x := v.(type) {
	case []any:
		if len(x) != 2 {
			return Many2One{}, fmt.Errorf("expected [id, name], got %d elements", len(x))
		}
		id, err := decodeInt(x[0])
		if err != nil {
			return Many2One{}, err
		}
		name, err := decodeString(x[1])
		if err != nil {
			return Many2One{}, err
		}
		return Many2One{ID: id, Name: name}, nil
	default:
		id, err := decodeInt(v)
		if err != nil {
			return Many2One{}, fmt.Errorf("expected [id, name] or False, got %s", describe(v))
		}
		return Many2One{ID: id}, nil
	}
}

// decodeIDs reads an x2many value (a list of ids). False gives nil.
func decodeIDs(v any) ([]int64, error) {
	if IsFalse(v) {
		return nil, nil
	}
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case []int64:
		return x, nil
	case []int:
		out := make([]int64, len(x))
		for i, id := range x {
			out[i] = int64(id)
		}
		return out, nil
	default:
		return nil, fmt.Errorf("expected a list of ids, got %s", describe(v))
	}
	out := make([]int64, 0, len(list))
	for _, e := range list {
		id, err := decodeInt(e)
		if err != nil {
			return nil, fmt.Errorf("list of ids: %w", err)
		}
		out = append(out, id)
	}
	return out, nil
}

// decodeDate reads "YYYY-MM-DD" or False.
func decodeDate(v any) (Date, error) {
	if IsFalse(v) {
		return Date{}, nil
	}
	switch x := v.(type) {
	case string:
		if len(x) > len(DateLayout) {
			// A datetime where a date was expected (project.task
			// date_deadline changed type in 17): keep the date part.
			x = x[:len(DateLayout)]
		}
		return ParseDate(x)
	case time.Time:
		return DateOf(x.UTC()), nil
	}
	return Date{}, fmt.Errorf("expected a date or False, got %s", describe(v))
}

// decodeDatetime reads "YYYY-MM-DD HH:MM:SS" (UTC) or False, giving the
// zero time for False. A date alone is read as midnight UTC.
func decodeDatetime(v any) (time.Time, error) {
	if IsFalse(v) {
		return time.Time{}, nil
	}
	switch x := v.(type) {
	case string:
		if len(x) == len(DateLayout) {
			d, err := ParseDate(x)
			if err != nil {
				return time.Time{}, err
			}
			return d.In(time.UTC), nil
		}
		return ParseDatetime(x)
	case time.Time:
		return x.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("expected a datetime or False, got %s", describe(v))
}

// describe names the type of a decoded value for error messages.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return strconv.Quote(x)
	case json.Number:
		return "number " + x.String()
	case []any:
		return fmt.Sprintf("list of %d", len(x))
	case map[string]any:
		return "object"
	}
	return strings.TrimPrefix(fmt.Sprintf("%T", v), "*")
}
