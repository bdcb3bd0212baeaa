package odoo

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestErrorKindsOnEveryProtocol raises each Odoo exception in the fake and
// checks the kind the client reports over each protocol.
func TestErrorKindsOnEveryProtocol(t *testing.T) {
	t.Parallel()
	type raise struct {
		legacy *fakeErr // XML-RPC and JSON-RPC
		json2  *fakeErr // JSON-2 (nil: same as legacy)
	}
	tests := []struct {
		name    string
		raise   raise
		want    error
		also    error  // a second kind errors.Is must match, if any
		message string // part of the message the error must keep
	}{
		{
			name:    "access error",
			raise:   raise{legacy: &fakeErr{Name: excAccessError, Message: "You are not allowed to modify 'Journal Entry' (account.move) records."}},
			want:    ErrAccessRights,
			message: "(account.move)",
		},
		{
			name:  "access denied (revoked key)",
			raise: raise{legacy: &fakeErr{Name: excAccessDenied, Message: "Access Denied"}},
			want:  ErrAPIKeyRejected, also: ErrAuthentication,
		},
		{
			name:    "user error",
			raise:   raise{legacy: &fakeErr{Name: excUserError, Message: "You cannot delete a posted entry."}},
			want:    ErrUserError,
			message: "posted entry",
		},
		{
			name:    "validation error",
			raise:   raise{legacy: &fakeErr{Name: excValidationError, Message: "The operation cannot be completed: a mandatory field is not set."}},
			want:    ErrUserError,
			message: "mandatory field",
		},
		{
			name: "missing record",
			raise: raise{
				legacy: &fakeErr{Name: excMissingError, Message: "Record does not exist or has been deleted.\n(Record: res.partner(42,), User: 2)"},
			},
			want: ErrUserError, message: "Record does not exist",
		},
		{
			name: "unknown model",
			raise: raise{
				legacy: &fakeErr{Name: excUserError, Message: "Object helpdesk.ticket doesn't exist"},
				json2:  &fakeErr{Name: excNotFound, Message: "the model 'helpdesk.ticket' does not exist"},
			},
			want: ErrNotInstalled,
		},
		{
			name: "unknown method",
			raise: raise{
				legacy: &fakeErr{Name: "builtins.AttributeError", Message: "The method 'action_foo' does not exist on the model 'res.partner'"},
				json2:  &fakeErr{Name: excNotFound, Message: "404 Not Found"},
			},
			want: ErrNotInstalled,
		},
		{
			name:    "invalid field is a server fault with the last traceback line",
			raise:   raise{legacy: &fakeErr{Name: "builtins.ValueError", Message: "Invalid field 'foo' on model 'res.partner'"}},
			want:    ErrServerFault,
			message: "Invalid field 'foo'",
		},
	}
	for _, p := range protocols {
		for _, tt := range tests {
			t.Run(p.name+"/"+tt.name, func(t *testing.T) {
				t.Parallel()
				f := newFakeOdoo(t, p.version)
				e := tt.raise.legacy
				if p.name == "json2" && tt.raise.json2 != nil {
					e = tt.raise.json2
				}
				f.on("res.partner.do_it", func(fakeCall) (any, *fakeErr) { return nil, e })
				c := f.connect(t, p.mod)
				_, err := c.Call(context.Background(), "res.partner", "do_it", nil, nil)
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want kind %v", err, tt.want)
				}
				if tt.also != nil && !errors.Is(err, tt.also) {
					t.Errorf("err = %v, want it to match %v too", err, tt.also)
				}
				var oe *Error
				if !errors.As(err, &oe) {
					t.Fatalf("err is not an *Error: %T", err)
				}
				if oe.Op != "do_it" || oe.Model != "res.partner" {
					t.Errorf("Op, Model = %q, %q", oe.Op, oe.Model)
				}
				if !strings.HasPrefix(err.Error(), "odoo: do_it res.partner: ") {
					t.Errorf("message = %q", err.Error())
				}
				if tt.message != "" && !strings.Contains(oe.Message, tt.message) {
					t.Errorf("Message = %q, want it to contain %q", oe.Message, tt.message)
				}
				if oe.Temporary() {
					t.Errorf("a server exception must not be temporary")
				}
			})
		}
	}
}

// TestMissingRecordKind checks that JSON-RPC and JSON-2, which name the
// exception, report ErrMissingRecord (XML-RPC only gives code 2).
func TestMissingRecordKind(t *testing.T) {
	t.Parallel()
	for _, p := range protocols[1:] {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeOdoo(t, p.version)
			f.on("res.partner.write", func(fakeCall) (any, *fakeErr) {
				return nil, &fakeErr{Name: excMissingError, Message: "Record does not exist or has been deleted."}
			})
			c := f.connect(t, p.mod)
			err := c.Write(context.Background(), "res.partner", []int64{42}, map[string]any{"name": "x"}, nil)
			if !errors.Is(err, ErrMissingRecord) || !errors.Is(err, ErrUserError) {
				t.Fatalf("err = %v, want ErrMissingRecord (and ErrUserError)", err)
			}
		})
	}
}

// TestClassifyEnvelopes feeds the classifiers the envelopes of the notes.
func TestClassifyEnvelopes(t *testing.T) {
	t.Parallel()
	t.Run("xmlrpc faults", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			code int
			str  string
			want error
			msg  string
		}{
			{1, "Traceback (most recent call last):\n  File \"x\", line 1\nValueError: Invalid field 'x' on model 'y'\n", ErrServerFault, "ValueError: Invalid field 'x' on model 'y'"},
			{1, "Traceback (most recent call last):\n...\nTypeError: cannot marshal None unless allow_none is enabled\n", ErrOutcomeUnknown, "cannot marshal None"},
			{1, "Traceback (most recent call last):\n...\nAttributeError: The method 'x' does not exist on the model 'y'\n", ErrNotInstalled, "does not exist"},
			{1, "Traceback (most recent call last):\n...\npsycopg2.OperationalError: FATAL:  database \"x\" does not exist\n", ErrUnknownDatabase, "database"},
			{2, "Record does not exist or has been deleted.\n(Record: res.partner(42,), User: 2)", ErrUserError, "Record does not exist"},
			{2, "Object foo.bar doesn't exist", ErrNotInstalled, "foo.bar"},
			{3, "Access Denied", ErrAPIKeyRejected, "Access Denied"},
			{4, "You are not allowed to access 'Contact' (res.partner) records.", ErrAccessRights, "res.partner"},
		}
		for _, tt := range tests {
			e := classifyFault(tt.code, tt.str)
			if !errors.Is(e, tt.want) || !strings.Contains(e.Message, tt.msg) {
				t.Errorf("fault %d %q: got %v (message %q), want %v", tt.code, tt.str, e.Kind, e.Message, tt.want)
			}
		}
	})
	t.Run("jsonrpc errors", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			code int
			name string
			want error
		}{
			{200, "odoo.exceptions.AccessError", ErrAccessRights},
			{200, "odoo.exceptions.AccessDenied", ErrAPIKeyRejected},
			{200, "odoo.exceptions.UserError", ErrUserError},
			{200, "odoo.exceptions.ValidationError", ErrUserError},
			{200, "odoo.exceptions.MissingError", ErrMissingRecord},
			{200, "builtins.ValueError", ErrServerFault},
			{200, "odoo.http.SessionExpiredException", ErrAuthentication},
			{100, "", ErrAuthentication},
			{404, "", ErrNotOdoo},
		}
		for _, tt := range tests {
			var data *jsonErrorData
			if tt.name != "" {
				data = &jsonErrorData{Name: tt.name, Message: "m", Debug: "Traceback\nX: m"}
			}
			if e := classifyJSONRPC(tt.code, "Odoo Server Error", data); !errors.Is(e, tt.want) {
				t.Errorf("code %d name %q: got %v, want %v", tt.code, tt.name, e.Kind, tt.want)
			}
		}
	})
	t.Run("json2 statuses", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			status int
			name   string
			want   error
		}{
			{401, "werkzeug.exceptions.Unauthorized", ErrAPIKeyRejected},
			{403, "odoo.exceptions.AccessError", ErrAccessRights},
			{403, "odoo.exceptions.AccessDenied", ErrAPIKeyRejected},
			{404, "werkzeug.exceptions.NotFound", ErrNotInstalled},
			{404, "odoo.exceptions.MissingError", ErrMissingRecord},
			{404, "", ErrNotOdoo},
			{409, "odoo.exceptions.LockError", ErrLocked},
			{422, "odoo.exceptions.UserError", ErrUserError},
			{422, "odoo.exceptions.ValidationError", ErrUserError},
			{400, "", ErrProtocol},
			{500, "builtins.ValueError", ErrServerFault},
			{503, "", ErrUnavailable},
		}
		for _, tt := range tests {
			var data *jsonErrorData
			if tt.name != "" {
				data = &jsonErrorData{Name: tt.name, Message: "m"}
			}
			if e := classifyJSON2(tt.status, data); !errors.Is(e, tt.want) {
				t.Errorf("status %d name %q: got %v, want %v", tt.status, tt.name, e.Kind, tt.want)
			}
		}
	})
}

func TestErrorMessageHasHint(t *testing.T) {
	t.Parallel()
	e := &Error{Kind: ErrAccessRights, Op: "write", Model: "account.move", Message: "You are not allowed to modify 'Journal Entry' (account.move) records."}
	got := e.Error()
	for _, want := range []string{"odoo: write account.move: access denied", "(account.move)", "give the Odoo user the group"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
}
