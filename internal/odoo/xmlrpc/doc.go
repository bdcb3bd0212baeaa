// Package xmlrpc encodes and decodes XML-RPC documents the way Odoo's server
// and Python's standard xmlrpc.client do. It serves both sides of aicoo:
// the Odoo client (EncodeCall, then DecodeResponse) and the Odoo simulator
// (DecodeCall, then EncodeResponse or EncodeFault). It uses only the
// standard library.
//
// # Encoding (Go to XML)
//
// Encoder writes the same bytes as Python's xmlrpc.client.dumps, checked by
// golden files produced by Python 3 (testdata/gen_golden.py):
//
//   - nil (a nil interface or pointer) follows Encoder.NilPolicy: <nil/> by
//     default (Python's allow_none=True, which Odoo accepts on input),
//     <boolean>0</boolean> with NilAsFalse, or ErrNilNotAllowed with
//     NilReject. An Odoo server never sends <nil/>: it sends False for empty
//     fields and a fault for methods returning None, so a simulator should
//     use NilAsFalse or NilReject.
//   - bool is <boolean>; every integer kind is <int>, and values outside the
//     signed 32-bit range fail with ErrIntOverflow, as Python raises
//     OverflowError. Odoo ids fit; send larger numbers as doubles or strings.
//   - float32 and float64 are <double>, spelled as Python's repr (so "1.0",
//     "1e+16"); NaN and infinities fail with ErrNonFinite, although Python
//     would write "nan" and "inf".
//   - string is <string>, escaping &, < and > as Python does. Control
//     characters 0-31 other than tab, LF and CR are removed, as Odoo's server
//     marshaller does (XML 1.0 cannot carry them), and so are U+FFFE and
//     U+FFFF; invalid UTF-8 becomes U+FFFD. CR is written as is, so the
//     receiving parser turns it into LF, exactly as with Python.
//   - []byte (and any byte slice type) is <base64>, in 76-character lines.
//   - time.Time is <dateTime.iso8601> "20060102T15:04:05", after conversion
//     to UTC (Odoo means naive UTC; Python writes the wall clock as is).
//     Sub-second precision is dropped. Note that Odoo's own server sends
//     dates and datetimes as strings, not as dateTime.iso8601.
//   - Slices and arrays are <array>. A nil slice is an empty array.
//   - Maps with string keys are <struct>, with members sorted by name so the
//     output is deterministic. Go structs are <struct> too, with their
//     exported fields in declaration order, renamed or skipped by the tag
//     `xmlrpc:"name,omitempty"` or `xmlrpc:"-"`; embedded structs are not
//     flattened.
//   - Anything else (channels, functions, complex numbers, maps with other
//     keys) fails with ErrUnsupportedType naming the Go type.
//
// The method name is escaped, which Python does not do. Each Encode call
// builds the document in memory and writes it with one Write, so nothing is
// written when encoding fails: a server can still send a fault instead.
// Encoding errors name where the bad value sits, for example
// `xmlrpc: encode call "execute_kw": param 5.ids[3]: 4294967296: int exceeds XML-RPC limits`.
//
// # Decoding (XML to Go)
//
// Decoder produces int64 for <int>, <i4>, <i8>, <i1>, <i2> and
// <biginteger>; float64 for <double>, <float> and <bigdecimal>; bool for
// <boolean>; string for <string> and for a <value> with no type element;
// []any for <array>; map[string]any for <struct>; time.Time in UTC for
// <dateTime.iso8601>; []byte for <base64>; and nil for <nil/>. Element names
// are matched on their local part, so <ex:nil/> and <ex:i8> work as in
// Python. Whitespace follows xmlrpc.client: string and untyped values and
// member names keep it, numbers may be surrounded by it, and <boolean> must
// be exactly 0 or 1. dateTime.iso8601 accepts Python's "20060102T15:04:05",
// the dashed "2006-01-02T15:04:05" and "20060102T150405", each with an
// optional fraction (dropped) and zone (converted to UTC). A fault response
// is returned as a *Fault error, with integer faultCodes from /xmlrpc/2 and
// the string faultCodes of the historical /xmlrpc/ endpoints (see Fault).
// The document may be UTF-8, ISO-8859-1 or US-ASCII.
//
// Anything decoded can be encoded again and decodes to an equal value,
// except integers beyond 32 bits (from <i8>), NaN and infinite doubles, and
// CR characters (which become LF), as with Python. The fuzz tests check this.
//
// # Limits and hostile input
//
// The simulator decodes requests from the network, so the Decoder never
// panics on any input, and it is stricter than Python about structure,
// which Python's event-driven parser often lets through: it rejects unknown or
// misplaced elements, text mixed with elements, a second root element,
// entities other than XML's five (DTD entities are not expanded), and
// characters XML forbids. Errors say where, for example
// "xmlrpc: decode response: unexpected element <foo> in <value> at line 3,
// column 20", and match ErrMalformed with errors.Is; errors of the
// underlying reader do not. Arrays and structs may nest at most
// MaxDepthDefault (64) levels deep, or Decoder.MaxDepth / Encoder.MaxDepth;
// deeper input fails with ErrDepthExceeded. The Decoder does not limit the
// size of its input: wrap request bodies in http.MaxBytesReader.
//
// Unlike Python, DecodeResponse requires exactly one <param> (Python returns
// a tuple of all of them), and DecodeCall requires a <methodName>.
package xmlrpc
