package odoo

import (
	"strings"
)

// Exception class names as Odoo reports them in JSON-RPC error.data.name
// and in JSON-2 error bodies.
const (
	excAccessError      = "odoo.exceptions.AccessError"
	excAccessDenied     = "odoo.exceptions.AccessDenied"
	excMissingError     = "odoo.exceptions.MissingError"
	excLockError        = "odoo.exceptions.LockError"
	excUserError        = "odoo.exceptions.UserError"
	excValidationError  = "odoo.exceptions.ValidationError"
	excRedirectWarning  = "odoo.exceptions.RedirectWarning"
	excExceptOrm        = "odoo.exceptions.except_orm"
	excCacheMiss        = "odoo.exceptions.CacheMiss"
	excSessionExpired   = "odoo.http.SessionExpiredException"
	excUnauthorized     = "werkzeug.exceptions.Unauthorized"
	excNotFound         = "werkzeug.exceptions.NotFound"
	excAttributeError   = "builtins.AttributeError"
	excPsycopgOperation = "psycopg2.OperationalError"
)

// classifyException maps an exception class name and its message to a kind.
// The class decides; the message is only looked at where Odoo raises a
// generic class for a specific case (unknown model, unknown method, unknown
// database, None over XML-RPC).
func classifyException(name, message string) error {
	switch name {
	case excAccessError:
		return ErrAccessRights
	case excAccessDenied, excUnauthorized:
		return ErrAPIKeyRejected
	case excSessionExpired:
		return ErrAuthentication
	case excMissingError:
		return ErrMissingRecord
	case excLockError:
		return ErrLocked
	case excUserError, excValidationError, excRedirectWarning, excExceptOrm:
		if isUnknownModelMessage(message) {
			return ErrNotInstalled
		}
		return ErrUserError
	case excNotFound:
		return ErrNotInstalled
	}
	switch shortName(name) {
	case "AttributeError":
		if isUnknownMethodMessage(message) {
			return ErrNotInstalled
		}
	case "OperationalError":
		if isUnknownDatabaseMessage(message) {
			return ErrUnknownDatabase
		}
	case "TypeError":
		if isMarshalNoneMessage(message) {
			return ErrOutcomeUnknown
		}
	}
	return ErrServerFault
}

// isUnknownModelMessage matches UserError("Object %s doesn't exist"), which
// 16-19 raise over XML-RPC and JSON-RPC for an unknown model.
func isUnknownModelMessage(msg string) bool {
	return strings.HasPrefix(msg, "Object ") && strings.Contains(msg, "doesn't exist")
}

// isUnknownMethodMessage matches AttributeError("The method 'x' does not
// exist on the model 'y'").
func isUnknownMethodMessage(msg string) bool {
	return strings.Contains(msg, "does not exist on the model") || strings.Contains(msg, "has no attribute")
}

// isUnknownDatabaseMessage matches psycopg2's FATAL: database "x" does not exist.
func isUnknownDatabaseMessage(msg string) bool {
	return strings.Contains(msg, `database "`) && strings.Contains(msg, "does not exist")
}

// isMarshalNoneMessage matches the XML-RPC fault for a method returning None.
func isMarshalNoneMessage(msg string) bool {
	return strings.Contains(msg, "cannot marshal None")
}

// classifyFault maps an XML-RPC /xmlrpc/2 fault to an *Error. Code 1 carries
// a traceback whose last line is "ExcClass: message"; codes 2, 3 and 4 carry
// the message only.
func classifyFault(code int, faultString string) *Error {
	e := &Error{Protocol: ProtocolXMLRPC, Code: code}
	switch code {
	case 2:
		e.Message = faultString
		e.Name = excUserError
		e.Kind = ErrUserError
		if isUnknownModelMessage(faultString) {
			e.Kind = ErrNotInstalled
		}
	case 3:
		e.Message = faultString
		e.Name = excAccessDenied
		e.Kind = ErrAPIKeyRejected
	case 4:
		e.Message = faultString
		e.Name = excAccessError
		e.Kind = ErrAccessRights
	default:
		e.Debug = faultString
		line := lastLine(faultString)
		e.Message = line
		cls, msg, ok := strings.Cut(line, ": ")
		if !ok || strings.ContainsAny(cls, " \t") {
			cls, msg = "", line
		}
		e.Name = cls
		e.Kind = classifyException(cls, msg)
		if e.Kind == ErrServerFault && isUnknownDatabaseMessage(faultString) {
			e.Kind = ErrUnknownDatabase
		}
	}
	return e
}

// jsonErrorData is the "data" object of a JSON-RPC error and the body of a
// JSON-2 error.
type jsonErrorData struct {
	Name      string `json:"name"`
	Message   string `json:"message"`
	Arguments []any  `json:"arguments"`
	Debug     string `json:"debug"`
}

// classifyJSONRPC maps a JSON-RPC error envelope to an *Error.
func classifyJSONRPC(code int, message string, data *jsonErrorData) *Error {
	e := &Error{Protocol: ProtocolJSONRPC, Code: code, Message: message}
	if data != nil {
		e.Name = data.Name
		e.Debug = data.Debug
		if data.Message != "" {
			e.Message = data.Message
		}
	}
	switch {
	case code == 404:
		e.Kind = ErrNotOdoo
	case code == 100:
		e.Kind = ErrAuthentication
	case data != nil && data.Name != "":
		e.Kind = classifyException(data.Name, e.Message)
		if e.Kind == ErrServerFault && e.Debug != "" {
			// Keep the last traceback line, which names the exception.
			if l := lastLine(e.Debug); l != "" && !strings.Contains(e.Message, l) {
				e.Message = l
			}
		}
	default:
		e.Kind = ErrServerFault
	}
	return e
}

// classifyJSON2 maps a JSON-2 HTTP error status and its body to an *Error.
// data is nil when the body was not a JSON object.
func classifyJSON2(status int, data *jsonErrorData) *Error {
	e := &Error{Protocol: ProtocolJSON2, Status: status}
	if data != nil {
		e.Name = data.Name
		e.Message = data.Message
		e.Debug = data.Debug
	}
	switch status {
	case 401:
		e.Kind = ErrAPIKeyRejected
	case 403:
		if data != nil && data.Name == excAccessDenied {
			e.Kind = ErrAPIKeyRejected
		} else {
			e.Kind = ErrAccessRights
		}
	case 404:
		switch {
		case data == nil:
			e.Kind = ErrNotOdoo
		case data.Name == excMissingError:
			e.Kind = ErrMissingRecord
		default:
			e.Kind = ErrNotInstalled
		}
	case 409:
		e.Kind = ErrLocked
	case 422:
		e.Kind = ErrUserError
	case 400, 405:
		e.Kind = ErrProtocol
	case 429, 502, 503, 504:
		e.Kind = ErrUnavailable
		e.transient = true
	default:
		if data != nil && data.Name != "" {
			e.Kind = classifyException(data.Name, data.Message)
		} else {
			e.Kind = ErrServerFault
		}
		if e.Kind == ErrServerFault && e.Debug != "" {
			if l := lastLine(e.Debug); l != "" && !strings.Contains(e.Message, l) {
				e.Message = l
			}
		}
	}
	return e
}
