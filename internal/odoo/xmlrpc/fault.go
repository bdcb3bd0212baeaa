package xmlrpc

import (
	"strconv"
	"strings"
)

// Fault codes sent by Odoo's /xmlrpc/2 endpoints (odoo/addons/base/controllers/rpc.py).
const (
	// FaultCodeApplicationError is any non-Odoo exception; the fault string
	// is the full Python traceback.
	FaultCodeApplicationError = 1
	// FaultCodeWarning is a UserError or one of its subclasses
	// (ValidationError, MissingError, RedirectWarning).
	FaultCodeWarning = 2
	// FaultCodeAccessDenied is a wrong uid, password or API key.
	FaultCodeAccessDenied = 3
	// FaultCodeAccessError is an ACL or record-rule refusal.
	FaultCodeAccessError = 4
)

// Fault is an XML-RPC fault response. It implements error, so DecodeResponse
// returns it as the error value; use errors.As to get at it.
//
// Odoo's /xmlrpc/2 endpoints send an integer faultCode. The historical
// /xmlrpc/ endpoints send a string faultCode instead ("AccessDenied",
// "warning -- MissingError\n\n<message>", or the exception text with the
// traceback in faultString). For those, CodeString holds the string as sent
// and Code is a best-effort mapping: the integer if the string is one,
// FaultCodeAccessDenied for "AccessDenied", FaultCodeAccessError for
// "warning -- AccessError...", FaultCodeWarning for any other "warning -- "
// prefix, and FaultCodeApplicationError otherwise.
type Fault struct {
	// Code is the faultCode.
	Code int
	// String is the faultString.
	String string
	// CodeString is the faultCode as sent when it was a string, and empty
	// when it was an integer. EncodeFault sends CodeString as a string
	// faultCode when it is not empty, and Code otherwise.
	CodeString string
}

// Error returns the fault as "xmlrpc: fault <code>: <string>". When the code
// came as a string, the string is quoted in place of the number, and when
// faultString is empty (as for most historical-endpoint faults) only the code
// is shown.
func (f *Fault) Error() string {
	var b strings.Builder
	b.WriteString("xmlrpc: fault ")
	if f.CodeString != "" {
		b.WriteString(strconv.Quote(f.CodeString))
	} else {
		b.WriteString(strconv.Itoa(f.Code))
	}
	if f.String != "" {
		b.WriteString(": ")
		b.WriteString(f.String)
	}
	return b.String()
}

// faultCodeFromString maps a historical-endpoint string faultCode to the
// integer code /xmlrpc/2 would have sent for the same exception.
func faultCodeFromString(s string) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	switch {
	case s == "AccessDenied":
		return FaultCodeAccessDenied
	case strings.HasPrefix(s, "warning -- AccessError"):
		return FaultCodeAccessError
	case strings.HasPrefix(s, "warning -- "):
		return FaultCodeWarning
	default:
		return FaultCodeApplicationError
	}
}
