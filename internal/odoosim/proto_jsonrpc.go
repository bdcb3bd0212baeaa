package odoosim

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// jsonrpcRequest is a decoded JSON-RPC 2.0 request.
type jsonrpcRequest struct {
	id     any
	params map[string]any
}

// readJSONRPC decodes a JSON-RPC request body.
func (s *Server) readJSONRPC(w http.ResponseWriter, r *http.Request) (*jsonrpcRequest, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		return nil, &rpcError{Class: excBadRequest, Message: "400 Bad Request: " + err.Error()}
	}
	v, err := decodeJSON(data)
	if err != nil {
		return nil, &rpcError{Class: excBadRequest, Message: "400 Bad Request: Invalid JSON data"}
	}
	env, ok := v.(map[string]any)
	if !ok {
		return nil, &rpcError{Class: excBadRequest, Message: "400 Bad Request: Invalid JSON-RPC data"}
	}
	req := &jsonrpcRequest{id: env["id"]}
	switch p := env["params"].(type) {
	case map[string]any:
		req.params = p
	case nil:
		req.params = map[string]any{}
	default:
		return req, &rpcError{Class: excBadRequest, Message: "400 Bad Request: params must be an object"}
	}
	return req, nil
}

// handleJSONRPC serves /jsonrpc: {"service", "method", "args"}.
func (s *Server) handleJSONRPC(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeHTML(w, http.StatusMethodNotAllowed, "405 Method Not Allowed", "The method is not allowed for the requested URL.")
		return
	}
	s.warnLegacy(r.URL.Path)
	req, err := s.readJSONRPC(w, r)
	if err != nil {
		writeJSONRPC(w, req, nil, err)
		return
	}
	service, _ := req.params["service"].(string)
	method, _ := req.params["method"].(string)
	args, _ := req.params["args"].([]any)
	res, err := s.dispatchService(r.Context(), service, method, args)
	writeJSONRPC(w, req, res, err)
}

// writeJSONRPC writes a JSON-RPC response: the result, or Odoo's error
// envelope (code 200 "Odoo Server Error", or 100 for an expired session).
// The HTTP status is 200 either way.
func writeJSONRPC(w http.ResponseWriter, req *jsonrpcRequest, result any, err error) {
	var id any
	if req != nil {
		id = req.id
	}
	body := newObject("jsonrpc", "2.0", "id", id)
	if err != nil {
		e := asRPCError(err)
		code, msg := int64(200), "Odoo Server Error"
		if e.Class == excSessionExpired {
			code, msg = 100, "Odoo Session Expired"
		}
		body.set("error", newObject("code", code, "message", msg, "data", e.data()))
	} else {
		body.set("result", result)
	}
	writeJSONResponse(w, http.StatusOK, body)
}

// writeJSONResponse encodes v with the Python-like encoder.
func writeJSONResponse(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, v); err != nil {
		buf.Reset()
		_ = writeJSON(&buf, newObject("jsonrpc", "2.0", "id", nil, "error",
			newObject("code", int64(200), "message", "Odoo Server Error", "data", errValue("%s", err.Error()).data())))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// webRoute serves a web client JSON-RPC route (type='json'); fn gets the
// params object.
func (s *Server) webRoute(fn func(w http.ResponseWriter, r *http.Request, params map[string]any) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeHTML(w, http.StatusMethodNotAllowed, "405 Method Not Allowed", "The method is not allowed for the requested URL.")
			return
		}
		req, err := s.readJSONRPC(w, r)
		if err != nil {
			writeJSONRPC(w, req, nil, err)
			return
		}
		res, err := fn(w, r, req.params)
		writeJSONRPC(w, req, res, err)
	}
}

func (s *Server) webVersionInfo(http.ResponseWriter, *http.Request, map[string]any) (any, error) {
	return s.versionInfo(), nil
}

// webAuthenticate is /web/session/authenticate: it opens a session
// (cookie session_id) and returns the session info, or raises
// AccessDenied for wrong credentials.
func (s *Server) webAuthenticate(w http.ResponseWriter, _ *http.Request, params map[string]any) (any, error) {
	db, _ := params["db"].(string)
	if db != s.db {
		return nil, newErr(excAccessError, "Database not found.")
	}
	login, _ := params["login"].(string)
	password, _ := params["password"].(string)
	u := s.authenticate(login, password, passwordOnly)
	if u == nil {
		return nil, errAccessDenied()
	}
	http.SetCookie(w, &http.Cookie{Name: "session_id", Value: s.sessions.create(u), Path: "/", HttpOnly: true})
	return s.sessionInfo(u), nil
}

// sessionInfo is ir.http session_info for u.
func (s *Server) sessionInfo(u *userInfo) *object {
	s.mu.RLock()
	defer s.mu.RUnlock()
	name, partnerName, lang := u.login, u.login, "en_US"
	var partner, company any = false, false
	var tz any = false
	var companies []int64
	if rec := s.ds.Get("res.users", u.uid); rec != nil {
		name = rec.Str("name")
		company = rec.M2O("company_id")
		companies = rec.IDs("company_ids")
		if p := s.ds.Get("res.partner", rec.M2O("partner_id")); p != nil {
			partner = p.ID()
			partnerName = s.newView().displayName("res.partner", p.ID())
			if p.Str("lang") != "" {
				lang = p.Str("lang")
			}
			if p.Str("tz") != "" {
				tz = p.Str("tz")
			}
		}
	}
	allowed := &object{}
	for _, id := range companies {
		if c := s.ds.Get("res.company", id); c != nil {
			allowed.set(strconv.FormatInt(id, 10), newObject("id", id, "name", c.Str("name")))
		}
	}
	info := s.versionInfo()
	return newObject(
		"uid", u.uid, "is_system", !u.readOnly, "is_admin", !u.readOnly,
		"user_context", newObject("lang", lang, "tz", tz, "uid", u.uid),
		"db", s.db, "server_version", info.get("server_version"), "server_version_info", info.get("server_version_info"),
		"name", name, "username", u.login, "partner_display_name", partnerName,
		"company_id", company, "partner_id", partner,
		"user_companies", newObject("current_company", company, "allowed_companies", allowed),
		"web.base.url", "http://localhost:8069", "currencies", map[string]any{},
	)
}

// webSessionInfo is /web/session/get_session_info.
func (s *Server) webSessionInfo(_ http.ResponseWriter, r *http.Request, _ map[string]any) (any, error) {
	u := s.sessions.user(r)
	if u == nil {
		return nil, newErr(excSessionExpired, "Session expired")
	}
	return s.sessionInfo(u), nil
}

// webDestroy is /web/session/destroy (OdooRPC's logout).
func (s *Server) webDestroy(_ http.ResponseWriter, r *http.Request, _ map[string]any) (any, error) {
	s.sessions.destroy(r)
	return none, nil
}

// webCallKw is /web/dataset/call_kw[/<model>.<method>], the web client's
// session-authenticated ORM call.
func (s *Server) webCallKw(_ http.ResponseWriter, r *http.Request, params map[string]any) (any, error) {
	u := s.sessions.user(r)
	if u == nil {
		return nil, newErr(excSessionExpired, "Session expired")
	}
	model, _ := params["model"].(string)
	method, _ := params["method"].(string)
	args, _ := params["args"].([]any)
	kwargs, _ := params["kwargs"].(map[string]any)
	if strings.HasPrefix(method, "_") {
		return nil, newErr(excAccessError, "Private methods (such as %s) cannot be called remotely.", method)
	}
	return s.invoke(r.Context(), &invocation{user: u, model: model, method: method, args: args, kwargs: kwargs})
}

// handleWebVersion is GET /web/version (19+).
func (s *Server) handleWebVersion(w http.ResponseWriter, _ *http.Request) {
	info := s.versionInfo()
	writeJSONResponse(w, http.StatusOK, newObject("version_info", info.get("server_version_info"), "version", info.get("server_serie")))
}
