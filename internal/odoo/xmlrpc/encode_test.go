package xmlrpc

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

// encodeValue returns the <value> element the zero Encoder writes for v.
func encodeValue(t *testing.T, e *Encoder, v any) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	if err := e.EncodeResponse(&buf, v); err != nil {
		if buf.Len() != 0 {
			t.Errorf("failed encode wrote %d bytes, want 0", buf.Len())
		}
		return "", err
	}
	s := strings.TrimPrefix(buf.String(), xmlHeader+"<methodResponse>\n<params>\n<param>\n")
	return strings.TrimSuffix(s, "</param>\n</params>\n</methodResponse>\n"), nil
}

type partner struct {
	ID       int64   `xmlrpc:"id"`
	Name     string  `xmlrpc:"name"`
	Email    *string `xmlrpc:"email,omitempty"`
	Skipped  string  `xmlrpc:"-"`
	Untagged bool
	private  int
}

type label string

func TestEncodeValues(t *testing.T) {
	t.Parallel()
	email := "a@b.c"
	var nilPtr *int
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"int8", int8(-5), "<value><int>-5</int></value>\n"},
		{"uint32 max int32", uint32(math.MaxInt32), "<value><int>2147483647</int></value>\n"},
		{"named int", time.Month(3), "<value><int>3</int></value>\n"},
		{"named string", label("x<y"), "<value><string>x&lt;y</string></value>\n"},
		{"float32 shortest", float32(0.1), "<value><double>0.1</double></value>\n"},
		{"float big positional", 1234567890123456.0, "<value><double>1234567890123456.0</double></value>\n"},
		{"pointer", &email, "<value><string>a@b.c</string></value>\n"},
		{"nil pointer", nilPtr, "<value><nil/></value>"},
		{"nil slice", []int(nil), "<value><array><data>\n</data></array></value>\n"},
		{"typed slice", []int{1, 2}, "<value><array><data>\n<value><int>1</int></value>\n<value><int>2</int></value>\n</data></array></value>\n"},
		{"array", [1]string{"a"}, "<value><array><data>\n<value><string>a</string></value>\n</data></array></value>\n"},
		{"nil map", map[string]int(nil), "<value><struct>\n</struct></value>\n"},
		{"named key map sorted", map[label]int{"b": 2, "a": 1},
			"<value><struct>\n<member>\n<name>a</name>\n<value><int>1</int></value>\n</member>\n" +
				"<member>\n<name>b</name>\n<value><int>2</int></value>\n</member>\n</struct></value>\n"},
		{"go struct", partner{ID: 1, Name: "n", Skipped: "s", private: 3},
			"<value><struct>\n<member>\n<name>id</name>\n<value><int>1</int></value>\n</member>\n" +
				"<member>\n<name>name</name>\n<value><string>n</string></value>\n</member>\n" +
				"<member>\n<name>Untagged</name>\n<value><boolean>0</boolean></value>\n</member>\n</struct></value>\n"},
		{"go struct omitempty set", partner{Email: &email},
			"<value><struct>\n<member>\n<name>id</name>\n<value><int>0</int></value>\n</member>\n" +
				"<member>\n<name>name</name>\n<value><string></string></value>\n</member>\n" +
				"<member>\n<name>email</name>\n<value><string>a@b.c</string></value>\n</member>\n" +
				"<member>\n<name>Untagged</name>\n<value><boolean>0</boolean></value>\n</member>\n</struct></value>\n"},
		{"control chars stripped like Odoo", "a\x00b\x01\x08\x0b\x0c\x0e\x1fc\td\ne\rf",
			"<value><string>abc\td\ne\rf</string></value>\n"},
		{"non-characters stripped", "a\uFFFEb\uFFFFc", "<value><string>abc</string></value>\n"},
		{"invalid UTF-8 replaced", "a\xffb", "<value><string>a\uFFFDb</string></value>\n"},
		{"time converted to UTC", time.Date(2024, 1, 2, 3, 4, 5, 999, time.FixedZone("x", 3600)),
			"<value><dateTime.iso8601>20240102T02:04:05</dateTime.iso8601></value>\n"},
		{"named bytes", json([]byte("{}")), "<value><base64>\ne30=\n</base64></value>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := encodeValue(t, &Encoder{}, tc.in)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

type json []byte

func TestEncodeErrors(t *testing.T) {
	t.Parallel()
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	deep := any(int64(1))
	for range MaxDepthDefault + 1 {
		deep = []any{deep}
	}
	tests := []struct {
		name    string
		enc     Encoder
		in      any
		wantErr error
		wantMsg string
	}{
		{"int over int32", Encoder{}, int64(math.MaxInt32) + 1, ErrIntOverflow,
			"xmlrpc: encode response: result: 2147483648: int exceeds XML-RPC limits"},
		{"int under int32", Encoder{}, math.MinInt32 - 1, ErrIntOverflow, ""},
		{"uint over int32", Encoder{}, uint64(1 << 40), ErrIntOverflow, ""},
		{"nested overflow path", Encoder{}, map[string]any{"ids": []any{1, int64(1) << 33}}, ErrIntOverflow,
			"xmlrpc: encode response: result.ids[1]: 8589934592: int exceeds XML-RPC limits"},
		{"NaN", Encoder{}, math.NaN(), ErrNonFinite, ""},
		{"Inf", Encoder{}, float32(math.Inf(-1)), ErrNonFinite, ""},
		{"channel", Encoder{}, make(chan int), ErrUnsupportedType,
			"xmlrpc: encode response: result: unsupported type chan int"},
		{"func in struct", Encoder{}, struct{ F func() }{}, ErrUnsupportedType, ""},
		{"int map keys", Encoder{}, map[int]string{1: "a"}, ErrUnsupportedType, ""},
		{"complex", Encoder{}, complex(1, 2), ErrUnsupportedType, ""},
		{"year 10000", Encoder{}, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), ErrUnsupportedType, ""},
		{"nil rejected", Encoder{NilPolicy: NilReject}, []any{nil}, ErrNilNotAllowed,
			"xmlrpc: encode response: result[0]: cannot marshal None unless allow_none is enabled"},
		{"cyclic map", Encoder{}, cyclic, ErrDepthExceeded, ""},
		{"too deep", Encoder{}, deep, ErrDepthExceeded, ""},
		{"custom depth", Encoder{MaxDepth: 1}, []any{[]any{}}, ErrDepthExceeded, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := encodeValue(t, &tc.enc, tc.in)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if tc.wantMsg != "" && err.Error() != tc.wantMsg {
				t.Errorf("message = %q\nwant      %q", err.Error(), tc.wantMsg)
			}
			if !strings.HasPrefix(err.Error(), "xmlrpc: ") {
				t.Errorf("message %q lacks the xmlrpc: prefix", err.Error())
			}
		})
	}
}

func TestEncodeDepthLimitIsInclusive(t *testing.T) {
	t.Parallel()
	v := any(int64(1))
	for range MaxDepthDefault {
		v = []any{v}
	}
	if _, err := encodeValue(t, &Encoder{}, v); err != nil {
		t.Fatalf("%d nested arrays: %v", MaxDepthDefault, err)
	}
}

func TestEncodeNilPolicy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		policy NilPolicy
		want   string
	}{
		{NilEncode, "<value><nil/></value>"},
		{NilAsFalse, "<value><boolean>0</boolean></value>\n"},
	}
	for _, tc := range tests {
		got, err := encodeValue(t, &Encoder{NilPolicy: tc.policy}, nil)
		if err != nil {
			t.Fatalf("policy %d: %v", tc.policy, err)
		}
		if got != tc.want {
			t.Errorf("policy %d: got %q, want %q", tc.policy, got, tc.want)
		}
	}
}

func TestEncodeCallErrorNamesParam(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := EncodeCall(&buf, "execute_kw", "db", int64(1)<<40)
	want := `xmlrpc: encode call "execute_kw": param 1: 1099511627776: int exceeds XML-RPC limits`
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes on error", buf.Len())
	}
}

func TestEncodeCallEscapesMethodName(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := EncodeCall(&buf, "a<b&c"); err != nil {
		t.Fatal(err)
	}
	method, params, err := DecodeCall(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if method != "a<b&c" || len(params) != 0 {
		t.Errorf("got %q %v", method, params)
	}
}

func TestEncodeResponseFaultValue(t *testing.T) {
	t.Parallel()
	var a, b bytes.Buffer
	f := &Fault{Code: 3, String: "Access Denied"}
	if err := EncodeResponse(&a, f); err != nil {
		t.Fatal(err)
	}
	if err := EncodeFault(&b, f); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("EncodeResponse(*Fault) = %q, want the fault document %q", a.String(), b.String())
	}
	if err := EncodeFault(&b, nil); err == nil {
		t.Error("EncodeFault(nil) succeeded")
	}
	if err := EncodeFault(&b, &Fault{Code: math.MaxInt32 + 1}); !errors.Is(err, ErrIntOverflow) {
		t.Errorf("EncodeFault(huge code) = %v, want ErrIntOverflow", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestEncodeWriteError(t *testing.T) {
	t.Parallel()
	err := EncodeResponse(failWriter{}, 1)
	if err == nil || err.Error() != "xmlrpc: encode response: write: disk full" {
		t.Fatalf("err = %v", err)
	}
}

func TestAppendPyFloat(t *testing.T) {
	t.Parallel()
	// Expected strings are Python's repr() of the same floats.
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0.0"},
		{1, "1.0"},
		{-2.5, "-2.5"},
		{1e-4, "0.0001"},
		{1.5e-4, "0.00015"},
		{9.999e-5, "9.999e-05"},
		{1e15, "1000000000000000.0"},
		{9999999999999998, "9999999999999998.0"},
		{1e16, "1e+16"},
		{1.2345e100, "1.2345e+100"},
		{1e-100, "1e-100"},
		{0.30000000000000004, "0.30000000000000004"},
		{123.456, "123.456"},
	}
	for _, tc := range tests {
		if got := string(appendPyFloat(nil, tc.in, 64)); got != tc.want {
			t.Errorf("appendPyFloat(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
