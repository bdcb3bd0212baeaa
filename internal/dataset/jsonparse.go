package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// recordParser reads a model file: a JSON array of flat objects. It is a
// small hand-written JSON parser because encoding/json into map[string]any
// is several times slower on files of hundreds of megabytes. Numbers become
// int64 (no fraction or exponent, in range) or float64; field names and
// strings up to 12 bytes (dates, selection keys) are interned so records
// share them; nested objects are kept as map[string]any for normalize to
// reject.
type recordParser struct {
	b      []byte
	i      int
	intern map[string]string
}

// internMax is the longest value string the parser interns.
const internMax = 12

// parseRecords parses data as a JSON array of objects. Field names found in
// names are shared rather than allocated per record; sizeHint is the
// capacity given to each record map.
func parseRecords(data []byte, names []string, sizeHint int) ([]Record, error) {
	p := &recordParser{b: data, intern: make(map[string]string, len(names)+256)}
	for _, n := range names {
		p.intern[n] = n
	}
	p.ws()
	if !p.eat('[') {
		return nil, p.errorf("want a JSON array of records")
	}
	var recs []Record
	p.ws()
	if p.eat(']') {
		return recs, p.end()
	}
	for {
		p.ws()
		if p.peek() != '{' {
			return nil, p.errorf("record %d: want an object", len(recs))
		}
		obj, err := p.object(sizeHint)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", len(recs), err)
		}
		recs = append(recs, Record(obj))
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat(']') {
			return recs, p.end()
		}
		return nil, p.errorf("after record %d: want ',' or ']'", len(recs)-1)
	}
}

func (p *recordParser) end() error {
	p.ws()
	if p.i != len(p.b) {
		return p.errorf("unexpected data after the array")
	}
	return nil
}

// errorf returns an error that names the line of the current position.
func (p *recordParser) errorf(format string, args ...any) error {
	line := 1 + bytes.Count(p.b[:min(p.i, len(p.b))], []byte{'\n'})
	return fmt.Errorf("line %d: %s", line, fmt.Sprintf(format, args...))
}

func (p *recordParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *recordParser) peek() byte {
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

func (p *recordParser) eat(c byte) bool {
	if p.peek() == c {
		p.i++
		return true
	}
	return false
}

func (p *recordParser) object(sizeHint int) (map[string]any, error) {
	p.i++ // '{'
	obj := make(map[string]any, sizeHint)
	p.ws()
	if p.eat('}') {
		return obj, nil
	}
	for {
		p.ws()
		if p.peek() != '"' {
			return nil, p.errorf("want a field name")
		}
		key, err := p.str(true)
		if err != nil {
			return nil, err
		}
		p.ws()
		if !p.eat(':') {
			return nil, p.errorf("want ':' after %q", key)
		}
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if _, dup := obj[key]; dup {
			return nil, p.errorf("field %q appears twice", key)
		}
		obj[key] = v
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return obj, nil
		}
		return nil, p.errorf("want ',' or '}'")
	}
}

func (p *recordParser) value() (any, error) {
	switch c := p.peek(); {
	case c == '"':
		return p.str(false)
	case c == '[':
		return p.array()
	case c == '{':
		return p.object(0)
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.errorf("unexpected character %q", p.peek())
}

func (p *recordParser) literal(word string) error {
	if !bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		return p.errorf("invalid literal")
	}
	p.i += len(word)
	return nil
}

func (p *recordParser) array() (any, error) {
	p.i++ // '['
	p.ws()
	var ints []int64
	var mixed []any
	if p.eat(']') {
		return []any{}, nil
	}
	for {
		p.ws()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		if n, ok := v.(int64); ok && mixed == nil {
			ints = append(ints, n)
		} else {
			if mixed == nil {
				mixed = make([]any, 0, len(ints)+1)
				for _, n := range ints {
					mixed = append(mixed, n)
				}
			}
			mixed = append(mixed, v)
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat(']') {
			break
		}
		return nil, p.errorf("want ',' or ']'")
	}
	if mixed != nil {
		return mixed, nil
	}
	return ints, nil
}

func (p *recordParser) number() (any, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	isInt := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c >= '0' && c <= '9':
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
			isInt = false
		default:
			goto done
		}
		p.i++
	}
done:
	lit := p.b[start:p.i]
	if !validNumber(lit) {
		return nil, p.errorf("invalid number %q", lit)
	}
	if isInt && len(lit) <= 18 {
		var n int64
		neg := lit[0] == '-'
		for _, c := range lit[boolInt(neg):] {
			n = n*10 + int64(c-'0')
		}
		if neg {
			n = -n
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, p.errorf("invalid number %q", lit)
	}
	return f, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validNumber checks the JSON number grammar.
func validNumber(s []byte) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i == len(s) {
		return false
	}
	if s[i] == '0' {
		i++
	} else {
		if s[i] < '1' || s[i] > '9' {
			return false
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

// str parses a JSON string at the current position. Keys are always
// looked up in the intern table; values only when short.
func (p *recordParser) str(key bool) (string, error) {
	p.i++ // opening quote
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			raw := p.b[start:p.i]
			p.i++
			if key || len(raw) <= internMax {
				if s, ok := p.intern[string(raw)]; ok {
					return s, nil
				}
				s := string(raw)
				if len(raw) <= internMax {
					p.intern[s] = s
				}
				return s, nil
			}
			return string(raw), nil
		}
		if c == '\\' || c < 0x20 {
			return p.slowStr(start)
		}
		p.i++
	}
	return "", p.errorf("unterminated string")
}

// slowStr decodes a string with escapes that starts at start.
func (p *recordParser) slowStr(start int) (string, error) {
	out := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out), nil
		case c < 0x20:
			return "", p.errorf("control character in string")
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			break
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(utf8.RuneError)
				if bytes.HasPrefix(p.b[p.i:], []byte(`\u`)) {
					p.i += 2
					if r2, err = p.hex4(); err != nil {
						return "", err
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", p.errorf("invalid escape \\%c", e)
		}
	}
	return "", p.errorf("unterminated string")
}

func (p *recordParser) hex4() (rune, error) {
	if p.i+4 > len(p.b) {
		return 0, errors.New("short \\u escape")
	}
	n, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, p.errorf("invalid \\u escape")
	}
	p.i += 4
	return rune(n), nil
}
