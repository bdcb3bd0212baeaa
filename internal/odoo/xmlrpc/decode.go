package xmlrpc

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// Decoder reads XML-RPC documents into Go values. The zero value is ready to
// use. A Decoder has no state besides its settings, so one value may be shared
// by goroutines.
//
// Decoded values have these types: int64 (int, i4, i8, i1, i2, biginteger),
// float64 (double, float, bigdecimal), bool, string (string, and a <value>
// with text but no type element), []any (array), map[string]any (struct),
// time.Time in UTC (dateTime.iso8601), []byte (base64) and nil (nil). Element
// names are matched on their local part, so <ex:nil/> and <ex:i8> work as in
// Python.
//
// The Decoder reads r to its end and does not limit its size: an HTTP server
// should wrap the body in http.MaxBytesReader.
type Decoder struct {
	// MaxDepth limits how deeply arrays and structs may nest. Defaults to
	// MaxDepthDefault when zero.
	MaxDepth int
}

// DecodeCall reads a methodCall document from r using a zero Decoder.
func DecodeCall(r io.Reader) (method string, params []any, err error) {
	return (&Decoder{}).DecodeCall(r)
}

// DecodeResponse reads a methodResponse document from r using a zero Decoder.
// A fault response is returned as a *Fault error.
func DecodeResponse(r io.Reader) (any, error) {
	return (&Decoder{}).DecodeResponse(r)
}

// DecodeCall reads a methodCall document from r and returns the method name
// and the parameters, which is an empty, non-nil slice when the call has
// none. The <params> element may be left out, as the XML-RPC specification
// allows.
func (d *Decoder) DecodeCall(r io.Reader) (method string, params []any, err error) {
	s := d.newState(r, "call")
	if err := s.root("methodCall"); err != nil {
		return "", nil, err
	}
	haveName := false
	params = []any{}
	haveParams := false
	for {
		tok, err := s.structural("methodCall")
		if err != nil {
			return "", nil, err
		}
		switch tok := tok.(type) {
		case xml.EndElement:
			if !haveName {
				return "", nil, s.errorf(nil, "missing <methodName> in <methodCall>")
			}
			if err := s.trailer(); err != nil {
				return "", nil, err
			}
			return method, params, nil
		case xml.StartElement:
			switch {
			case tok.Name.Local == "methodName" && !haveName && !haveParams:
				text, err := s.text("methodName")
				if err != nil {
					return "", nil, err
				}
				method, haveName = string(text), true
			case tok.Name.Local == "params" && haveName && !haveParams:
				if params, err = s.params(-1); err != nil {
					return "", nil, err
				}
				haveParams = true
			default:
				return "", nil, s.unexpected(tok, "methodCall")
			}
		}
	}
}

// DecodeResponse reads a methodResponse document from r. It returns the
// single result value, or a *Fault as the error when the server sent a
// fault. Any other error wraps ErrMalformed when the document was at fault.
// Unlike Python, which returns a tuple, a response must carry exactly one
// parameter.
func (d *Decoder) DecodeResponse(r io.Reader) (any, error) {
	s := d.newState(r, "response")
	if err := s.root("methodResponse"); err != nil {
		return nil, err
	}
	var (
		result any
		fault  *Fault
		done   bool
	)
	for {
		tok, err := s.structural("methodResponse")
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.EndElement:
			if !done {
				return nil, s.errorf(nil, "missing <params> or <fault> in <methodResponse>")
			}
			if err := s.trailer(); err != nil {
				return nil, err
			}
			if fault != nil {
				return nil, fault
			}
			return result, nil
		case xml.StartElement:
			switch {
			case tok.Name.Local == "params" && !done:
				params, err := s.params(1)
				if err != nil {
					return nil, err
				}
				result, done = params[0], true
			case tok.Name.Local == "fault" && !done:
				if fault, err = s.fault(); err != nil {
					return nil, err
				}
				done = true
			default:
				return nil, s.unexpected(tok, "methodResponse")
			}
		}
	}
}

// decodeError is a decoding failure caused by the document. It matches
// ErrMalformed and its cause (an *xml.SyntaxError, ErrIntOverflow,
// ErrDepthExceeded...) with errors.Is and errors.As.
type decodeError struct {
	msg   string
	cause error
}

func (e *decodeError) Error() string { return e.msg }

func (e *decodeError) Unwrap() []error {
	if e.cause == nil {
		return []error{ErrMalformed}
	}
	return []error{ErrMalformed, e.cause}
}

// decodeState is the parser for one document.
type decodeState struct {
	dec      *xml.Decoder
	src      *sourceReader
	what     string // "call" or "response", for messages
	maxDepth int
	buf      []byte            // text of the element being read
	names    map[string]string // interned struct member names
}

// maxInterned bounds the member-name intern table.
const maxInterned = 1024

func (d *Decoder) newState(r io.Reader, what string) *decodeState {
	src := &sourceReader{r: r}
	dec := xml.NewDecoder(src)
	dec.Strict = true
	dec.CharsetReader = charsetReader
	s := &decodeState{dec: dec, src: src, what: what, maxDepth: d.MaxDepth, names: make(map[string]string)}
	if s.maxDepth <= 0 {
		s.maxDepth = MaxDepthDefault
	}
	return s
}

// errorf builds a decode error with the document position appended.
func (s *decodeState) errorf(cause error, format string, args ...any) error {
	line, col := s.dec.InputPos()
	msg := fmt.Sprintf("xmlrpc: decode %s: %s at line %d, column %d", s.what, fmt.Sprintf(format, args...), line, col)
	return &decodeError{msg: msg, cause: cause}
}

func (s *decodeState) unexpected(tok xml.StartElement, in string) error {
	return s.errorf(nil, "unexpected element <%s> in <%s>", qname(tok.Name), in)
}

func qname(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// token returns the next token that matters: comments and processing
// instructions are skipped. io.EOF is returned as is.
func (s *decodeState) token() (xml.Token, error) {
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			if s.src.err != nil && err == s.src.err {
				// The input failed, not the document.
				return nil, fmt.Errorf("xmlrpc: decode %s: read: %w", s.what, err)
			}
			return nil, &decodeError{msg: fmt.Sprintf("xmlrpc: decode %s: %v", s.what, err), cause: err}
		}
		switch tok.(type) {
		case xml.Comment, xml.ProcInst:
			continue
		}
		return tok, nil
	}
}

// tokenIn is token with io.EOF turned into an error naming the open element.
func (s *decodeState) tokenIn(in string) (xml.Token, error) {
	tok, err := s.token()
	if err == io.EOF {
		return nil, s.errorf(io.ErrUnexpectedEOF, "unexpected end of document in <%s>", in)
	}
	return tok, err
}

// structural returns the next start or end element inside in, skipping
// whitespace. Non-whitespace text is an error.
func (s *decodeState) structural(in string) (xml.Token, error) {
	for {
		tok, err := s.tokenIn(in)
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !isSpace(t) {
				return nil, s.errorf(nil, "unexpected text %q in <%s>", abbrev(t), in)
			}
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			// RawToken does not check that end tags match; every end tag
			// reached here must close the element being read.
			if t.Name.Local != in {
				return nil, s.errorf(nil, "unexpected </%s> in <%s>", qname(t.Name), in)
			}
			return t, nil
		case xml.Directive:
			return nil, s.errorf(nil, "unexpected directive in <%s>", in)
		}
	}
}

// root skips the prolog and checks the document element's name.
func (s *decodeState) root(want string) error {
	for {
		tok, err := s.token()
		if err == io.EOF {
			return s.errorf(io.ErrUnexpectedEOF, "empty document, expected <%s>", want)
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !isSpace(t) {
				return s.errorf(nil, "unexpected text %q before <%s>", abbrev(t), want)
			}
		case xml.Directive:
			// A DOCTYPE is allowed and ignored. Entities it declares are not
			// expanded: using one is a syntax error.
		case xml.StartElement:
			if t.Name.Local != want {
				return s.errorf(nil, "expected <%s>, found <%s>", want, qname(t.Name))
			}
			return nil
		case xml.EndElement:
			return s.errorf(nil, "unexpected </%s> before <%s>", qname(t.Name), want)
		}
	}
}

// trailer checks that only whitespace, comments and processing instructions
// follow the document element.
func (s *decodeState) trailer() error {
	for {
		tok, err := s.token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if t, ok := tok.(xml.CharData); ok && isSpace(t) {
			continue
		}
		return s.errorf(nil, "unexpected content after the document element")
	}
}

// params reads the content of <params>. If want is not negative, exactly
// that many parameters are required.
func (s *decodeState) params(want int) ([]any, error) {
	params := []any{}
	for {
		tok, err := s.structural("params")
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.EndElement:
			if want >= 0 && len(params) != want {
				return nil, s.errorf(nil, "got %d <param> elements in <params>, want %d", len(params), want)
			}
			return params, nil
		case xml.StartElement:
			if tok.Name.Local != "param" {
				return nil, s.unexpected(tok, "params")
			}
			if want >= 0 && len(params) >= want {
				return nil, s.errorf(nil, "too many <param> elements in <params>, want %d", want)
			}
			v, err := s.wrappedValue("param", 0)
			if err != nil {
				return nil, err
			}
			params = append(params, v)
		}
	}
}

// wrappedValue reads the content of an element (param, fault, member's
// <value> already handled elsewhere) that holds exactly one <value>.
func (s *decodeState) wrappedValue(in string, depth int) (any, error) {
	tok, err := s.structural(in)
	if err != nil {
		return nil, err
	}
	start, ok := tok.(xml.StartElement)
	if !ok {
		return nil, s.errorf(nil, "missing <value> in <%s>", in)
	}
	if start.Name.Local != "value" {
		return nil, s.unexpected(start, in)
	}
	v, err := s.value(depth)
	if err != nil {
		return nil, err
	}
	tok, err = s.structural(in)
	if err != nil {
		return nil, err
	}
	if start, ok := tok.(xml.StartElement); ok {
		return nil, s.unexpected(start, in)
	}
	return v, nil
}

// fault reads the content of <fault>.
func (s *decodeState) fault() (*Fault, error) {
	v, err := s.wrappedValue("fault", 0)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, s.errorf(nil, "fault value is %s, want a struct", typeName(v))
	}
	f := &Fault{}
	switch code := m["faultCode"].(type) {
	case int64:
		f.Code = int(code)
	case string:
		f.Code, f.CodeString = faultCodeFromString(code), code
	case nil:
		return nil, s.errorf(nil, "fault struct lacks an int or string faultCode")
	default:
		return nil, s.errorf(nil, "faultCode is %s, want int or string", typeName(code))
	}
	switch str := m["faultString"].(type) {
	case string:
		f.String = str
	case nil:
		if _, ok := m["faultString"]; !ok {
			return nil, s.errorf(nil, "fault struct lacks faultString")
		}
	default:
		f.String = fmt.Sprint(str)
	}
	return f, nil
}

// value reads the content of a <value> element whose start tag was just
// read, up to and including its end tag. depth is the number of arrays and
// structs enclosing it.
func (s *decodeState) value(depth int) (any, error) {
	s.buf = s.buf[:0]
	var (
		result any
		typed  bool
	)
	for {
		tok, err := s.tokenIn("value")
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if typed {
				if !isSpace(t) {
					return nil, s.errorf(nil, "unexpected text %q after the typed element in <value>", abbrev(t))
				}
				continue
			}
			s.buf = append(s.buf, t...)
		case xml.EndElement:
			if t.Name.Local != "value" {
				return nil, s.errorf(nil, "unexpected </%s> in <value>", qname(t.Name))
			}
			if !typed {
				// An untyped value is a string, whitespace included.
				return string(s.buf), nil
			}
			return result, nil
		case xml.StartElement:
			if typed {
				return nil, s.unexpected(t, "value")
			}
			if !isSpace(s.buf) {
				return nil, s.errorf(nil, "unexpected text %q before <%s> in <value>", abbrev(s.buf), qname(t.Name))
			}
			typed = true
			if result, err = s.typed(t, depth); err != nil {
				return nil, err
			}
		case xml.Directive:
			return nil, s.errorf(nil, "unexpected directive in <value>")
		}
	}
}

// typed reads one type element inside <value>, such as <int> or <struct>.
func (s *decodeState) typed(start xml.StartElement, depth int) (any, error) {
	name := start.Name.Local
	switch name {
	case "array":
		return s.array(depth + 1)
	case "struct":
		return s.structValue(depth + 1)
	case "nil":
		if _, err := s.text(name); err != nil {
			return nil, err
		}
		return nil, nil
	}
	if !isScalar(name) {
		return nil, s.unexpected(start, "value")
	}
	text, err := s.text(name)
	if err != nil {
		return nil, err
	}
	v, err := parseScalar(name, text)
	if err != nil {
		return nil, s.errorf(err, "bad <%s> value %q: %v", name, abbrev(text), err)
	}
	return v, nil
}

// text reads character data up to the end tag of in. The result aliases
// s.buf and is valid until the next call.
func (s *decodeState) text(in string) ([]byte, error) {
	s.buf = s.buf[:0]
	for {
		tok, err := s.tokenIn(in)
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			s.buf = append(s.buf, t...)
		case xml.EndElement:
			if t.Name.Local != in {
				return nil, s.errorf(nil, "unexpected </%s> in <%s>", qname(t.Name), in)
			}
			return s.buf, nil
		case xml.StartElement:
			return nil, s.unexpected(t, in)
		case xml.Directive:
			return nil, s.errorf(nil, "unexpected directive in <%s>", in)
		}
	}
}

func (s *decodeState) checkDepth(depth int) error {
	if depth > s.maxDepth {
		return s.errorf(ErrDepthExceeded, "%v %d", ErrDepthExceeded, s.maxDepth)
	}
	return nil
}

// array reads the content of <array>: an optional <data> holding values.
func (s *decodeState) array(depth int) (any, error) {
	if err := s.checkDepth(depth); err != nil {
		return nil, err
	}
	items := []any{}
	haveData := false
	for {
		tok, err := s.structural("array")
		if err != nil {
			return nil, err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			return items, nil
		}
		if start.Name.Local != "data" || haveData {
			return nil, s.unexpected(start, "array")
		}
		haveData = true
		for {
			tok, err := s.structural("data")
			if err != nil {
				return nil, err
			}
			start, ok := tok.(xml.StartElement)
			if !ok {
				break
			}
			if start.Name.Local != "value" {
				return nil, s.unexpected(start, "data")
			}
			v, err := s.value(depth)
			if err != nil {
				return nil, err
			}
			items = append(items, v)
		}
	}
}

// structValue reads the content of <struct>: members, each a <name> then a
// <value>. When a name repeats, the last value wins, as in Python.
func (s *decodeState) structValue(depth int) (any, error) {
	if err := s.checkDepth(depth); err != nil {
		return nil, err
	}
	m := map[string]any{}
	for {
		tok, err := s.structural("struct")
		if err != nil {
			return nil, err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			return m, nil
		}
		if start.Name.Local != "member" {
			return nil, s.unexpected(start, "struct")
		}
		// <name>
		tok, err = s.structural("member")
		if err != nil {
			return nil, err
		}
		start, ok = tok.(xml.StartElement)
		if !ok {
			return nil, s.errorf(nil, "missing <name> in <member>")
		}
		if start.Name.Local != "name" {
			return nil, s.unexpected(start, "member")
		}
		text, err := s.text("name")
		if err != nil {
			return nil, err
		}
		name := s.intern(text)
		// <value>
		v, err := s.wrappedValue("member", depth)
		if err != nil {
			return nil, err
		}
		m[name] = v
	}
}

// intern returns b as a string, reusing earlier copies so that the field
// names of many records share memory.
func (s *decodeState) intern(b []byte) string {
	if name, ok := s.names[string(b)]; ok {
		return name
	}
	name := string(b)
	if len(s.names) < maxInterned {
		s.names[name] = name
	}
	return name
}

func isSpace(b []byte) bool {
	return len(bytes.TrimLeft(b, " \t\r\n")) == 0
}

// abbrev shortens text quoted in error messages.
func abbrev(b []byte) string {
	const max = 40
	if len(b) > max {
		return string(b[:max]) + "..."
	}
	return string(b)
}

func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "nil"
	case int64:
		return "an int"
	case float64:
		return "a double"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "a struct"
	case []byte:
		return "base64"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// sourceReader remembers the error of the underlying reader, so that a
// failing connection is not reported as a malformed document.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// charsetReader supports the encodings expat (and so Python) reads natively
// besides UTF-8 and UTF-16: ISO-8859-1 and US-ASCII.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1":
		return &latin1Reader{r: input}, nil
	case "us-ascii", "ascii":
		return input, nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// latin1Reader converts ISO-8859-1 bytes to UTF-8.
type latin1Reader struct {
	r    io.Reader
	in   [1024]byte
	conv []byte // converted bytes
	pos  int    // next unread byte of conv
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	if l.pos == len(l.conv) {
		n, err := l.r.Read(l.in[:])
		l.conv, l.pos = l.conv[:0], 0
		for _, c := range l.in[:n] {
			if c < 0x80 {
				l.conv = append(l.conv, c)
			} else {
				l.conv = append(l.conv, 0xC0|c>>6, 0x80|c&0x3F)
			}
		}
		if len(l.conv) == 0 {
			return 0, err
		}
	}
	n := copy(p, l.conv[l.pos:])
	l.pos += n
	return n, nil
}
