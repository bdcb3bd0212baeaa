package odoo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// json2Transport speaks the JSON-2 API of Odoo 19 and later:
// POST /json/2/<model>/<method> with a bearer API key and named arguments.
type json2Transport struct {
	h *httpDoer
}

func (t *json2Transport) protocol() Protocol { return ProtocolJSON2 }

// authenticate asks res.users/context_get for the uid, which proves the key
// works: JSON-2 has no login call.
func (t *json2Transport) authenticate(ctx context.Context, s *session) (int64, error) {
	v, err := t.execute(ctx, s, &request{model: "res.users", method: "context_get"})
	if err != nil {
		return 0, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return 0, &Error{Kind: ErrProtocol, Protocol: ProtocolJSON2, Op: "context_get", Model: "res.users", Message: "expected an object"}
	}
	uid, err := decodeInt(m["uid"])
	if err != nil || uid <= 0 {
		return 0, &Error{Kind: ErrProtocol, Protocol: ProtocolJSON2, Op: "context_get", Model: "res.users", Message: "no uid in the user context", Err: err}
	}
	return uid, nil
}

func (t *json2Transport) execute(ctx context.Context, s *session, r *request) (any, error) {
	body, err := r.json2Body()
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, &Error{Kind: ErrInvalidArgument, Protocol: ProtocolJSON2, Err: err}
	}
	header := http.Header{}
	header.Set("Authorization", "bearer "+s.secret)
	header.Set("Content-Type", "application/json")
	if s.db != "" {
		header.Set("X-Odoo-Database", s.db)
	}
	path := "/json/2/" + url.PathEscape(r.model) + "/" + url.PathEscape(r.method)
	resp, err := t.h.do(ctx, http.MethodPost, path, header, data)
	if err != nil {
		e := asError(err)
		e.Protocol = ProtocolJSON2
		return nil, e
	}
	return parseJSON2(resp)
}

// parseJSON2 decodes a JSON-2 response: the plain result on 200, an error
// object {name, message, arguments, context, debug} otherwise.
func parseJSON2(resp *httpResponse) (any, error) {
	if resp.status == http.StatusOK {
		if resp.looksHTML() {
			return nil, &Error{Kind: ErrNotOdoo, Protocol: ProtocolJSON2, Status: resp.status, Message: "the answer is an HTML page"}
		}
		v, err := decodeJSONValue(resp.body)
		if err != nil {
			return nil, malformed(ProtocolJSON2, err)
		}
		return v, nil
	}
	var data *jsonErrorData
	if !resp.looksHTML() && isJSONObject(resp.body) {
		var d jsonErrorData
		if err := decodeJSONInto(resp.body, &d); err == nil {
			data = &d
		}
	}
	if data == nil && resp.status >= 500 {
		return nil, resp.unexpectedStatus(ProtocolJSON2)
	}
	return nil, classifyJSON2(resp.status, data)
}
