package xmlrpc

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// isScalar reports whether name is a scalar type element that parseScalar
// handles. The names are those of Python's xmlrpc.client.Unmarshaller.
func isScalar(name string) bool {
	switch name {
	case "int", "i4", "i8", "i1", "i2", "biginteger",
		"double", "float", "bigdecimal",
		"boolean", "string", "base64", "dateTime.iso8601":
		return true
	}
	return false
}

// parseScalar converts the text of a scalar type element to its Go value.
func parseScalar(name string, text []byte) (any, error) {
	switch name {
	case "string":
		return string(text), nil
	case "int", "i4", "i8", "i1", "i2", "biginteger":
		return parseInt(text)
	case "double", "float", "bigdecimal":
		return parseDouble(text)
	case "boolean":
		// Python compares the text with "0" and "1" exactly, without
		// trimming whitespace.
		switch string(text) {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return nil, errors.New("want 0 or 1")
	case "base64":
		return parseBase64(text)
	case "dateTime.iso8601":
		return parseTime(string(text))
	}
	return nil, fmt.Errorf("unknown type <%s>", name)
}

// parseInt parses an integer as Python's int(text) does for base 10:
// surrounding whitespace and a sign are allowed, and single underscores may
// separate digits. Values outside int64 fail with ErrIntOverflow.
func parseInt(text []byte) (int64, error) {
	s := strings.TrimSpace(string(text))
	digits := s
	if len(digits) > 0 && (digits[0] == '+' || digits[0] == '-') {
		digits = digits[1:]
	}
	if digits == "" {
		return 0, errors.New("no digits")
	}
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		switch {
		case c >= '0' && c <= '9':
		case c == '_' && i > 0 && i < len(digits)-1 && digits[i-1] != '_':
		default:
			return 0, fmt.Errorf("invalid character %q", c)
		}
	}
	if strings.Contains(s, "_") {
		s = strings.ReplaceAll(s, "_", "")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, ErrIntOverflow
		}
		return 0, err
	}
	return n, nil
}

// parseDouble parses a float as Python's float(text) does: surrounding
// whitespace is allowed, as are "nan", "inf" and "infinity" in any case, and
// values too large become infinities. Hexadecimal floats, which Go accepts
// and Python does not, are rejected.
func parseDouble(text []byte) (float64, error) {
	s := strings.TrimSpace(string(text))
	if strings.ContainsAny(s, "xXpP") {
		return 0, errors.New("invalid syntax")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
			return f, nil
		}
		return 0, errors.New("invalid syntax")
	}
	return f, nil
}

// parseBase64 decodes standard, padded base64 after removing whitespace, such
// as the line breaks Python writes every 76 characters. Python also skips
// other characters outside the alphabet; this package rejects them.
func parseBase64(text []byte) ([]byte, error) {
	clean := text
	if bytes.ContainsAny(text, " \t\r\n") {
		clean = make([]byte, 0, len(text))
		for _, c := range text {
			if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
				clean = append(clean, c)
			}
		}
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(clean)))
	n, err := base64.StdEncoding.Decode(out, clean)
	if err != nil {
		return nil, err
	}
	return out[:n], nil
}

// parseTime parses a dateTime.iso8601 value in one of the forms Python
// produces or accepts: "20060102T15:04:05" (what xmlrpc.client writes), the
// same with dashes, or the compact ISO 8601 basic form "20060102T150405",
// each optionally followed by a fractional second and a zone ("Z", "+02:00"
// or "+0200"). A value without a zone is taken as UTC, which is what Odoo
// means; one with a zone is converted to UTC. The result is truncated to the
// second, since that is all XML-RPC carries.
func parseTime(s string) (time.Time, error) {
	layouts := [...]string{
		"20060102T15:04:05", "2006-01-02T15:04:05", "20060102T150405",
		"20060102T15:04:05Z07:00", "2006-01-02T15:04:05Z07:00", "20060102T150405Z07:00",
		"20060102T15:04:05Z0700", "2006-01-02T15:04:05Z0700", "20060102T150405Z0700",
	}
	s = strings.TrimSpace(s)
	for _, layout := range layouts {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC().Truncate(time.Second)
			if y := t.Year(); y < 0 || y > 9999 {
				return time.Time{}, errors.New("year outside [0, 9999] in UTC")
			}
			return t, nil
		}
	}
	return time.Time{}, errors.New(`want a form of "20060102T15:04:05"`)
}
