package xmlrpc

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// NilPolicy says how an Encoder writes a nil value (a nil interface, pointer,
// or the untyped nil).
type NilPolicy int

const (
	// NilEncode writes <nil/>, like Python's xmlrpc.client with
	// allow_none=True. Python servers, including Odoo, accept it on input,
	// but an Odoo server never sends it. This is the zero value.
	NilEncode NilPolicy = iota
	// NilAsFalse writes <boolean>0</boolean>, which is how Odoo represents
	// an empty field. Use it in a simulator that builds results with nil
	// for "empty".
	NilAsFalse
	// NilReject fails with ErrNilNotAllowed, like Python's default
	// allow_none=False and like Odoo's server marshaller (a method that
	// returns None makes Odoo send a fault).
	NilReject
)

// xmlHeader is what Python's dumps writes for UTF-8 output.
const xmlHeader = "<?xml version='1.0'?>\n"

// Encoder writes XML-RPC documents byte for byte as Python's
// xmlrpc.client.dumps does, with the differences listed in the package
// documentation. The zero value is ready to use. An Encoder has no state
// besides its settings, so one value may be shared by goroutines.
//
// Each Encode method builds the whole document in memory and writes it with
// a single Write call, so on an encoding error nothing is written to w.
type Encoder struct {
	// NilPolicy says how nil values are written. Defaults to NilEncode.
	NilPolicy NilPolicy
	// MaxDepth limits how deeply arrays and structs may nest. Defaults to
	// MaxDepthDefault when zero. It also stops cyclic maps and slices, which
	// Python reports as "cannot marshal recursive dictionaries".
	MaxDepth int
}

// EncodeCall writes a methodCall document for method with params to w using
// a zero Encoder.
func EncodeCall(w io.Writer, method string, params ...any) error {
	return (&Encoder{}).EncodeCall(w, method, params...)
}

// EncodeResponse writes a methodResponse document carrying result to w using
// a zero Encoder. If result is a *Fault or a Fault, a fault response is
// written instead, as Python's dumps does for a Fault instance.
func EncodeResponse(w io.Writer, result any) error {
	return (&Encoder{}).EncodeResponse(w, result)
}

// EncodeFault writes a methodResponse document carrying the fault f to w
// using a zero Encoder.
func EncodeFault(w io.Writer, f *Fault) error {
	return (&Encoder{}).EncodeFault(w, f)
}

// EncodeCall writes a methodCall document for method with params to w. The
// method name is escaped (Python writes it verbatim) and may be empty.
func (e *Encoder) EncodeCall(w io.Writer, method string, params ...any) error {
	buf := make([]byte, 0, 256)
	buf = append(buf, xmlHeader...)
	buf = append(buf, "<methodCall>\n<methodName>"...)
	buf = appendEscaped(buf, method)
	buf = append(buf, "</methodName>\n<params>\n"...)
	st := e.state()
	for i, p := range params {
		buf = append(buf, "<param>\n"...)
		var err error
		if buf, err = st.value(buf, reflect.ValueOf(p), p, 0); err != nil {
			return fmt.Errorf("xmlrpc: encode call %q: param %d%w", method, i, withPath(err))
		}
		buf = append(buf, "</param>\n"...)
	}
	buf = append(buf, "</params>\n</methodCall>\n"...)
	return write(w, buf, "call")
}

// EncodeResponse writes a methodResponse document carrying result to w. If
// result is a *Fault or a Fault, a fault response is written instead, as
// Python's dumps does for a Fault instance.
func (e *Encoder) EncodeResponse(w io.Writer, result any) error {
	switch f := result.(type) {
	case *Fault:
		if f != nil {
			return e.EncodeFault(w, f)
		}
	case Fault:
		return e.EncodeFault(w, &f)
	}
	buf := make([]byte, 0, 256)
	buf = append(buf, xmlHeader...)
	buf = append(buf, "<methodResponse>\n<params>\n<param>\n"...)
	buf, err := e.state().value(buf, reflect.ValueOf(result), result, 0)
	if err != nil {
		return fmt.Errorf("xmlrpc: encode response: result%w", withPath(err))
	}
	buf = append(buf, "</param>\n</params>\n</methodResponse>\n"...)
	return write(w, buf, "response")
}

// EncodeFault writes a methodResponse document carrying the fault f to w.
// The faultCode is f.CodeString as a string when that is not empty (the
// historical /xmlrpc/ endpoints), and f.Code as an int otherwise.
func (e *Encoder) EncodeFault(w io.Writer, f *Fault) error {
	if f == nil {
		return errors.New("xmlrpc: encode fault: nil *Fault")
	}
	buf := make([]byte, 0, 256+len(f.String))
	buf = append(buf, xmlHeader...)
	buf = append(buf, "<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n"...)
	if f.CodeString != "" {
		buf = appendString(buf, f.CodeString)
	} else {
		var err error
		if buf, err = appendInt(buf, int64(f.Code)); err != nil {
			return fmt.Errorf("xmlrpc: encode fault: faultCode: %w", err)
		}
	}
	buf = append(buf, "</member>\n<member>\n<name>faultString</name>\n"...)
	buf = appendString(buf, f.String)
	buf = append(buf, "</member>\n</struct></value>\n</fault>\n</methodResponse>\n"...)
	return write(w, buf, "fault")
}

func write(w io.Writer, buf []byte, what string) error {
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("xmlrpc: encode %s: write: %w", what, err)
	}
	return nil
}

// encodeState holds the resolved settings of one Encode call.
type encodeState struct {
	nil      NilPolicy
	maxDepth int
}

func (e *Encoder) state() encodeState {
	st := encodeState{nil: e.NilPolicy, maxDepth: e.MaxDepth}
	if st.maxDepth <= 0 {
		st.maxDepth = MaxDepthDefault
	}
	return st
}

// pathError records where in a value an encoding error happened. Segments
// are prepended while the error travels up the recursion.
type pathError struct {
	path string
	err  error
}

func (p *pathError) Error() string { return p.path + ": " + p.err.Error() }
func (p *pathError) Unwrap() error { return p.err }

func prependPath(err error, seg string) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return &pathError{path: seg + pe.path, err: pe.err}
	}
	return &pathError{path: seg, err: err}
}

// withPath turns an error from value into a suffix for a message that names
// the top-level value: the path, if any, then ": " and the cause.
func withPath(err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.path, pe.err)
	}
	return fmt.Errorf(": %w", err)
}

var timeType = reflect.TypeFor[time.Time]()

// value appends one <value> element for v. x is v as an interface when the
// caller has it (for the fast path), or nil.
func (st encodeState) value(buf []byte, v reflect.Value, x any, depth int) ([]byte, error) {
	// Fast path for the types decoding produces and Odoo clients use most.
	switch x := x.(type) {
	case nil:
		if !v.IsValid() {
			return st.appendNil(buf)
		}
	case string:
		return appendString(buf, x), nil
	case int64:
		return appendInt(buf, x)
	case int:
		return appendInt(buf, int64(x))
	case bool:
		return appendBool(buf, x), nil
	case float64:
		return appendDouble(buf, x, 64)
	case time.Time:
		return appendTime(buf, x)
	case []byte:
		return appendBase64(buf, x), nil
	}

	switch v.Kind() {
	case reflect.Invalid:
		return st.appendNil(buf)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return st.appendNil(buf)
		}
		return st.value(buf, v.Elem(), nil, depth)
	case reflect.Bool:
		return appendBool(buf, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendInt(buf, v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		u := v.Uint()
		if u > math.MaxInt32 {
			return buf, fmt.Errorf("%d: %w", u, ErrIntOverflow)
		}
		return appendInt(buf, int64(u))
	case reflect.Float32:
		return appendDouble(buf, v.Float(), 32)
	case reflect.Float64:
		return appendDouble(buf, v.Float(), 64)
	case reflect.String:
		return appendString(buf, v.String()), nil
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return appendBase64(buf, v.Bytes()), nil
		}
		return st.array(buf, v, depth)
	case reflect.Array:
		return st.array(buf, v, depth)
	case reflect.Map:
		return st.mapStruct(buf, v, depth)
	case reflect.Struct:
		if v.Type() == timeType {
			return appendTime(buf, v.Interface().(time.Time))
		}
		return st.goStruct(buf, v, depth)
	}
	return buf, fmt.Errorf("%w %s", ErrUnsupportedType, v.Type())
}

func (st encodeState) appendNil(buf []byte) ([]byte, error) {
	switch st.nil {
	case NilAsFalse:
		return appendBool(buf, false), nil
	case NilReject:
		return buf, ErrNilNotAllowed
	default:
		// Python writes no newline after <nil/>.
		return append(buf, "<value><nil/></value>"...), nil
	}
}

func (st encodeState) enter(depth int) error {
	if depth+1 > st.maxDepth {
		return fmt.Errorf("%w %d", ErrDepthExceeded, st.maxDepth)
	}
	return nil
}

func (st encodeState) array(buf []byte, v reflect.Value, depth int) ([]byte, error) {
	if err := st.enter(depth); err != nil {
		return buf, err
	}
	buf = append(buf, "<value><array><data>\n"...)
	for i := range v.Len() {
		el := v.Index(i)
		var err error
		if buf, err = st.value(buf, el, el.Interface(), depth+1); err != nil {
			return buf, prependPath(err, "["+strconv.Itoa(i)+"]")
		}
	}
	return append(buf, "</data></array></value>\n"...), nil
}

func (st encodeState) mapStruct(buf []byte, v reflect.Value, depth int) ([]byte, error) {
	if v.Type().Key().Kind() != reflect.String {
		return buf, fmt.Errorf("%w %s: struct member names must be strings", ErrUnsupportedType, v.Type())
	}
	if err := st.enter(depth); err != nil {
		return buf, err
	}
	keys := make([]reflect.Value, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		keys = append(keys, it.Key())
	}
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	buf = append(buf, "<value><struct>\n"...)
	for _, k := range keys {
		name := k.String()
		buf = appendMemberName(buf, name)
		el := v.MapIndex(k)
		var err error
		if buf, err = st.value(buf, el, el.Interface(), depth+1); err != nil {
			return buf, prependPath(err, "."+name)
		}
		buf = append(buf, "</member>\n"...)
	}
	return append(buf, "</struct></value>\n"...), nil
}

// goStruct encodes the exported fields of a Go struct in declaration order.
// The tag `xmlrpc:"name,omitempty"` renames a member or skips its zero value;
// `xmlrpc:"-"` skips the field. Embedded structs are not flattened.
func (st encodeState) goStruct(buf []byte, v reflect.Value, depth int) ([]byte, error) {
	if err := st.enter(depth); err != nil {
		return buf, err
	}
	t := v.Type()
	buf = append(buf, "<value><struct>\n"...)
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("xmlrpc"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fv := v.Field(i)
		if opts == "omitempty" && fv.IsZero() {
			continue
		}
		buf = appendMemberName(buf, name)
		var err error
		if buf, err = st.value(buf, fv, fv.Interface(), depth+1); err != nil {
			return buf, prependPath(err, "."+name)
		}
		buf = append(buf, "</member>\n"...)
	}
	return append(buf, "</struct></value>\n"...), nil
}

func appendMemberName(buf []byte, name string) []byte {
	buf = append(buf, "<member>\n<name>"...)
	buf = appendEscaped(buf, name)
	return append(buf, "</name>\n"...)
}

func appendBool(buf []byte, b bool) []byte {
	if b {
		return append(buf, "<value><boolean>1</boolean></value>\n"...)
	}
	return append(buf, "<value><boolean>0</boolean></value>\n"...)
}

func appendInt(buf []byte, n int64) ([]byte, error) {
	if n > math.MaxInt32 || n < math.MinInt32 {
		return buf, fmt.Errorf("%d: %w", n, ErrIntOverflow)
	}
	buf = append(buf, "<value><int>"...)
	buf = strconv.AppendInt(buf, n, 10)
	return append(buf, "</int></value>\n"...), nil
}

func appendDouble(buf []byte, f float64, bitSize int) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return buf, fmt.Errorf("%v: %w", f, ErrNonFinite)
	}
	buf = append(buf, "<value><double>"...)
	buf = appendPyFloat(buf, f, bitSize)
	return append(buf, "</double></value>\n"...), nil
}

// appendPyFloat appends f as Python's repr(float) spells it: the shortest
// digits that round-trip, in positional notation with at least one decimal
// ("1.0", "0.0001", "1234567890123456.0") when the decimal exponent is in
// [-4, 16), and in scientific notation with a two-digit minimum exponent
// ("1e+16", "1.5e-05") otherwise. A float32 uses its own shortest digits.
func appendPyFloat(buf []byte, f float64, bitSize int) []byte {
	var tmp [32]byte
	s := strconv.AppendFloat(tmp[:0], f, 'e', -1, bitSize) // "-d.ddde±XX"
	if s[0] == '-' {
		buf = append(buf, '-')
		s = s[1:]
	}
	ePos := slices.Index(s, 'e')
	exp, _ := strconv.Atoi(string(s[ePos+1:]))
	var digits [24]byte
	nd := 0
	for _, c := range s[:ePos] {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	d := digits[:nd]
	switch {
	case exp >= 16 || exp < -4:
		buf = append(buf, d[0])
		if len(d) > 1 {
			buf = append(buf, '.')
			buf = append(buf, d[1:]...)
		}
		buf = append(buf, 'e')
		if exp < 0 {
			buf = append(buf, '-')
			exp = -exp
		} else {
			buf = append(buf, '+')
		}
		if exp < 10 {
			buf = append(buf, '0')
		}
		return strconv.AppendInt(buf, int64(exp), 10)
	case exp < 0:
		buf = append(buf, "0."...)
		for range -exp - 1 {
			buf = append(buf, '0')
		}
		return append(buf, d...)
	default:
		intLen := exp + 1
		if len(d) <= intLen {
			buf = append(buf, d...)
			for range intLen - len(d) {
				buf = append(buf, '0')
			}
			return append(buf, ".0"...)
		}
		buf = append(buf, d[:intLen]...)
		buf = append(buf, '.')
		return append(buf, d[intLen:]...)
	}
}

func appendString(buf []byte, s string) []byte {
	buf = append(buf, "<value><string>"...)
	buf = appendEscaped(buf, s)
	return append(buf, "</string></value>\n"...)
}

// appendEscaped appends s escaped as Python's xmlrpc.client.escape does
// (only &, < and >), after removing what cannot appear in an XML 1.0
// document: control characters other than tab, LF and CR (which Odoo's
// server marshaller strips too) and U+FFFE and U+FFFF. Invalid UTF-8 bytes
// become U+FFFD. CR is written as is, so an XML parser reads it back as LF,
// exactly as happens with Python.
func appendEscaped(buf []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '&':
				buf = append(buf, "&amp;"...)
			case c == '<':
				buf = append(buf, "&lt;"...)
			case c == '>':
				buf = append(buf, "&gt;"...)
			case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
				// Stripped, as Odoo does.
			default:
				buf = append(buf, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = utf8.AppendRune(buf, utf8.RuneError)
		case r == 0xFFFE || r == 0xFFFF:
			// Not an XML character.
		default:
			buf = append(buf, s[i:i+size]...)
		}
		i += size
	}
	return buf
}

// appendBase64 writes data as Python's base64.encodebytes does: lines of at
// most 76 characters, each ending in a newline, after a newline that follows
// the opening tag.
func appendBase64(buf []byte, data []byte) []byte {
	buf = append(buf, "<value><base64>\n"...)
	const lineBytes = 57 // 76 base64 characters
	for len(data) > 0 {
		n := min(len(data), lineBytes)
		buf = base64.StdEncoding.AppendEncode(buf, data[:n])
		buf = append(buf, '\n')
		data = data[n:]
	}
	return append(buf, "</base64></value>\n"...)
}

// appendTime writes t converted to UTC in Python's format
// "YYYYMMDDTHH:MM:SS". Odoo treats datetimes as naive UTC, so the location
// is dropped after conversion; sub-second precision is dropped as Python
// does.
func appendTime(buf []byte, t time.Time) ([]byte, error) {
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return buf, fmt.Errorf("%w: time %s: year outside [0, 9999]", ErrUnsupportedType, t.Format(time.RFC3339))
	}
	buf = append(buf, "<value><dateTime.iso8601>"...)
	buf = t.AppendFormat(buf, "20060102T15:04:05")
	return append(buf, "</dateTime.iso8601></value>\n"...), nil
}
