package odoosim

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
)

// Exception classes as Odoo names them in JSON-RPC error.data.name and in
// JSON-2 error bodies.
const (
	excAccessError      = "odoo.exceptions.AccessError"
	excAccessDenied     = "odoo.exceptions.AccessDenied"
	excUserError        = "odoo.exceptions.UserError"
	excValidationError  = "odoo.exceptions.ValidationError"
	excMissingError     = "odoo.exceptions.MissingError"
	excValueError       = "builtins.ValueError"
	excTypeError        = "builtins.TypeError"
	excAttributeError   = "builtins.AttributeError"
	excKeyError         = "builtins.KeyError"
	excNameError        = "builtins.NameError"
	excIndexError       = "builtins.IndexError"
	excOverflowError    = "builtins.OverflowError"
	excOperationalError = "psycopg2.OperationalError"
	excNotFound         = "werkzeug.exceptions.NotFound"
	excUnauthorized     = "werkzeug.exceptions.Unauthorized"
	excBadRequest       = "werkzeug.exceptions.BadRequest"
	excSessionExpired   = "odoo.http.SessionExpiredException"
)

// rpcError is an exception raised by the emulated Odoo server. Each
// protocol renders it in its own shape: an XML-RPC fault, a JSON-RPC error
// envelope or a JSON-2 error body with an HTTP status.
type rpcError struct {
	// Class is the Python class, module included ("odoo.exceptions.AccessError").
	Class string
	// Message is str(exception).
	Message string
	// Status overrides the JSON-2 HTTP status derived from Class.
	Status int
}

// Error returns the exception as "odoosim: <class>: <message>".
func (e *rpcError) Error() string { return "odoosim: " + e.Class + ": " + e.Message }

func newErr(class, format string, args ...any) *rpcError {
	return &rpcError{Class: class, Message: fmt.Sprintf(format, args...)}
}

func errValue(format string, args ...any) *rpcError { return newErr(excValueError, format, args...) }
func errType(format string, args ...any) *rpcError  { return newErr(excTypeError, format, args...) }
func errUser(format string, args ...any) *rpcError  { return newErr(excUserError, format, args...) }
func errAccessDenied() *rpcError                    { return newErr(excAccessDenied, "Access Denied") }

func errValidation(format string, args ...any) *rpcError {
	return newErr(excValidationError, format, args...)
}

// errInvalidField mirrors the ValueError Odoo raises for a field name the
// model does not have.
func errInvalidField(field, model string) *rpcError {
	return errValue("Invalid field '%s' on model '%s'", field, model)
}

// errUnknownModel mirrors UserError("Object x doesn't exist") of
// odoo/service/model.py.
func errUnknownModel(model string) *rpcError {
	return errUser("Object %s doesn't exist", model)
}

// errUnknownMethod mirrors the AttributeError of odoo/api.py call_kw (17+);
// Odoo 16 lets getattr raise its own message.
func errUnknownMethod(major int, model, method string) *rpcError {
	if major <= 16 {
		return newErr(excAttributeError, "type object '%s' has no attribute '%s'", model, method)
	}
	return newErr(excAttributeError, "The method '%s' does not exist on the model '%s'", method, model)
}

// errUnknownDatabase mirrors psycopg2's failure to connect to a missing
// database.
func errUnknownDatabase(db string) *rpcError {
	return newErr(excOperationalError, "connection to server on socket \"/var/run/postgresql/.s.PGSQL.5432\" failed: FATAL:  database \"%s\" does not exist\n", db)
}

// errMissing mirrors MissingError for records that do not exist.
func errMissing(model string, ids []int64, uid int64) *rpcError {
	return newErr(excMissingError, "Record does not exist or has been deleted.\n(Record: %s, User: %d)", recordsetRepr(model, ids), uid)
}

// errAccess mirrors the ACL refusal of ir.model.access, naming the model and
// the operation ("read", "write", "create" or "unlink").
func errAccess(description, model, operation string) *rpcError {
	verb := map[string]string{"read": "access", "write": "modify", "create": "create", "unlink": "delete"}[operation]
	return newErr(excAccessError, "You are not allowed to %s '%s' (%s) records.\n\n"+
		"This operation is allowed for the following groups:\n\t- User types/Internal User\n\n"+
		"Contact your administrator to request access if necessary.", verb, description, model)
}

// errMandatory mirrors the ValidationError Odoo 17 raises for a NOT NULL
// violation (odoo/service/model.py).
func errMandatory(description, model, label, field string) *rpcError {
	return errValidation("The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n"+
		"- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"+
		"Model: %s (%s)\nField: %s (%s)", description, model, label, field)
}

// errNone is the fault Python's marshaller raises when a method returns
// None over XML-RPC, after Odoo has committed the method's work.
func errNone() *rpcError {
	return errType("cannot marshal None unless allow_none is enabled")
}

// recordsetRepr formats ids as Python prints a recordset: res.partner(1, 2)
// or res.partner(42,).
func recordsetRepr(model string, ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprint(id)
	}
	s := strings.Join(parts, ", ")
	if len(ids) == 1 {
		s += ","
	}
	return model + "(" + s + ")"
}

// pyName is the class as a Python traceback prints it: builtins are bare.
func (e *rpcError) pyName() string {
	return strings.TrimPrefix(e.Class, "builtins.")
}

// traceback returns a traceback-shaped text whose last line is
// "Class: message", as format_exception prints it.
func (e *rpcError) traceback() string {
	return "Traceback (most recent call last):\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/service/model.py\", line 156, in execute_kw\n" +
		"    return execute(db, uid, obj, method, *args, **kw or {})\n" +
		"  File \"/usr/lib/python3/dist-packages/odoo/api.py\", line 466, in call_kw\n" +
		"    result = _call_kw_model(method, model, args, kwargs)\n" +
		e.pyName() + ": " + e.Message + "\n"
}

// faultCode is the integer faultCode of /xmlrpc/2 (rpc.py
// xmlrpc_handle_exception_int).
func (e *rpcError) faultCode() int {
	switch e.Class {
	case excAccessError:
		return xmlrpc.FaultCodeAccessError
	case excAccessDenied:
		return xmlrpc.FaultCodeAccessDenied
	case excUserError, excValidationError, excMissingError:
		return xmlrpc.FaultCodeWarning
	}
	return xmlrpc.FaultCodeApplicationError
}

// fault returns the /xmlrpc/2 fault: the message for Odoo exceptions, the
// traceback for anything else.
func (e *rpcError) fault() *xmlrpc.Fault {
	code := e.faultCode()
	if code == xmlrpc.FaultCodeApplicationError {
		return &xmlrpc.Fault{Code: code, String: e.traceback()}
	}
	return &xmlrpc.Fault{Code: code, String: e.Message}
}

// legacyFault returns the fault of the historical /xmlrpc/ endpoints
// (rpc.py xmlrpc_handle_exception_string), whose faultCode is a string.
func (e *rpcError) legacyFault() *xmlrpc.Fault {
	var code, str string
	switch e.Class {
	case excMissingError:
		code = "warning -- MissingError\n\n" + e.Message
	case excAccessError:
		code = "warning -- AccessError\n\n" + e.Message
	case excAccessDenied:
		code, str = "AccessDenied", e.Message
	case excUserError, excValidationError:
		code = "warning -- UserError\n\n" + e.Message
	default:
		code, str = e.Message, e.traceback()
	}
	f := &xmlrpc.Fault{CodeString: code, String: str, Code: e.faultCode()}
	return f
}

// json2Status is the HTTP status of the JSON-2 error (the exception's
// http_status in Odoo 19).
func (e *rpcError) json2Status() int {
	if e.Status != 0 {
		return e.Status
	}
	switch e.Class {
	case excAccessError, excAccessDenied:
		return http.StatusForbidden
	case excMissingError, excNotFound:
		return http.StatusNotFound
	case excUserError, excValidationError:
		return http.StatusUnprocessableEntity
	case excUnauthorized:
		return http.StatusUnauthorized
	case excBadRequest:
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// data is the JSON-RPC error.data object and the JSON-2 error body
// (odoo/http.py serialize_exception).
func (e *rpcError) data() *object {
	return newObject(
		"name", e.Class,
		"message", e.Message,
		"arguments", []any{e.Message},
		"context", map[string]any{},
		"debug", e.traceback(),
	)
}

// asRPCError turns any error into an rpcError; errors that are not Odoo
// exceptions become a generic server error.
func asRPCError(err error) *rpcError {
	if e, ok := err.(*rpcError); ok {
		return e
	}
	return newErr("builtins.RuntimeError", "%s", err.Error())
}
