package dataset

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// normalize checks value against field f and returns it in its in-memory
// form (see Record). It accepts both values decoded from JSON (json.Number,
// []any) and values already in memory form.
func normalize(f *Field, value any) (any, error) {
	if value == nil {
		return nil, errors.New("null is not a value: use false for empty values")
	}
	if f.Derived {
		if f.Type == One2many {
			return nil, fmt.Errorf("one2many fields are derived from %s.%s and not stored: set that many2one instead", f.Relation, f.InverseName)
		}
		return nil, fmt.Errorf("the field is computed by the simulator (%s) and not stored", f.Compute)
	}
	switch f.Type {
	case Integer:
		n, ok := asInt(value)
		if !ok {
			return nil, fmt.Errorf("want an integer, got %s", describe(value))
		}
		return n, nil
	case Float, Monetary:
		x, ok := asFloat(value)
		if !ok {
			return nil, fmt.Errorf("want a number, got %s", describe(value))
		}
		return x, nil
	case Boolean:
		b, ok := value.(bool)
		if !ok {
			return nil, fmt.Errorf("want true or false, got %s", describe(value))
		}
		return b, nil
	case Char, Text, HTML, Binary:
		return stringOrFalse(value, func(string) error { return nil })
	case Selection:
		return stringOrFalse(value, func(s string) error {
			if !f.HasValue(s) {
				vals := make([]string, len(f.Selection))
				for i, o := range f.Selection {
					vals[i] = o.Value
				}
				return fmt.Errorf("%q is not one of %s", s, strings.Join(vals, ", "))
			}
			return nil
		})
	case Date:
		return stringOrFalse(value, func(s string) error {
			if !validDate(s) {
				return fmt.Errorf("%q is not a date YYYY-MM-DD", s)
			}
			return nil
		})
	case Datetime:
		return stringOrFalse(value, func(s string) error {
			if len(s) != 19 || s[10] != ' ' || !validDate(s[:10]) || !validClock(s[11:]) {
				return fmt.Errorf("%q is not a datetime YYYY-MM-DD HH:MM:SS (UTC)", s)
			}
			return nil
		})
	case Many2one:
		if b, ok := value.(bool); ok {
			if b {
				return nil, errors.New("want an id or false, got true")
			}
			return false, nil
		}
		n, ok := asInt(value)
		if !ok || n <= 0 {
			return nil, fmt.Errorf("want a positive id or false, got %s", describe(value))
		}
		return n, nil
	case Many2many:
		return idList(value)
	}
	return nil, fmt.Errorf("unsupported field type %q", f.Type)
}

func stringOrFalse(value any, check func(string) error) (any, error) {
	switch v := value.(type) {
	case bool:
		if v {
			return nil, errors.New("want a string or false, got true")
		}
		return false, nil
	case string:
		if err := check(v); err != nil {
			return nil, err
		}
		return v, nil
	}
	return nil, fmt.Errorf("want a string or false, got %s", describe(value))
}

func idList(value any) (any, error) {
	switch v := value.(type) {
	case []int64:
		for _, id := range v {
			if id <= 0 {
				return nil, fmt.Errorf("id %d is not positive", id)
			}
		}
		return v, nil
	case []any:
		out := make([]int64, 0, len(v))
		for _, x := range v {
			n, ok := asInt(x)
			if !ok || n <= 0 {
				return nil, fmt.Errorf("want a list of positive ids, found %s", describe(x))
			}
			out = append(out, n)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of ids, got %s", describe(value))
}

func asInt(value any) (int64, bool) {
	switch v := value.(type) {
	case int64:
		return v, true
	case int:
		return int64(v), true
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err == nil {
			return n, true
		}
		f, err := v.Float64()
		if err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), true
		}
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
	}
	return 0, false
}

func asFloat(value any) (float64, bool) {
	var x float64
	switch v := value.(type) {
	case float64:
		x = v
	case int64:
		x = float64(v)
	case int:
		x = float64(v)
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return 0, false
		}
		x = f
	default:
		return 0, false
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// describe names the JSON kind of a value for error messages.
func describe(value any) string {
	switch v := value.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case string:
		if len(v) > 40 {
			v = v[:40] + "..."
		}
		return "string " + strconv.Quote(v)
	case json.Number:
		return "number " + string(v)
	case int64, int, float64:
		return fmt.Sprintf("number %v", v)
	case []any, []int64:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", value)
}

// digits parses s as a non-negative decimal number made of digits only.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// validDate reports whether s is a calendar date "YYYY-MM-DD".
func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	y, ok1 := digits(s[:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:])
	if !ok1 || !ok2 || !ok3 || y == 0 || m < 1 || m > 12 || d < 1 {
		return false
	}
	return d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// validClock reports whether s is a time of day "HH:MM:SS".
func validClock(s string) bool {
	if len(s) != 8 || s[2] != ':' || s[5] != ':' {
		return false
	}
	h, ok1 := digits(s[:2])
	m, ok2 := digits(s[3:5])
	sec, ok3 := digits(s[6:])
	return ok1 && ok2 && ok3 && h < 24 && m < 60 && sec < 60
}

// converted reports whether normalize returns a value of another type than
// v (so Load must store the result).
func converted(v any) bool {
	switch v.(type) {
	case string, bool, float64, []int64:
		return false
	}
	return true
}

// emptyValue returns the value Load fills in for a field a record omits.
func emptyValue(f *Field) any {
	if f.Default != nil {
		return f.Default
	}
	switch f.Type {
	case Integer:
		return int64(0)
	case Float, Monetary:
		return float64(0)
	case Many2many:
		return []int64{}
	}
	return false
}
