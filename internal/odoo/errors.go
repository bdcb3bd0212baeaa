package odoo

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// kind is the type of the Err* sentinels. A kind may have a parent, so that
// for example errors.Is(err, ErrUserError) holds for ErrMissingRecord.
type kind struct {
	msg    string
	hint   string
	parent *kind
}

func (k *kind) Error() string { return "odoo: " + k.msg }

// Unwrap returns the parent kind, if any.
func (k *kind) Unwrap() error {
	if k.parent == nil {
		return nil
	}
	return k.parent
}

// The error kinds. Every error returned by this package that comes from the
// server or the network is an *Error whose Kind is one of these, so callers
// branch with errors.Is(err, odoo.ErrAccessRights) and read the details with
// errors.As(err, &*odoo.Error).
var (
	// ErrUnreachable means the server could not be reached: DNS failure,
	// connection refused, TLS failure. The request was not sent.
	ErrUnreachable error = &kind{msg: "server unreachable", hint: "check Config.URL and that the server is up and reachable from this host"}
	// ErrNotOdoo means something answered, but not as Odoo does: an HTML
	// page, or 404 on a route every Odoo serves.
	ErrNotOdoo error = &kind{msg: "not an Odoo server", hint: "check that Config.URL is the Odoo base URL (for example https://erp.example.com, without /web or /odoo)"}
	// ErrUnknownDatabase means the database named in Config.Database does not
	// exist on the server.
	ErrUnknownDatabase error = &kind{msg: "unknown database", hint: "check Config.Database against the database selector of the server"}
	// ErrAuthentication is the parent of ErrWrongCredentials and
	// ErrAPIKeyRejected.
	ErrAuthentication error = &kind{msg: "authentication failed", hint: "check Config.Username and the API key"}
	// ErrWrongCredentials means authenticate returned False: the login,
	// password or API key is wrong (Odoo does not say which).
	ErrWrongCredentials error = &kind{msg: "wrong credentials", hint: "check Config.Username and Config.APIKey (or Password); users with two-factor authentication need an API key", parent: ErrAuthentication.(*kind)}
	// ErrAPIKeyRejected means a call was refused for its credentials after
	// authentication, or a JSON-2 call got HTTP 401: the API key is wrong,
	// expired or revoked, or the password changed.
	ErrAPIKeyRejected error = &kind{msg: "API key rejected (invalid, expired or revoked)", hint: "create a new API key in Odoo (Preferences > Account Security) and update the configuration; keys last at most 3 months on Odoo 19", parent: ErrAuthentication.(*kind)}
	// ErrAccessRights means Odoo refused the operation for access rights or
	// record rules (odoo.exceptions.AccessError).
	ErrAccessRights error = &kind{msg: "access denied by Odoo access rights", hint: "give the Odoo user the group that allows this operation on this model, or use another user"}
	// ErrNotInstalled means the model or method does not exist on the server,
	// usually because the module providing it is not installed.
	ErrNotInstalled error = &kind{msg: "model or method not available", hint: "install the Odoo module that provides it, or turn off the feature that needs it"}
	// ErrUserError means Odoo rejected the call with a business error
	// (UserError, ValidationError, RedirectWarning). The message comes from
	// Odoo and is translated in the user's language.
	ErrUserError error = &kind{msg: "rejected by Odoo", hint: "read Odoo's message; the input or the record state must change before trying again"}
	// ErrMissingRecord means a record does not exist or was deleted
	// (MissingError). It is also an ErrUserError.
	ErrMissingRecord error = &kind{msg: "record does not exist or was deleted", hint: "re-read the records; another user may have deleted it", parent: ErrUserError.(*kind)}
	// ErrLocked means a record was locked by another transaction (LockError,
	// Odoo 19, HTTP 409). It is also an ErrUserError.
	ErrLocked error = &kind{msg: "record locked by another transaction", hint: "try again later", parent: ErrUserError.(*kind)}
	// ErrServerFault means the server raised an unexpected exception
	// (XML-RPC fault 1, a non-Odoo exception over JSON-RPC, HTTP 500).
	ErrServerFault error = &kind{msg: "server error", hint: "see the Odoo server log; the last traceback line is kept in the message"}
	// ErrUnavailable means the server or a proxy in front of it is
	// overloaded or restarting (HTTP 429, 502, 503, 504, dropped connection).
	ErrUnavailable error = &kind{msg: "server temporarily unavailable", hint: "try again later"}
	// ErrTimeout means a call exceeded Config.Timeout.
	ErrTimeout error = &kind{msg: "call timed out", hint: "raise Config.Timeout, or read fewer records per call (ListOpts.PageSize)"}
	// ErrOutcomeUnknown means a call that changes data failed after it may
	// have been applied (connection lost, timeout, 502, or an XML-RPC call
	// whose method returned None). It was not retried.
	ErrOutcomeUnknown error = &kind{msg: "outcome unknown: the call may have been applied", hint: "re-read the records to learn whether the change happened before trying again"}
	// ErrCircuitOpen means the circuit breaker is open after repeated
	// transient failures; calls fail fast until the cool-down has passed.
	ErrCircuitOpen error = &kind{msg: "circuit breaker open after repeated transient failures", hint: "calls resume after the cool-down (Config.Breaker.Cooldown)"}
	// ErrProtocol means the server answered with something this client does
	// not understand (malformed envelope, unexpected type).
	ErrProtocol error = &kind{msg: "unexpected response", hint: "check Config.Protocol; this may be a bug in the client or an unsupported Odoo version"}
	// ErrNotConnected means a call was made before a successful Connect.
	ErrNotConnected error = &kind{msg: "client not connected", hint: "call Connect first"}
	// ErrInvalidArgument means the call cannot be expressed as asked, for
	// example positional arguments over JSON-2.
	ErrInvalidArgument error = &kind{msg: "invalid argument", hint: "fix the call"}
)

// Error describes a failed Odoo call. Kind is one of the Err* sentinels; the
// other fields keep what the server said.
type Error struct {
	// Kind is the Err* sentinel this error belongs to.
	Kind error
	// Op is the Odoo method or step that failed, for example "search_read"
	// or "authenticate".
	Op string
	// Model is the Odoo model, when the call had one.
	Model string
	// Protocol is the transport the call used.
	Protocol Protocol
	// Status is the HTTP status, when the failure came with one.
	Status int
	// Code is the XML-RPC faultCode or the JSON-RPC error code.
	Code int
	// Name is the exception class as Odoo named it, for example
	// "odoo.exceptions.AccessError".
	Name string
	// Message is Odoo's message; for server faults it is the last line of
	// the traceback.
	Message string
	// Debug is the full traceback, when the server sent one.
	Debug string
	// RetryAfter is the delay the server asked for with Retry-After.
	RetryAfter time.Duration
	// Err is the underlying cause, such as a network or decoding error.
	Err error

	transient bool // a retry may succeed
	notSent   bool // the request certainly did not reach the server
}

// Error formats the error as "odoo: <op> <model>: <kind>: <message>: <cause> (<hint>)".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("odoo: ")
	if e.Op != "" {
		b.WriteString(e.Op)
		if e.Model != "" {
			b.WriteString(" ")
			b.WriteString(e.Model)
		}
		b.WriteString(": ")
	}
	k, _ := e.Kind.(*kind)
	if k != nil {
		b.WriteString(k.msg)
	} else {
		b.WriteString("error")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if k != nil && k.hint != "" {
		b.WriteString(" (")
		b.WriteString(k.hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the kind sentinel and the underlying cause, so errors.Is
// matches both (for example ErrTimeout and context.DeadlineExceeded).
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// cause returns the kind and cause of e as one error without the hint or
// the call prefix, for wrapping e inside another *Error.
func (e *Error) cause() error {
	return &causeError{kind: e.Kind, err: e.Err}
}

// causeError is an earlier failure kept inside another *Error.
type causeError struct {
	kind error
	err  error
}

func (c *causeError) Error() string {
	msg := "error"
	if k, ok := c.kind.(*kind); ok {
		msg = k.msg
	}
	if c.err != nil {
		msg += ": " + c.err.Error()
	}
	return msg
}

func (c *causeError) Unwrap() []error {
	var errs []error
	if c.kind != nil {
		errs = append(errs, c.kind)
	}
	if c.err != nil {
		errs = append(errs, c.err)
	}
	return errs
}

// Temporary reports whether a later retry of the same call may succeed.
func (e *Error) Temporary() bool { return e.transient }

// asError returns err as an *Error, wrapping a foreign error as a protocol
// error when needed.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: ErrProtocol, Err: err}
}

// withCall fills the operation and model of an error that lacks them.
func withCall(err error, op, model string) error {
	var e *Error
	if errors.As(err, &e) {
		if e.Op == "" {
			e.Op = op
		}
		if e.Model == "" {
			e.Model = model
		}
		return err
	}
	return &Error{Kind: ErrProtocol, Op: op, Model: model, Err: err}
}

// decodeError reports that a value of a response could not be decoded.
func decodeError(op, model, format string, args ...any) error {
	return &Error{Kind: ErrProtocol, Op: op, Model: model, Err: fmt.Errorf(format, args...)}
}

// lastLine returns the last non-empty line of a traceback.
func lastLine(s string) string {
	s = strings.TrimRight(s, " \t\r\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

// shortName returns the class name of a dotted exception name:
// "odoo.exceptions.AccessError" gives "AccessError".
func shortName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}
