package xmlrpc

import (
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

// response wraps the XML of one <value> in a methodResponse document.
func response(value string) string {
	return "<?xml version='1.0'?>\n<methodResponse><params><param>" + value + "</param></params></methodResponse>"
}

func TestDecodeValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		value string
		want  any
	}{
		{"untyped keeps whitespace", "<value>\n  a b \n</value>", "\n  a b \n"},
		{"empty untyped", "<value></value>", ""},
		{"self-closing value", "<value/>", ""},
		{"string keeps whitespace", "<value><string> \t x \n</string></value>", " \t x \n"},
		{"whitespace around typed", "<value>\n  <int>1</int>\n</value>", int64(1)},
		{"entities and char refs", "<value><string>&lt;&amp;&gt;&quot;&apos;&#233;&#x4E2D;&#13;</string></value>", "<&>\"'é中\r"},
		{"CR normalised to LF", "<value><string>a\r\nb\rc</string></value>", "a\nb\nc"},
		{"CDATA", "<value><string><![CDATA[<not a tag>]]></string></value>", "<not a tag>"},
		{"comment inside string", "<value><string>a<!-- x -->b</string></value>", "ab"},
		{"int whitespace and sign", "<value><int> +12 </int></value>", int64(12)},
		{"int underscores", "<value><int>1_000</int></value>", int64(1000)},
		{"i8 beyond int32", "<value><i8>9223372036854775807</i8></value>", int64(math.MaxInt64)},
		{"i1 i2 biginteger", "<value><array><data><value><i1>1</i1></value><value><i2>2</i2></value><value><biginteger>3</biginteger></value></data></array></value>",
			[]any{int64(1), int64(2), int64(3)}},
		{"double exponent", "<value><double> 1e-05 </double></value>", 1e-05},
		{"double nan", "<value><double>nan</double></value>", math.NaN()},
		{"double -inf", "<value><double>-Infinity</double></value>", math.Inf(-1)},
		{"double overflow is inf", "<value><double>1e999</double></value>", math.Inf(1)},
		{"bigdecimal", "<value><bigdecimal>1.25</bigdecimal></value>", 1.25},
		{"boolean", "<value><boolean>1</boolean></value>", true},
		{"base64 with line breaks", "<value><base64>\nYW\r\nJj\n</base64></value>", []byte("abc")},
		{"base64 empty", "<value><base64></base64></value>", []byte{}},
		{"datetime Python", "<value><dateTime.iso8601>20240102T03:04:05</dateTime.iso8601></value>", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"datetime compact", "<value><dateTime.iso8601>20240102T030405</dateTime.iso8601></value>", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"datetime zone to UTC", "<value><dateTime.iso8601> 2024-01-02T03:04:05.75+02:00 </dateTime.iso8601></value>", time.Date(2024, 1, 2, 1, 4, 5, 0, time.UTC)},
		{"datetime Z", "<value><dateTime.iso8601>20240102T03:04:05Z</dateTime.iso8601></value>", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"nil", "<value><nil/></value>", nil},
		{"namespaced nil", `<value><ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/></value>`, nil},
		{"array without data", "<value><array></array></value>", []any{}},
		{"struct duplicate name last wins", "<value><struct><member><name>a</name><value>1</value></member><member><name>a</name><value>2</value></member></struct></value>",
			map[string]any{"a": "2"}},
		{"struct name whitespace kept", "<value><struct><member><name> a </name><value><int>1</int></value></member></struct></value>",
			map[string]any{" a ": int64(1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeResponse(strings.NewReader(response(tc.value)))
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			requireEqual(t, got, tc.want)
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	deep := strings.Repeat("<value><array><data>", MaxDepthDefault+1) + "<value>x</value>" +
		strings.Repeat("</data></array></value>", MaxDepthDefault+1)
	tests := []struct {
		name    string
		doc     string
		wantErr error  // besides ErrMalformed
		wantMsg string // prefix of the message
	}{
		{"empty", "", io.ErrUnexpectedEOF, "xmlrpc: decode response: empty document, expected <methodResponse>"},
		{"not XML", "hello", nil, "xmlrpc: decode response: unexpected text"},
		{"wrong root", "<methodCall/>", nil, "xmlrpc: decode response: expected <methodResponse>, found <methodCall>"},
		{"unknown type", response("<value><foo/></value>"), nil, "xmlrpc: decode response: unexpected element <foo> in <value>"},
		{"two types", response("<value><int>1</int><int>2</int></value>"), nil, "xmlrpc: decode response: unexpected element <int> in <value>"},
		{"text and type", response("<value>x<int>1</int></value>"), nil, "xmlrpc: decode response: unexpected text \"x\" before <int>"},
		{"element in int", response("<value><int><b/></int></value>"), nil, "xmlrpc: decode response: unexpected element <b> in <int>"},
		{"bad int", response("<value><int>1.5</int></value>"), nil, "xmlrpc: decode response: bad <int> value \"1.5\""},
		{"hex int", response("<value><int>0x10</int></value>"), nil, "xmlrpc: decode response: bad <int>"},
		{"double underscore", response("<value><int>1__0</int></value>"), nil, "xmlrpc: decode response: bad <int>"},
		{"int64 overflow", response("<value><i8>9223372036854775808</i8></value>"), ErrIntOverflow, "xmlrpc: decode response: bad <i8>"},
		{"hex double", response("<value><double>0x1p-2</double></value>"), nil, "xmlrpc: decode response: bad <double>"},
		{"bad boolean", response("<value><boolean>true</boolean></value>"), nil, "xmlrpc: decode response: bad <boolean>"},
		{"boolean with space", response("<value><boolean> 1</boolean></value>"), nil, "xmlrpc: decode response: bad <boolean>"},
		{"bad base64", response("<value><base64>!!!!</base64></value>"), nil, "xmlrpc: decode response: bad <base64>"},
		{"bad datetime", response("<value><dateTime.iso8601>2024-13-01</dateTime.iso8601></value>"), nil, "xmlrpc: decode response: bad <dateTime.iso8601>"},
		{"mismatched end tag", response("<value><int>1</i4></value>"), nil, "xmlrpc: decode response: unexpected </i4> in <int>"},
		{"truncated", "<methodResponse><params><param><value><string>abc", io.ErrUnexpectedEOF, "xmlrpc: decode response: unexpected end of document in <string>"},
		{"two params", "<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>", nil,
			"xmlrpc: decode response: too many <param> elements"},
		{"no params", "<methodResponse><params></params></methodResponse>", nil, "xmlrpc: decode response: got 0 <param> elements in <params>, want 1"},
		{"empty response", "<methodResponse></methodResponse>", nil, "xmlrpc: decode response: missing <params> or <fault>"},
		{"params and fault", "<methodResponse><params><param><value>1</value></param></params><fault/></methodResponse>", nil,
			"xmlrpc: decode response: unexpected element <fault> in <methodResponse>"},
		{"trailing element", response("<value>1</value>") + "<x/>", nil, "xmlrpc: decode response: unexpected content after the document element"},
		{"member without name", response("<value><struct><member><value>1</value></member></struct></value>"), nil,
			"xmlrpc: decode response: unexpected element <value> in <member>"},
		{"member without value", response("<value><struct><member><name>a</name></member></struct></value>"), nil,
			"xmlrpc: decode response: missing <value> in <member>"},
		{"value directly in array", response("<value><array><value>1</value></array></value>"), nil,
			"xmlrpc: decode response: unexpected element <value> in <array>"},
		{"undefined entity", response("<value>&nbsp;</value>"), nil, "xmlrpc: decode response: XML syntax error"},
		{"DTD entity not expanded", "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>" + response("<value>&a;</value>"), nil, "xmlrpc: decode response: XML syntax error"},
		{"control character", response("<value>\x01</value>"), nil, "xmlrpc: decode response: XML syntax error"},
		{"control char ref", response("<value>&#1;</value>"), nil, "xmlrpc: decode response: XML syntax error"},
		{"invalid UTF-8", response("<value>\xff</value>"), nil, "xmlrpc: decode response: XML syntax error"},
		{"unsupported charset", "<?xml version='1.0' encoding='koi8-r'?>" + response("<value>1</value>"), nil, "xmlrpc: decode response: xml: opening charset"},
		{"depth limit", response(deep), ErrDepthExceeded, "xmlrpc: decode response: nesting depth exceeds limit 64 at line"},
		{"fault not struct", "<methodResponse><fault><value>x</value></fault></methodResponse>", nil, "xmlrpc: decode response: fault value is a string, want a struct"},
		{"fault without code", "<methodResponse><fault><value><struct><member><name>faultString</name><value>x</value></member></struct></value></fault></methodResponse>", nil,
			"xmlrpc: decode response: fault struct lacks an int or string faultCode"},
		{"fault without string", "<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>", nil,
			"xmlrpc: decode response: fault struct lacks faultString"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeResponse(strings.NewReader(tc.doc))
			if err == nil {
				t.Fatalf("decode succeeded with %#v", got)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("err = %v, does not match ErrMalformed", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, does not match %v", err, tc.wantErr)
			}
			if !strings.HasPrefix(err.Error(), tc.wantMsg) {
				t.Errorf("message = %q\nwant prefix %q", err.Error(), tc.wantMsg)
			}
		})
	}
}

func TestDecodeDepthLimit(t *testing.T) {
	t.Parallel()
	nest := func(n int) string {
		return strings.Repeat("<value><struct><member><name>a</name>", n) + "<value>x</value>" +
			strings.Repeat("</member></struct></value>", n)
	}
	if _, err := DecodeResponse(strings.NewReader(response(nest(MaxDepthDefault)))); err != nil {
		t.Errorf("%d nested structs: %v", MaxDepthDefault, err)
	}
	if _, err := DecodeResponse(strings.NewReader(response(nest(MaxDepthDefault + 1)))); !errors.Is(err, ErrDepthExceeded) {
		t.Errorf("%d nested structs: err = %v, want ErrDepthExceeded", MaxDepthDefault+1, err)
	}
	d := &Decoder{MaxDepth: 2}
	if _, err := d.DecodeResponse(strings.NewReader(response(nest(3)))); !errors.Is(err, ErrDepthExceeded) {
		t.Errorf("MaxDepth 2, 3 nested structs: err = %v, want ErrDepthExceeded", err)
	}
}

func TestDecodeFaults(t *testing.T) {
	t.Parallel()
	fault := func(code string) string {
		return "<methodResponse><fault><value><struct><member><name>faultCode</name>" + code +
			"</member><member><name>faultString</name><value><string>msg</string></value></member></struct></value></fault></methodResponse>"
	}
	tests := []struct {
		name    string
		code    string
		want    Fault
		wantMsg string
	}{
		{"int code", "<value><int>4</int></value>", Fault{Code: 4, String: "msg"}, "xmlrpc: fault 4: msg"},
		{"i4 code", "<value><i4>2</i4></value>", Fault{Code: 2, String: "msg"}, "xmlrpc: fault 2: msg"},
		{"access denied", "<value><string>AccessDenied</string></value>", Fault{Code: 3, CodeString: "AccessDenied", String: "msg"}, `xmlrpc: fault "AccessDenied": msg`},
		{"access error", "<value>warning -- AccessError\n\nNo</value>", Fault{Code: 4, CodeString: "warning -- AccessError\n\nNo", String: "msg"}, ""},
		{"user error", "<value>warning -- UserError\n\nNo</value>", Fault{Code: 2, CodeString: "warning -- UserError\n\nNo", String: "msg"}, ""},
		{"numeric string", "<value><string>5</string></value>", Fault{Code: 5, CodeString: "5", String: "msg"}, ""},
		{"exception text", "<value>division by zero</value>", Fault{Code: 1, CodeString: "division by zero", String: "msg"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := DecodeResponse(strings.NewReader(fault(tc.code)))
			var f *Fault
			if got != nil || !errors.As(err, &f) {
				t.Fatalf("got %#v, %v; want a *Fault", got, err)
			}
			if *f != tc.want {
				t.Errorf("fault = %#v, want %#v", *f, tc.want)
			}
			if tc.wantMsg != "" && f.Error() != tc.wantMsg {
				t.Errorf("Error() = %q, want %q", f.Error(), tc.wantMsg)
			}
		})
	}
}

func TestDecodeCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		doc        string
		wantMethod string
		wantParams []any
		wantMsg    string
	}{
		{name: "no params element", doc: "<methodCall><methodName>version</methodName></methodCall>",
			wantMethod: "version", wantParams: []any{}},
		{name: "empty method name", doc: "<methodCall><methodName></methodName><params/></methodCall>",
			wantMethod: "", wantParams: []any{}},
		{name: "several params", doc: "<methodCall><methodName>login</methodName><params><param><value>db</value></param><param><value><int>2</int></value></param></params></methodCall>",
			wantMethod: "login", wantParams: []any{"db", int64(2)}},
		{name: "missing method name", doc: "<methodCall><params/></methodCall>",
			wantMsg: "xmlrpc: decode call: unexpected element <params> in <methodCall>"},
		{name: "no method name at all", doc: "<methodCall></methodCall>",
			wantMsg: "xmlrpc: decode call: missing <methodName> in <methodCall>"},
		{name: "response instead", doc: "<methodResponse/>",
			wantMsg: "xmlrpc: decode call: expected <methodCall>, found <methodResponse>"},
		{name: "param with two values", doc: "<methodCall><methodName>m</methodName><params><param><value>1</value><value>2</value></param></params></methodCall>",
			wantMsg: "xmlrpc: decode call: unexpected element <value> in <param>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			method, params, err := DecodeCall(strings.NewReader(tc.doc))
			if tc.wantMsg != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantMsg) {
					t.Fatalf("err = %v, want prefix %q", err, tc.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if method != tc.wantMethod {
				t.Errorf("method = %q, want %q", method, tc.wantMethod)
			}
			requireEqual(t, params, tc.wantParams)
		})
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestDecodeReadError(t *testing.T) {
	t.Parallel()
	_, err := DecodeResponse(errReader{})
	if err == nil || err.Error() != "xmlrpc: decode response: read: connection reset" {
		t.Fatalf("err = %v", err)
	}
	if errors.Is(err, ErrMalformed) {
		t.Errorf("read error %v matches ErrMalformed", err)
	}
}
