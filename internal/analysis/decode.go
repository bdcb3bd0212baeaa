package analysis

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// recordDecoder turns the stored JSON of one model's records into
// odoo.Records. It gives exactly what encoding/json gives with UseNumber
// (json.Number, string, bool, nil, []any, map[string]any), so the analyzers
// read the same values, but it costs a fraction of the time and memory:
//
//   - it keeps only the fields in keep (all when keep is nil), so a record
//     holds what the analyzers read, not every field the sync stores;
//   - field names, and values that repeat (states, many2one pairs, False,
//     0.0), are shared between the records of one read instead of being
//     allocated once per record: records handed out are read-only;
//   - each map is sized for the fields it will hold.
//
// Anything it does not expect (an escape in a field name, say) sends the
// record to encoding/json, so it is never less correct than that.
type recordDecoder struct {
	keep  map[string]bool
	keys  map[string]string
	vals  map[string]*internTable // by field name
	width int                     // fields kept in the last record, to size the next map
	// slots remember the field at each position of the last record: the
	// records of a model list their fields in one order, so a field is
	// usually recognised by comparing its name with the slot's, without
	// looking it up in keep, keys and vals.
	slots []fieldSlot
}

type fieldSlot struct {
	raw   []byte // the name as written
	key   string
	kept  bool
	table *internTable
}

// internMax bounds the distinct values kept per field for sharing: a field
// with more (amounts, references) stops adding, so a read holds at most
// this many extra entries per field while it runs.
const internMax = 4096

// internMaxLen is the longest raw value shared; longer ones are rarely
// repeated.
const internMaxLen = 96

type internTable struct {
	vals map[string]any
}

func newRecordDecoder(keep []string) *recordDecoder {
	d := &recordDecoder{keys: map[string]string{}, vals: map[string]*internTable{}}
	if keep != nil {
		d.keep = make(map[string]bool, len(keep)+2)
		for _, f := range keep {
			d.keep[f] = true
		}
		// Every record keeps its id and archive flag (Source promises
		// "active" where the model has it).
		d.keep["id"], d.keep["active"] = true, true
	}
	return d
}

// decode decodes one stored record.
func (d *recordDecoder) decode(rec *store.OdooRecord) (odoo.Record, error) {
	if r, ok := d.fast(rec.Data); ok {
		return r, nil
	}
	fields, err := rec.Fields()
	if err != nil {
		return nil, err
	}
	if d.keep != nil {
		for k := range fields {
			if !d.keep[k] {
				delete(fields, k)
			}
		}
	}
	return odoo.Record(fields), nil
}

var errSlow = errors.New("not handled by the fast decoder")

// fast decodes a JSON object, or reports false for anything it leaves to
// encoding/json.
func (d *recordDecoder) fast(data []byte) (odoo.Record, bool) {
	s := scanner{b: data}
	s.ws()
	if !s.eat('{') {
		return nil, false
	}
	out := make(odoo.Record, max(d.width, 1))
	s.ws()
	if s.eat('}') {
		return d.done(out, &s)
	}
	for pos := 0; ; pos++ {
		s.ws()
		kb, err := s.plainString()
		if err != nil {
			return nil, false
		}
		s.ws()
		if !s.eat(':') {
			return nil, false
		}
		s.ws()
		slot := d.slot(pos, kb)
		if !slot.kept {
			if err := s.skip(); err != nil {
				return nil, false
			}
		} else {
			v, err := d.value(&s, slot.table)
			if err != nil {
				return nil, false
			}
			out[slot.key] = v
		}
		s.ws()
		if s.eat(',') {
			continue
		}
		if s.eat('}') {
			return d.done(out, &s)
		}
		return nil, false
	}
}

func (d *recordDecoder) done(out odoo.Record, s *scanner) (odoo.Record, bool) {
	s.ws()
	if s.i != len(s.b) {
		return nil, false
	}
	d.width = len(out)
	return out, true
}

// slot returns what the decoder knows of the field named kb at position
// pos of a record.
func (d *recordDecoder) slot(pos int, kb []byte) *fieldSlot {
	if pos < len(d.slots) && bytes.Equal(d.slots[pos].raw, kb) {
		return &d.slots[pos]
	}
	key, ok := d.keys[string(kb)]
	if !ok {
		key = string(kb)
		d.keys[key] = key
	}
	sl := fieldSlot{raw: []byte(key), key: key, kept: d.keep == nil || d.keep[key]}
	if sl.kept {
		sl.table = d.vals[key]
		if sl.table == nil {
			sl.table = &internTable{vals: map[string]any{}}
			d.vals[key] = sl.table
		}
	}
	if pos < len(d.slots) {
		d.slots[pos] = sl
		return &d.slots[pos]
	}
	if pos == len(d.slots) {
		d.slots = append(d.slots, sl)
		return &d.slots[pos]
	}
	return &sl
}

// value decodes the value at s, sharing it with earlier records of the
// field (table) when it is short and was seen before.
func (d *recordDecoder) value(s *scanner, t *internTable) (any, error) {
	start := s.i
	if err := s.skip(); err != nil {
		return nil, err
	}
	raw := s.b[start:s.i]
	if len(raw) > internMaxLen {
		return decodeValue(raw)
	}
	if v, ok := t.vals[string(raw)]; ok {
		return v, nil
	}
	v, err := decodeValue(raw)
	if err != nil {
		return nil, err
	}
	if len(t.vals) < internMax {
		t.vals[string(raw)] = v
	}
	return v, nil
}

// decodeValue decodes one complete JSON value as encoding/json does with
// UseNumber.
func decodeValue(raw []byte) (any, error) {
	s := scanner{b: raw}
	v, err := s.value()
	if err != nil {
		return nil, err
	}
	if s.i != len(raw) {
		return nil, errSlow
	}
	return v, nil
}

// scanner reads JSON from b at i. It accepts what the store writes
// (encoding/json output) and returns errSlow on anything else.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// plainString returns the bytes of a string without escapes and in valid
// UTF-8 (encoding/json would rewrite invalid bytes), or errSlow.
func (s *scanner) plainString() ([]byte, error) {
	if !s.eat('"') {
		return nil, errSlow
	}
	start := s.i
	ascii := true
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			str := s.b[start:s.i]
			s.i++
			if !ascii && !utf8.Valid(str) {
				return nil, errSlow
			}
			return str, nil
		case c == '\\' || c < 0x20:
			return nil, errSlow
		case c >= utf8.RuneSelf:
			ascii = false
		}
		s.i++
	}
	return nil, errSlow
}

// skip moves past one value.
func (s *scanner) skip() error {
	if s.i >= len(s.b) {
		return errSlow
	}
	switch c := s.b[s.i]; {
	case c == '"':
		s.i++
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '\\':
				s.i += 2
				continue
			case '"':
				s.i++
				return nil
			}
			s.i++
		}
		return errSlow
	case c == '[' || c == '{':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '[', '{':
				depth++
			case ']', '}':
				depth--
				if depth == 0 {
					s.i++
					return nil
				}
			case '"':
				if err := s.skip(); err != nil {
					return err
				}
				continue
			}
			s.i++
		}
		return errSlow
	default:
		start := s.i
		for s.i < len(s.b) && literalByte(s.b[s.i]) {
			s.i++
		}
		if s.i == start {
			return errSlow
		}
		return nil
	}
}

func literalByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// value decodes the value at s.
func (s *scanner) value() (any, error) {
	if s.i >= len(s.b) {
		return nil, errSlow
	}
	switch c := s.b[s.i]; {
	case c == '"':
		start := s.i
		str, err := s.plainString()
		if err == nil {
			return string(str), nil
		}
		// An escape ("\u0026" for &) or invalid UTF-8: encoding/json
		// decodes this one string.
		s.i = start
		if err := s.skip(); err != nil {
			return nil, err
		}
		var out string
		if err := json.Unmarshal(s.b[start:s.i], &out); err != nil {
			return nil, errSlow
		}
		return out, nil
	case c == '[':
		s.i++
		out := make([]any, 0, 2)
		s.ws()
		if s.eat(']') {
			return out, nil
		}
		for {
			s.ws()
			v, err := s.value()
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			s.ws()
			if s.eat(',') {
				continue
			}
			if s.eat(']') {
				return out, nil
			}
			return nil, errSlow
		}
	case c == '{':
		s.i++
		out := map[string]any{}
		s.ws()
		if s.eat('}') {
			return out, nil
		}
		for {
			s.ws()
			k, err := s.plainString()
			if err != nil {
				return nil, err
			}
			s.ws()
			if !s.eat(':') {
				return nil, errSlow
			}
			s.ws()
			v, err := s.value()
			if err != nil {
				return nil, err
			}
			out[string(k)] = v
			s.ws()
			if s.eat(',') {
				continue
			}
			if s.eat('}') {
				return out, nil
			}
			return nil, errSlow
		}
	case c == '-' || c >= '0' && c <= '9':
		start := s.i
		for s.i < len(s.b) && literalByte(s.b[s.i]) {
			s.i++
		}
		num := s.b[start:s.i]
		if !json.Valid(num) {
			return nil, errSlow
		}
		return json.Number(num), nil
	default:
		start := s.i
		for s.i < len(s.b) && s.b[s.i] >= 'a' && s.b[s.i] <= 'z' {
			s.i++
		}
		switch string(s.b[start:s.i]) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		return nil, errSlow
	}
}
