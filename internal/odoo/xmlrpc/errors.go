package xmlrpc

import "errors"

// MaxDepthDefault is the nesting limit for arrays and structs used when
// Encoder.MaxDepth or Decoder.MaxDepth is zero, and by the package-level
// functions. A top-level array counts as depth 1.
const MaxDepthDefault = 64

// Sentinel errors. Every error returned by this package starts with
// "xmlrpc: " and, where one of these applies, wraps it so that callers can
// test for it with errors.Is.
var (
	// ErrIntOverflow is returned when encoding an integer outside the signed
	// 32-bit range that XML-RPC's <int> allows (Python raises OverflowError
	// "int exceeds XML-RPC limits" in the same case), and when decoding an
	// integer that does not fit in an int64.
	ErrIntOverflow = errors.New("int exceeds XML-RPC limits")

	// ErrNonFinite is returned when encoding a NaN or infinite float, which
	// this package refuses to send even though Python writes them as "nan"
	// and "inf".
	ErrNonFinite = errors.New("cannot marshal NaN or infinite float")

	// ErrUnsupportedType is returned when encoding a Go value that has no
	// XML-RPC representation, such as a channel, a function or a map whose
	// keys are not strings.
	ErrUnsupportedType = errors.New("unsupported type")

	// ErrNilNotAllowed is returned when encoding nil with NilReject. It
	// mirrors Python's TypeError "cannot marshal None unless allow_none is
	// enabled", which is what Odoo's server raises.
	ErrNilNotAllowed = errors.New("cannot marshal None unless allow_none is enabled")

	// ErrDepthExceeded is returned when arrays and structs nest deeper than
	// the configured MaxDepth, on encode or decode.
	ErrDepthExceeded = errors.New("nesting depth exceeds limit")

	// ErrMalformed is wrapped by every decode error caused by the input
	// document itself: XML syntax errors, unexpected elements, bad scalar
	// values, a wrong document type.
	ErrMalformed = errors.New("malformed document")
)
