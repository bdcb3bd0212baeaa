package web

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// maxBodyBytes is the largest request body accepted; every form and JSON
// body the server takes is far smaller.
const maxBodyBytes = 1 << 16

// checkInput refuses, before any handler or the store sees them, request
// bodies over maxBodyBytes (413) and paths, query strings, form fields
// and JSON bodies that are not valid UTF-8 or hold NUL characters (400).
// PostgreSQL refuses such text (SQLSTATE 22021), which would otherwise
// surface as a 500, and SQLite would store it.
func (s *Server) checkInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) || !cleanValues(r.URL.RawQuery) {
			s.inputError(w, r, http.StatusBadRequest, "The address holds bytes that are not UTF-8 text.")
			return
		}
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > maxBodyBytes {
			s.inputError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is over %d KiB.", maxBodyBytes>>10))
			return
		}
		buf, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
		if err != nil {
			s.inputError(w, r, http.StatusBadRequest, "The request body could not be read.")
			return
		}
		if len(buf) > maxBodyBytes {
			s.inputError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is over %d KiB.", maxBodyBytes>>10))
			return
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		ok := true
		switch {
		case ct == "application/x-www-form-urlencoded":
			ok = cleanValues(string(buf))
		case ct == "application/json" || strings.HasSuffix(ct, "+json") || ct == "" || strings.HasPrefix(ct, "text/"):
			// A JSON string may spell NUL as \u0000, which decodes to the
			// byte PostgreSQL refuses.
			ok = utf8.Valid(buf) && bytes.IndexByte(buf, 0) < 0 && !bytes.Contains(bytes.ToLower(buf), []byte(`\u0000`))
		}
		if !ok {
			s.inputError(w, r, http.StatusBadRequest, "The request holds text that is not valid UTF-8, or a NUL character.")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(buf))
		r.ContentLength = int64(len(buf))
		next.ServeHTTP(w, r)
	})
}

// cleanText reports whether s is valid UTF-8 without NUL characters.
func cleanText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// cleanValues reports whether every name and value of a URL-encoded query
// or form is clean text. The pairs that parse are checked even when others
// do not, since r.URL.Query keeps those.
func cleanValues(raw string) bool {
	vs, _ := url.ParseQuery(raw)
	for k, list := range vs {
		if !cleanText(k) {
			return false
		}
		for _, v := range list {
			if !cleanText(v) {
				return false
			}
		}
	}
	return true
}

// inputError answers a refused request in the API's error shape under
// /api/, as plain text elsewhere.
func (s *Server) inputError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		code := codeBadRequest
		if status == http.StatusRequestEntityTooLarge {
			code = codeTooLarge
		}
		s.apiError(w, r, status, code, msg)
		return
	}
	http.Error(w, msg, status)
}
