package domain

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// kind groups field types by how their values compare.
type kind uint8

const (
	kString   kind = iota // char, text, html, selection, binary, reference, display name
	kNumber               // integer, float, monetary, many2one_reference: empty is 0
	kRef                  // many2one ids and record ids: empty is not set
	kBool                 // boolean: empty is false
	kDate                 // "YYYY-MM-DD"
	kDatetime             // "YYYY-MM-DD HH:MM:SS"
)

func kindOf(t FieldType) (kind, bool) {
	switch t {
	case TypeChar, TypeText, TypeHTML, TypeSelection, TypeBinary, TypeReference, typeDisplayName:
		return kString, true
	case TypeInteger, TypeFloat, TypeMonetary, TypeMany2oneRef:
		return kNumber, true
	case TypeMany2one, typeID:
		return kRef, true
	case TypeBoolean:
		return kBool, true
	case TypeDate:
		return kDate, true
	case TypeDatetime:
		return kDatetime, true
	}
	return 0, false
}

const (
	dateLayout     = "2006-01-02"
	datetimeLayout = "2006-01-02 15:04:05"
)

// scalar compiles a positive condition (=, in, <, <=, >, >=, like, ilike,
// =like, =ilike) on a non-relational field, or on a many2one compared with
// ids.
func (c *compiler) scalar(model, name string, f Field, op Op, cd *Condition) (pred, error) {
	k, ok := kindOf(f.Type)
	if !ok {
		return nil, condError(model, cd, "field '%s' has unsupported type %q", name, f.Type)
	}
	get := c.getter(model, name, f)
	bad := func(err error) error {
		return condError(model, cd, "%v for %s field '%s'", err, typeName(f.Type), name)
	}
	switch op {
	case OpEq, OpIn:
		items, ok := cd.Value.([]any)
		if !ok {
			items = []any{cd.Value}
		}
		p, err := eqPred(k, get, items)
		if err != nil {
			return nil, bad(err)
		}
		return p, nil
	case OpLt, OpLe, OpGt, OpGe:
		p, err := orderPred(k, get, op, cd.Value)
		if err != nil {
			return nil, bad(err)
		}
		return p, nil
	case OpLike, OpILike, OpEqLike, OpEqILike:
		pattern, err := patternText(cd.Value)
		if err != nil {
			return nil, bad(err)
		}
		m := newLike(pattern, op == OpEqLike || op == OpEqILike, op == OpILike || op == OpEqILike)
		return func(id int64) bool { return m.match(recordText(k, get(id))) }, nil
	}
	return nil, condError(model, cd, "operator %q is not supported on %s field '%s'", cd.Op, typeName(f.Type), name)
}

// eqPred matches records whose value is one of items. False, and the
// type's empty value (0, "" or false), in items match records where the
// field is not set or empty, as Odoo's falsy_value does.
func eqPred(k kind, get func(int64) any, items []any) (pred, error) {
	matchFalsy := false
	switch k {
	case kNumber, kRef:
		set := map[float64]struct{}{}
		for _, it := range items {
			if it == false {
				matchFalsy = true
				continue
			}
			if it == true && k == kRef {
				return nil, fmt.Errorf("invalid value true, want a record id")
			}
			x, err := numArg(it)
			if err != nil {
				return nil, err
			}
			if x == 0 {
				matchFalsy = true
			}
			set[x] = struct{}{}
		}
		return func(id int64) bool {
			x, ok := numValue(get(id))
			if !ok || x == 0 {
				return matchFalsy
			}
			_, in := set[x]
			return in
		}, nil
	case kBool:
		hasTrue := false
		for _, it := range items {
			b, err := boolArg(it)
			if err != nil {
				return nil, err
			}
			hasTrue = hasTrue || b
			matchFalsy = matchFalsy || !b
		}
		return func(id int64) bool {
			if boolValue(get(id)) {
				return hasTrue
			}
			return matchFalsy
		}, nil
	}
	set := map[string]struct{}{}
	for _, it := range items {
		if it == false {
			matchFalsy = true
			continue
		}
		s, err := strArg(k, it, OpEq)
		if err != nil {
			return nil, err
		}
		if s == "" {
			matchFalsy = true
		}
		set[s] = struct{}{}
	}
	return func(id int64) bool {
		s, ok := strValue(k, get(id))
		if !ok || s == "" {
			return matchFalsy
		}
		_, in := set[s]
		return in
	}, nil
}

// orderPred compiles an inequality. It never matches a record whose field
// is not set (numbers are never unset: empty is 0), nor any record when the
// value is False.
func orderPred(k kind, get func(int64) any, op Op, value any) (pred, error) {
	if _, ok := value.([]any); ok {
		return nil, fmt.Errorf("operator %q needs a single value, got a list", op)
	}
	if value == false {
		return always(false), nil
	}
	cmp := func(c int) bool {
		switch op {
		case OpLt:
			return c < 0
		case OpLe:
			return c <= 0
		case OpGt:
			return c > 0
		}
		return c >= 0
	}
	switch k {
	case kNumber, kRef, kBool:
		y, err := numArg(value)
		if err != nil {
			return nil, err
		}
		return func(id int64) bool {
			var x float64
			if k == kBool {
				if boolValue(get(id)) {
					x = 1
				}
			} else {
				var ok bool
				if x, ok = numValue(get(id)); !ok && k == kRef {
					return false
				}
			}
			switch {
			case x < y:
				return cmp(-1)
			case x > y:
				return cmp(1)
			}
			return cmp(0)
		}, nil
	}
	y, err := strArg(k, value, op)
	if err != nil {
		return nil, err
	}
	return func(id int64) bool {
		x, ok := strValue(k, get(id))
		return ok && cmp(strings.Compare(x, y))
	}, nil
}

// numValue converts a stored value to a number; ok is false when the value
// is not set. For kNumber fields callers treat "not set" as 0.
func numValue(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int32:
		return float64(x), true
	case float32:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case bool:
		if x {
			return 1, true
		}
		return 0, false
	case []any: // a many2one read as [id, name]
		if len(x) == 2 {
			return numValue(x[0])
		}
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// numArg converts a domain value for a numeric comparison.
func numArg(v any) (float64, error) {
	switch x := v.(type) {
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return 0, fmt.Errorf("invalid value %q", x)
		}
		return f, nil
	}
	return 0, fmt.Errorf("invalid value %s", describe(v))
}

func boolValue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case nil:
		return false
	}
	f, ok := numValue(v)
	return ok && f != 0
}

func boolArg(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	case float64:
		return x != 0, nil
	}
	return false, fmt.Errorf("invalid value %s, want a boolean", describe(v))
}

// strValue converts a stored value of a string-like field; ok is false when
// the value is not set. Dates and datetimes are normalised so that they
// compare as strings.
func strValue(k kind, v any) (string, bool) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case nil, bool:
		if x != true {
			return "", false
		}
		s = "True"
	default:
		f, ok := numValue(v)
		if !ok {
			return fmt.Sprint(v), true
		}
		s = formatNum(f)
	}
	switch k {
	case kDate:
		if len(s) > 10 {
			s = s[:10]
		}
	case kDatetime:
		s = normDatetime(s)
	}
	return s, true
}

func normDatetime(s string) string {
	if len(s) == 10 {
		return s + " 00:00:00"
	}
	if len(s) > 10 && s[10] == 'T' {
		s = s[:10] + " " + s[11:]
	}
	if len(s) > 19 {
		s = s[:19]
	}
	return s
}

// strArg converts a domain value for a string-like comparison. Date and
// datetime values are validated; a date given for a datetime field means
// 00:00:00 that day, or 23:59:59 for ">" and "<=", as Odoo does.
func strArg(k kind, v any, op Op) (string, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = formatNum(x)
	case bool:
		s = "True"
	default:
		return "", fmt.Errorf("invalid value %s", describe(v))
	}
	switch k {
	case kDate:
		_, isStr := v.(string)
		if len(s) < 10 || !isStr {
			return "", fmt.Errorf("invalid date %s", describe(v))
		}
		if _, err := time.Parse(dateLayout, s[:10]); err != nil {
			return "", fmt.Errorf("invalid date %q", s)
		}
		return s[:10], nil
	case kDatetime:
		_, isStr := v.(string)
		if !isStr {
			return "", fmt.Errorf("invalid datetime %s", describe(v))
		}
		if len(s) == 10 {
			if _, err := time.Parse(dateLayout, s); err != nil {
				return "", fmt.Errorf("invalid datetime %q", s)
			}
			if op == OpGt || op == OpLe {
				return s + " 23:59:59", nil
			}
			return s + " 00:00:00", nil
		}
		n := normDatetime(s)
		if _, err := time.Parse(datetimeLayout, n); err != nil {
			return "", fmt.Errorf("invalid datetime %q, want \"YYYY-MM-DD HH:MM:SS\"", s)
		}
		return n, nil
	}
	return s, nil
}

func formatNum(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e18 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// patternText converts the value of a like operator to its pattern text.
// False (and None) is the empty pattern.
func patternText(v any) (string, error) {
	switch x := v.(type) {
	case bool:
		if !x {
			return "", nil
		}
		return "True", nil
	case string:
		return x, nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return formatNum(x), nil
	}
	return "", fmt.Errorf("invalid pattern %s", describe(v))
}

// recordText renders a stored value as the text a like operator matches,
// like PostgreSQL's ::text cast. A value that is not set is "".
func recordText(k kind, v any) string {
	switch k {
	case kNumber:
		f, _ := numValue(v)
		return formatNum(f)
	case kRef:
		if f, ok := numValue(v); ok && f != 0 {
			return formatNum(f)
		}
		return ""
	case kBool:
		if boolValue(v) {
			return "true"
		}
		return "false"
	}
	s, _ := strValue(k, v)
	return s
}

// likeMatcher implements SQL LIKE and ILIKE: "%" matches any sequence, "_"
// any single character, and a backslash escapes the next character.
type likeMatcher struct {
	fold  bool
	exact bool
	lit   string         // the pattern when it has no wildcard, lower-cased if fold
	re    *regexp.Regexp // otherwise
}

// newLike compiles pattern. Unless exact, the pattern is wrapped in "%...%"
// (like and ilike); fold makes the match case-insensitive (ilike, =ilike).
func newLike(pattern string, exact, fold bool) likeMatcher {
	m := likeMatcher{fold: fold, exact: exact}
	if !strings.ContainsAny(pattern, `%_\`) {
		m.lit = pattern
		if fold {
			m.lit = strings.ToLower(pattern)
		}
		return m
	}
	var b strings.Builder
	if fold {
		b.WriteString("(?i)")
	}
	b.WriteString(`(?s)\A`)
	if !exact {
		b.WriteString(".*")
	}
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			escaped = false
			b.WriteString(regexp.QuoteMeta(string(r)))
		case r == '\\':
			escaped = true
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if escaped { // a trailing backslash stands for itself
		b.WriteString(`\\`)
	}
	if !exact {
		b.WriteString(".*")
	}
	b.WriteString(`\z`)
	m.re = regexp.MustCompile(b.String())
	return m
}

func (m likeMatcher) match(s string) bool {
	switch {
	case m.re != nil:
		return m.re.MatchString(s)
	case !m.fold:
		if m.exact {
			return s == m.lit
		}
		return strings.Contains(s, m.lit)
	case isASCII(s) && isASCII(m.lit):
		// Fast path without allocating a lower-cased copy.
		if m.exact {
			return strings.EqualFold(s, m.lit)
		}
		return containsFoldASCII(s, m.lit)
	}
	s = strings.ToLower(s)
	if m.exact {
		return s == m.lit
	}
	return strings.Contains(s, m.lit)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// containsFoldASCII reports whether s contains lower, ignoring ASCII case;
// lower must be lower case.
func containsFoldASCII(s, lower string) bool {
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == n {
			return true
		}
	}
	return false
}

// toID converts a stored many2one value to an id; 0 means not set.
func toID(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case nil, bool:
		return 0
	}
	f, ok := numValue(v)
	if !ok || f != math.Trunc(f) {
		return 0
	}
	return int64(f)
}

// toIDs converts a stored x2many value (a list of ids) to ids.
func toIDs(v any) []int64 {
	switch x := v.(type) {
	case []int64:
		return x
	case nil, bool:
		return nil
	case []int:
		out := make([]int64, len(x))
		for i, id := range x {
			out[i] = int64(id)
		}
		return out
	}
	items, ok := toList(v)
	if !ok {
		return nil
	}
	out := make([]int64, 0, len(items))
	for _, it := range items {
		if id := toID(it); id != 0 {
			out = append(out, id)
		}
	}
	return out
}
