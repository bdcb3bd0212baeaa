package xmlrpc

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds returns the golden and decode-only documents plus a few hostile
// ones. The corpus kept in testdata/fuzz adds inputs found while fuzzing.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, dir := range []string{"golden", "decode"} {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*.xml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	for _, s := range []string{
		"",
		"<methodCall><methodName>m</methodName></methodCall>",
		response(strings.Repeat("<value><array><data>", 70)),
		response("<value><struct><member><name>a\r</name><value>x\r\ny</value></member></struct></value>"),
		response("<value><double>nan</double></value>"),
		response("<value><i8>99999999999</i8></value>"),
		response("<value><dateTime.iso8601>00000101T00:30:00+01:00</dateTime.iso8601></value>"),
		"<methodResponse><fault><value><struct><member><name>faultCode</name><value><i8>4294967296</i8></value></member>" +
			"<member><name>faultString</name><value><int>3</int></value></member></struct></value></fault></methodResponse>",
	} {
		seeds = append(seeds, []byte(s))
	}
	return seeds
}

func FuzzDecodeCall(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		method, params, err := DecodeCall(bytes.NewReader(doc))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		var buf bytes.Buffer
		if err := EncodeCall(&buf, method, params...); err != nil {
			if notReencodable(err) {
				return
			}
			t.Fatalf("re-encode %q %#v: %v", method, params, err)
		}
		method2, params2, err := DecodeCall(&buf)
		if err != nil {
			t.Fatalf("decode re-encoded call: %v\n%s", err, buf.Bytes())
		}
		want, ok := normalize(params)
		if !ok {
			return
		}
		if method2 != normalizeString(method) || !valuesEqual(params2, want) {
			t.Fatalf("round trip changed the call\nfirst:  %q %#v\nsecond: %q %#v", method, params, method2, params2)
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		result, err := DecodeResponse(bytes.NewReader(doc))
		var fault *Fault
		if errors.As(err, &fault) {
			checkFaultRoundTrip(t, fault)
			return
		}
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		var buf bytes.Buffer
		if err := EncodeResponse(&buf, result); err != nil {
			if notReencodable(err) {
				return
			}
			t.Fatalf("re-encode %#v: %v", result, err)
		}
		result2, err := DecodeResponse(&buf)
		if err != nil {
			t.Fatalf("decode re-encoded response: %v\n%s", err, buf.Bytes())
		}
		want, ok := normalize(result)
		if !ok {
			return
		}
		if !valuesEqual(result2, want) {
			t.Fatalf("round trip changed the result\nfirst:  %#v\nsecond: %#v", result, result2)
		}
	})
}

func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("decode error %v does not match ErrMalformed", err)
	}
	if !strings.HasPrefix(err.Error(), "xmlrpc: decode ") {
		t.Fatalf("decode error %q lacks the prefix", err)
	}
}

func checkFaultRoundTrip(t *testing.T, f *Fault) {
	t.Helper()
	var buf bytes.Buffer
	if err := EncodeFault(&buf, f); err != nil {
		if errors.Is(err, ErrIntOverflow) {
			return // an i8 faultCode
		}
		t.Fatalf("re-encode fault %#v: %v", f, err)
	}
	_, err := DecodeResponse(&buf)
	var f2 *Fault
	if !errors.As(err, &f2) {
		t.Fatalf("re-encoded fault decodes as %v", err)
	}
	want := Fault{Code: f.Code, String: normalizeString(f.String), CodeString: normalizeString(f.CodeString)}
	if f.CodeString != "" {
		want.Code = faultCodeFromString(want.CodeString)
	}
	if *f2 != want {
		t.Fatalf("round trip changed the fault\nfirst:  %#v\nsecond: %#v", want, *f2)
	}
}

// notReencodable reports whether err is one of the documented cases where a
// decoded value cannot be sent back: an i8 beyond int32 (Python raises
// OverflowError too) and a NaN or infinite double.
func notReencodable(err error) bool {
	return errors.Is(err, ErrIntOverflow) || errors.Is(err, ErrNonFinite)
}

// normalizeString applies what an XML parser does to a CR written as is.
func normalizeString(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// normalize returns v as it should decode after a round trip. ok is false
// when normalizing struct member names makes two of them equal, since which
// one survives then depends on the encoder's sort order.
func normalize(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		return normalizeString(v), true
	case []any:
		out := make([]any, len(v))
		for i, el := range v {
			n, ok := normalize(el)
			if !ok {
				return nil, false
			}
			out[i] = n
		}
		return out, true
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, el := range v {
			n, ok := normalize(el)
			if !ok {
				return nil, false
			}
			k = normalizeString(k)
			if _, dup := out[k]; dup {
				return nil, false
			}
			out[k] = n
		}
		return out, true
	case float64:
		if math.IsNaN(v) {
			return nil, false
		}
	}
	return v, true
}
