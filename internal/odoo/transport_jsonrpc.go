package odoo

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
)

// jsonrpcTransport speaks JSON-RPC 2.0 on /jsonrpc (Odoo 16-19; deprecated
// since 19).
type jsonrpcTransport struct {
	h   *httpDoer
	ids atomic.Int64
}

func (t *jsonrpcTransport) protocol() Protocol { return ProtocolJSONRPC }

// jsonrpcEnvelope is a JSON-RPC response.
type jsonrpcEnvelope struct {
	Error *struct {
		Code    int            `json:"code"`
		Message string         `json:"message"`
		Data    *jsonErrorData `json:"data"`
	} `json:"error"`
}

// rpc posts one JSON-RPC "call" to path and returns its decoded result.
func (t *jsonrpcTransport) rpc(ctx context.Context, path string, params any) (any, error) {
	body, err := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"method":  "call",
		"id":      t.ids.Add(1),
		"params":  params,
	})
	if err != nil {
		return nil, &Error{Kind: ErrInvalidArgument, Protocol: ProtocolJSONRPC, Err: err}
	}
	resp, err := t.h.do(ctx, http.MethodPost, path, nil, body)
	if err != nil {
		e := asError(err)
		e.Protocol = ProtocolJSONRPC
		return nil, e
	}
	return parseJSONRPC(resp)
}

// parseJSONRPC decodes a JSON-RPC response. Odoo answers 200 for errors
// too; the kind comes from error.data.name.
func parseJSONRPC(resp *httpResponse) (any, error) {
	if resp.status != http.StatusOK {
		return nil, resp.unexpectedStatus(ProtocolJSONRPC)
	}
	if resp.looksHTML() || !isJSONObject(resp.body) {
		return nil, &Error{Kind: ErrNotOdoo, Protocol: ProtocolJSONRPC, Status: resp.status, Message: "the answer is not JSON-RPC"}
	}
	var env jsonrpcEnvelope
	if err := decodeJSONInto(resp.body, &env); err != nil {
		return nil, malformed(ProtocolJSONRPC, err)
	}
	if env.Error != nil {
		return nil, classifyJSONRPC(env.Error.Code, env.Error.Message, env.Error.Data)
	}
	// A method returning None gives "result": null, which is a success.
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(resp.body, &keys); err != nil {
		return nil, malformed(ProtocolJSONRPC, err)
	}
	raw, ok := keys["result"]
	if !ok {
		return nil, malformed(ProtocolJSONRPC, errors.New("no result and no error"))
	}
	v, err := decodeJSONValue(raw)
	if err != nil {
		return nil, malformed(ProtocolJSONRPC, err)
	}
	return v, nil
}

// service calls a method of a JSON-RPC service ("common" or "object").
func (t *jsonrpcTransport) service(ctx context.Context, service, method string, args []any) (any, error) {
	return t.rpc(ctx, "/jsonrpc", map[string]any{"service": service, "method": method, "args": args})
}

func (t *jsonrpcTransport) authenticate(ctx context.Context, s *session) (int64, error) {
	v, err := t.service(ctx, "common", "authenticate", []any{s.db, s.login, s.secret, map[string]any{}})
	if err != nil {
		return 0, err
	}
	return uidFromAuthenticate(ProtocolJSONRPC, v)
}

func (t *jsonrpcTransport) execute(ctx context.Context, s *session, r *request) (any, error) {
	args, kw := r.legacyArgs()
	return t.service(ctx, "object", "execute_kw", []any{s.db, s.uid, s.secret, r.model, r.method, args, kw})
}

// uidFromAuthenticate reads the answer of common.authenticate: a uid, or
// False for wrong credentials.
func uidFromAuthenticate(p Protocol, v any) (int64, error) {
	if IsFalse(v) {
		return 0, &Error{Kind: ErrWrongCredentials, Protocol: p, Op: "authenticate", Message: "the server answered False"}
	}
	uid, err := decodeInt(v)
	if err != nil || uid <= 0 {
		return 0, &Error{Kind: ErrProtocol, Protocol: p, Op: "authenticate", Message: "unexpected uid", Err: err}
	}
	return uid, nil
}
