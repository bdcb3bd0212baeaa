package odoo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync/atomic"
)

// maxResponseBytes bounds the size of one response body.
const maxResponseBytes = 1 << 30

// httpDoer sends requests to one Odoo base URL and turns network failures
// into *Error values that say whether the request reached the server.
type httpDoer struct {
	client    *http.Client
	base      string
	userAgent string
	clock     Clock
}

// httpResponse is a fully read response.
type httpResponse struct {
	status int
	header http.Header
	body   []byte
}

// do sends one request. It returns an *Error for network failures and for
// the transient statuses 429, 502, 503 and 504; other statuses are returned
// to the caller, which knows the protocol.
func (h *httpDoer) do(ctx context.Context, method, path string, header http.Header, body []byte) (*httpResponse, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, rd)
	if err != nil {
		return nil, &Error{Kind: ErrInvalidArgument, Err: err}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("User-Agent", h.userAgent)
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	var sent atomic.Bool
	trace := &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err == nil {
				sent.Store(true)
			}
		},
	}
	req = req.WithContext(httptrace.WithClientTrace(ctx, trace))
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, networkError(ctx, err, sent.Load())
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, networkError(ctx, err, true)
	}
	r := &httpResponse{status: resp.StatusCode, header: resp.Header, body: data}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return nil, &Error{
			Kind:       ErrUnavailable,
			Status:     resp.StatusCode,
			Message:    http.StatusText(resp.StatusCode),
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), h.clock.Now()),
			transient:  true,
		}
	}
	return r, nil
}

// networkError classifies a failure to send a request or read its response.
func networkError(ctx context.Context, err error, sent bool) *Error {
	var ne interface{ Timeout() bool }
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return &Error{Kind: ErrTimeout, Err: err, transient: true, notSent: !sent}
	case ctx.Err() != nil:
		return &Error{Kind: ErrUnavailable, Err: ctx.Err(), notSent: !sent}
	case !sent:
		return &Error{Kind: ErrUnreachable, Err: err, transient: true, notSent: true}
	default:
		return &Error{Kind: ErrUnavailable, Err: err, transient: true}
	}
}

// looksHTML reports whether a response is a web page rather than an API
// answer: what a proxy, another application or Odoo's own 404 page sends.
func (r *httpResponse) looksHTML() bool {
	ct := strings.ToLower(r.header.Get("Content-Type"))
	if strings.Contains(ct, "text/html") {
		return true
	}
	b := bytes.TrimSpace(r.body)
	if len(b) > 64 {
		b = b[:64]
	}
	lb := bytes.ToLower(b)
	return bytes.HasPrefix(lb, []byte("<!doctype html")) || bytes.HasPrefix(lb, []byte("<html"))
}

// unexpectedStatus turns a status the protocol does not expect into an error.
func (r *httpResponse) unexpectedStatus(p Protocol) *Error {
	e := &Error{Protocol: p, Status: r.status, Message: fmt.Sprintf("HTTP %d", r.status)}
	switch {
	case r.status >= 500:
		e.Kind = ErrServerFault
	case r.status == http.StatusNotFound || r.looksHTML():
		e.Kind = ErrNotOdoo
	default:
		e.Kind = ErrProtocol
	}
	return e
}
