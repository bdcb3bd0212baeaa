package odoosim

import (
	"io"
	"net/http"
	"strings"
)

// handleJSON2 serves POST /json/2/<model>/<method> (Odoo 19+): bearer API
// key, optional X-Odoo-Database, named arguments in a JSON object, the
// plain result as the body, and HTTP statuses for errors.
func (s *Server) handleJSON2(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/json/2/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		writeJSON2Error(w, &rpcError{Class: excNotFound, Message: "404 Not Found: Did you mean POST /json/2/<model>/<method>?"})
		return
	}
	if r.Method != http.MethodPost {
		writeJSON2Error(w, &rpcError{Class: "werkzeug.exceptions.MethodNotAllowed", Message: "405 Method Not Allowed: The method is not allowed for the requested URL.", Status: http.StatusMethodNotAllowed})
		return
	}
	if db := r.Header.Get("X-Odoo-Database"); db != "" && db != s.db {
		writeJSON2Error(w, errUnknownDatabase(db))
		return
	}
	scheme, key, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	u := s.userByKey(strings.TrimSpace(key))
	if !strings.EqualFold(scheme, "bearer") || u == nil {
		writeJSON2Error(w, &rpcError{Class: excUnauthorized, Message: "Invalid apikey"})
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	if err != nil {
		writeJSON2Error(w, &rpcError{Class: excBadRequest, Message: "400 Bad Request: " + err.Error()})
		return
	}
	body := map[string]any{}
	if len(strings.TrimSpace(string(data))) > 0 {
		v, err := decodeJSON(data)
		m, ok := v.(map[string]any)
		if err != nil || !ok {
			writeJSON2Error(w, &rpcError{Class: excBadRequest, Message: "400 Bad Request: the request body must be a JSON object"})
			return
		}
		body = m
	}
	res, err := s.invoke(r.Context(), &invocation{user: u, model: parts[0], method: parts[1], body: body, json2: true})
	if err != nil {
		writeJSON2Error(w, err)
		return
	}
	writeJSONResponse(w, http.StatusOK, res)
}

// writeJSON2Error writes Odoo 19's JSON-2 error body with the exception's
// HTTP status.
func writeJSON2Error(w http.ResponseWriter, err error) {
	e := asRPCError(err)
	writeJSONResponse(w, e.json2Status(), e.data())
}
