package odoo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
)

// transport is one wire protocol. Implementations send exactly one HTTP
// request per call and never retry; the Client retries.
type transport interface {
	// protocol names the protocol.
	protocol() Protocol
	// authenticate checks the credentials and returns the user id.
	authenticate(ctx context.Context, s *session) (int64, error)
	// execute calls one model method.
	execute(ctx context.Context, s *session, r *request) (any, error)
}

// session holds what every legacy call repeats: database, uid and secret.
type session struct {
	db     string
	login  string
	secret string
	uid    int64
}

// param is one argument that legacy protocols send positionally and JSON-2
// sends by name.
type param struct {
	name  string
	value any
}

// request is one model method call, described so that every protocol can
// encode it.
type request struct {
	model  string
	method string
	// ids is the recordset for record methods (read, write, unlink,
	// message_post, action_*); hasIDs tells it apart from a model method.
	ids    []int64
	hasIDs bool
	// params are sent positionally by XML-RPC/JSON-RPC and by name by JSON-2.
	params []param
	// kwargs are keyword arguments for every protocol.
	kwargs map[string]any
	// context is the Odoo context.
	context map[string]any
	// rawArgs, when raw is set, are execute_kw positional arguments as the
	// caller of Call gave them.
	rawArgs []any
	raw     bool
}

// legacyArgs returns the execute_kw args and kwargs.
func (r *request) legacyArgs() ([]any, map[string]any) {
	args := []any{}
	if r.raw {
		args = append(args, r.rawArgs...)
	} else {
		if r.hasIDs {
			args = append(args, idList(r.ids))
		}
		for _, p := range r.params {
			args = append(args, p.value)
		}
	}
	kw := make(map[string]any, len(r.kwargs)+1)
	maps.Copy(kw, r.kwargs)
	if len(r.context) > 0 {
		kw["context"] = r.context
	}
	return args, kw
}

// json2Body returns the JSON-2 request body: ids, context and named
// arguments. Positional arguments of Call cannot be expressed, except the
// ids list in first position.
func (r *request) json2Body() (map[string]any, error) {
	body := make(map[string]any, len(r.params)+len(r.kwargs)+2)
	switch {
	case r.raw && len(r.rawArgs) > 1:
		return nil, &Error{Kind: ErrInvalidArgument, Op: r.method, Model: r.model, Message: "JSON-2 takes named arguments only: pass the ids as args[0] and everything else in kwargs"}
	case r.raw && len(r.rawArgs) == 1:
		ids, err := decodeIDs(r.rawArgs[0])
		if err != nil {
			return nil, &Error{Kind: ErrInvalidArgument, Op: r.method, Model: r.model, Message: "JSON-2 takes named arguments only: args[0] must be the list of record ids", Err: err}
		}
		body["ids"] = ids
	case r.hasIDs:
		body["ids"] = idList(r.ids)
	}
	for _, p := range r.params {
		body[p.name] = p.value
	}
	maps.Copy(body, r.kwargs)
	if len(r.context) > 0 {
		body["context"] = r.context
	}
	return body, nil
}

// idList turns ids into a list every encoder handles.
func idList(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// decodeJSONValue decodes a JSON document into plain Go values, keeping
// numbers as json.Number so that large integers stay exact.
func decodeJSONValue(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after JSON value")
	}
	return v, nil
}

// decodeJSONInto decodes data into v with numbers kept as json.Number.
func decodeJSONInto(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return dec.Decode(v)
}

// isJSONObject reports whether a body starts like a JSON object.
func isJSONObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

// malformed reports an envelope that could not be decoded.
func malformed(p Protocol, err error) *Error {
	return &Error{Kind: ErrProtocol, Protocol: p, Err: fmt.Errorf("malformed response: %w", err)}
}
