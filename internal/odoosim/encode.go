package odoosim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/aicoo/aicoo/internal/dataset"
)

// object is a JSON object that keeps its keys in insertion order, as a
// Python dict does: read results list "id" first, then the fields in the
// order asked for.
type object struct {
	keys []string
	vals map[string]any
}

// newObject builds an object from key, value pairs.
func newObject(kv ...any) *object {
	o := &object{vals: make(map[string]any, len(kv)/2)}
	for i := 0; i+1 < len(kv); i += 2 {
		o.set(kv[i].(string), kv[i+1])
	}
	return o
}

// set adds or replaces key.
func (o *object) set(key string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// get returns the value of key.
func (o *object) get(key string) any { return o.vals[key] }

// noneType is the Python None a method returned. JSON sends it as null;
// XML-RPC cannot marshal it and faults.
type noneType struct{}

// none is the value of methods that return None.
var none = noneType{}

// writeJSON appends v to buf as JSON the way Python's json.dumps writes it:
// floats always carry a fraction ("1200.0"), objects keep their order.
func writeJSON(buf *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil, noneType:
		buf.WriteString("null")
	case bool:
		buf.WriteString(strconv.FormatBool(x))
	case int:
		buf.WriteString(strconv.Itoa(x))
	case int64:
		buf.WriteString(strconv.FormatInt(x, 10))
	case float64:
		return writeFloat(buf, x)
	case json.Number:
		buf.WriteString(x.String())
	case string:
		writeString(buf, x)
	case []byte:
		writeString(buf, base64.StdEncoding.EncodeToString(x))
	case time.Time:
		writeString(buf, x.UTC().Format(dataset.DatetimeLayout))
	case []int64:
		buf.WriteByte('[')
		for i, n := range x {
			if i > 0 {
				buf.WriteString(", ")
			}
			buf.WriteString(strconv.FormatInt(n, 10))
		}
		buf.WriteByte(']')
	case []string:
		buf.WriteByte('[')
		for i, s := range x {
			if i > 0 {
				buf.WriteString(", ")
			}
			writeString(buf, s)
		}
		buf.WriteByte(']')
	case []any:
		buf.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				buf.WriteString(", ")
			}
			if err := writeJSON(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case *object:
		return writeObject(buf, x.keys, x.vals)
	case map[string]any:
		return writeObject(buf, slices.Sorted(maps.Keys(x)), x)
	case dataset.Record:
		return writeObject(buf, slices.Sorted(maps.Keys(x)), x)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Errorf("odoosim: encode JSON: %w", err)
		}
		buf.Write(b)
	}
	return nil
}

func writeObject[M ~map[string]any](buf *bytes.Buffer, keys []string, vals M) error {
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteString(", ")
		}
		writeString(buf, k)
		buf.WriteString(": ")
		if err := writeJSON(buf, vals[k]); err != nil {
			return err
		}
	}
	buf.WriteByte('}')
	return nil
}

// writeFloat writes f as Python's repr does for the usual range: integral
// values get ".0".
func writeFloat(buf *bytes.Buffer, f float64) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("odoosim: encode JSON: unsupported float %v", f)
	}
	b, _ := json.Marshal(f)
	buf.Write(b)
	if !bytes.ContainsAny(b, ".eE") {
		buf.WriteString(".0")
	}
	return nil
}

const hexDigits = "0123456789abcdef"

// writeString writes s as a JSON string without HTML escaping.
func writeString(buf *bytes.Buffer, s string) {
	buf.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				buf.WriteByte('\\')
				buf.WriteByte(c)
			case c == '\n':
				buf.WriteString(`\n`)
			case c == '\r':
				buf.WriteString(`\r`)
			case c == '\t':
				buf.WriteString(`\t`)
			case c < 0x20:
				buf.WriteString(`\u00`)
				buf.WriteByte(hexDigits[c>>4])
				buf.WriteByte(hexDigits[c&0xf])
			default:
				buf.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf.WriteString(`\ufffd`)
		} else {
			buf.WriteString(s[i : i+size])
		}
		i += size
	}
	buf.WriteByte('"')
}

// toXMLRPC converts a result into values the xmlrpc encoder takes:
// objects become maps. It reports whether v holds a None anywhere, which
// Odoo's marshaller refuses.
func toXMLRPC(v any) (any, bool) {
	switch x := v.(type) {
	case noneType:
		return nil, true
	case *object:
		m := make(map[string]any, len(x.keys))
		bad := false
		for _, k := range x.keys {
			var b bool
			m[k], b = toXMLRPC(x.vals[k])
			bad = bad || b
		}
		return m, bad
	case []any:
		out := make([]any, len(x))
		bad := false
		for i, e := range x {
			var b bool
			out[i], b = toXMLRPC(e)
			bad = bad || b
		}
		return out, bad
	case map[string]any:
		m := make(map[string]any, len(x))
		bad := false
		for k, e := range x {
			var b bool
			m[k], b = toXMLRPC(e)
			bad = bad || b
		}
		return m, bad
	case nil:
		return nil, true
	}
	return v, false
}

// normalizeInput turns decoded request values into the types the ORM
// layer uses: json.Number becomes int64 or float64, XML-RPC datetimes
// become Odoo datetime strings and base64 becomes a string.
func normalizeInput(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case float64:
		return x
	case int:
		return int64(x)
	case time.Time:
		return x.UTC().Format(dataset.DatetimeLayout)
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []any:
		for i := range x {
			x[i] = normalizeInput(x[i])
		}
		return x
	case map[string]any:
		for k := range x {
			x[k] = normalizeInput(x[k])
		}
		return x
	}
	return v
}

// decodeJSON decodes a JSON document with exact numbers and normalises it.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("odoosim: decode JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("odoosim: decode JSON: trailing data")
	}
	return normalizeInput(v), nil
}
