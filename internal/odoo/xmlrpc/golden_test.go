package xmlrpc

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// goldenCase is one file in testdata/golden, written by Python's
// xmlrpc.client (see testdata/gen_golden.py). The values use the types the
// Decoder produces, so each case checks both directions: encoding them gives
// Python's bytes, and decoding Python's bytes gives them back.
type goldenCase struct {
	name   string
	kind   string // "call", "response" or "fault"
	method string
	params []any
	result any
	fault  *Fault
}

func bytesRange() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func goldenCases() []goldenCase {
	return []goldenCase{
		{name: "call_scalars", kind: "call", method: "m",
			params: []any{int64(1), int64(math.MinInt32), int64(math.MaxInt32), int64(0), "a", true, false}},
		{name: "call_doubles", kind: "call", method: "m",
			params: []any{1.5, 0.1, math.Copysign(0, -1), 0.0, 1e16, 1e15, 1e-05, 0.0001, 100.0, 123456789.125,
				1.7976931348623157e308, 5e-324, -1.5e-07, 2.5e+20}},
		{name: "call_strings", kind: "call", method: "res.partner.search",
			params: []any{"a<b>&c", "é ü 中文 😀", "tab\tnl\n", "  spaced  ", "", "quote\"'", "]]>"}},
		{name: "call_execute_kw", kind: "call", method: "execute_kw",
			params: []any{"odoo", int64(2), "secret", "res.partner", "search_read",
				[]any{[]any{[]any{"is_company", "=", true}, []any{"name", "ilike", "a&b"}}},
				map[string]any{
					"context": map[string]any{"lang": "en_US", "tz": "Europe/Brussels"},
					"fields":  []any{"name", "email"},
					"limit":   int64(5),
				}}},
		{name: "call_binary_datetime", kind: "call", method: "m",
			params: []any{[]byte{}, []byte("abc"), bytesRange(),
				time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC),
				time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC)}},
		{name: "call_nil", kind: "call", method: "m",
			params: []any{nil, []any{nil, int64(1)}, map[string]any{"a": nil}}},
		{name: "call_empty", kind: "call", method: "version", params: []any{}},
		{name: "call_nested", kind: "call", method: "m",
			params: []any{[]any{}, map[string]any{}, []any{
				[]any{int64(1), []any{int64(2), []any{int64(3)}}},
				map[string]any{"k": []any{map[string]any{"z": map[string]any{}}}},
			}}},
		{name: "response_int", kind: "response", result: int64(7)},
		{name: "response_false", kind: "response", result: false},
		{name: "response_nil", kind: "response", result: nil},
		{name: "response_version", kind: "response", result: map[string]any{
			"protocol_version":    int64(1),
			"server_serie":        "17.0",
			"server_version":      "17.0",
			"server_version_info": []any{int64(17), int64(0), int64(0), "final", int64(0), ""},
		}},
		{name: "response_search_read", kind: "response", result: []any{
			map[string]any{"email": false, "id": int64(7), "name": "Azure Interior",
				"parent_id": false, "write_date": "2024-05-06 07:08:09"},
			map[string]any{"email": "deco@example.com", "id": int64(9), "name": "Deco Addict",
				"parent_id": []any{int64(7), "Azure Interior"}, "write_date": "2024-05-06 07:08:10"},
		}},
		{name: "fault_int", kind: "fault", fault: &Fault{Code: 2,
			String: "Record does not exist or has been deleted.\n(Record: res.partner(42,), User: 2)"}},
		{name: "fault_traceback", kind: "fault", fault: &Fault{Code: 1,
			String: "Traceback (most recent call last):\n  File \"odoo/http.py\", line 1, in <module>\n" +
				"ValueError: Invalid field 'x' on model 'res.partner'\n"}},
		{name: "fault_string_warning", kind: "fault", fault: &Fault{Code: FaultCodeWarning,
			CodeString: "warning -- MissingError\n\nRecord does not exist or has been deleted."}},
		{name: "fault_string_access_denied", kind: "fault", fault: &Fault{Code: FaultCodeAccessDenied,
			CodeString: "AccessDenied", String: "Access Denied"}},
	}
}

func readGolden(t *testing.T, dir, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", dir, name+".xml"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestGoldenEncode(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			want := readGolden(t, "golden", tc.name)
			var buf bytes.Buffer
			var err error
			switch tc.kind {
			case "call":
				err = EncodeCall(&buf, tc.method, tc.params...)
			case "response":
				err = EncodeResponse(&buf, tc.result)
			case "fault":
				err = EncodeFault(&buf, tc.fault)
			}
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if got := buf.Bytes(); !bytes.Equal(got, want) {
				t.Errorf("encoding differs from Python's\ngot:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestGoldenDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range goldenCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := readGolden(t, "golden", tc.name)
			switch tc.kind {
			case "call":
				method, params, err := DecodeCall(bytes.NewReader(doc))
				if err != nil {
					t.Fatalf("DecodeCall: %v", err)
				}
				if method != tc.method {
					t.Errorf("method = %q, want %q", method, tc.method)
				}
				requireEqual(t, params, tc.params)
			case "response":
				got, err := DecodeResponse(bytes.NewReader(doc))
				if err != nil {
					t.Fatalf("DecodeResponse: %v", err)
				}
				requireEqual(t, got, tc.result)
			case "fault":
				got, err := DecodeResponse(bytes.NewReader(doc))
				if got != nil {
					t.Errorf("result = %#v, want nil", got)
				}
				var f *Fault
				if !errors.As(err, &f) {
					t.Fatalf("err = %v, want a *Fault", err)
				}
				if *f != *tc.fault {
					t.Errorf("fault = %#v, want %#v", f, tc.fault)
				}
			}
		})
	}
}

// TestDecodePythonOnly reads documents that Python reads (as checked by
// gen_golden.py) but that this package's Encoder never writes.
func TestDecodePythonOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call bool
		want any
	}{
		{name: "untyped_and_aliases", want: []any{"  untyped  ", "", int64(42), int64(-9000000000), nil, 2.5, "  kept  "}},
		{name: "pretty_printed", want: map[string]any{"id": int64(5)}},
		{name: "datetime_dashes", want: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{name: "call_latin1", call: true, want: []any{"café"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := readGolden(t, "decode", tc.name)
			var (
				got any
				err error
			)
			if tc.call {
				_, got, err = DecodeCall(bytes.NewReader(doc))
			} else {
				got, err = DecodeResponse(bytes.NewReader(doc))
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			requireEqual(t, got, tc.want)
		})
	}
}

// requireEqual compares decoded values. time.Time values are compared with
// Equal, everything else with reflect.DeepEqual after that substitution.
func requireEqual(t *testing.T, got, want any) {
	t.Helper()
	if !valuesEqual(got, want) {
		t.Fatalf("value differs\ngot:  %#v\nwant: %#v", got, want)
	}
}

func valuesEqual(a, b any) bool {
	switch a := a.(type) {
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Equal(b) && a.Location() == b.Location()
	case []any:
		b, ok := b.([]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for i := range a {
			if !valuesEqual(a[i], b[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, av := range a {
			bv, ok := b[k]
			if !ok || !valuesEqual(av, bv) {
				return false
			}
		}
		return true
	case float64:
		b, ok := b.(float64)
		// Compare bit patterns so that -0.0 and 0.0 differ and NaN equals NaN.
		return ok && math.Float64bits(a) == math.Float64bits(b)
	case string:
		b, ok := b.(string)
		return ok && a == b
	}
	return reflect.DeepEqual(a, b)
}
