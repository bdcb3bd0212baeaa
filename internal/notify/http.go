package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// HTTPTimeoutDefault bounds one HTTP request of a channel whose
// configuration gives no client.
const HTTPTimeoutDefault = 20 * time.Second

func defaultHTTPClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: HTTPTimeoutDefault}
}

// httpResponse is what a channel needs from an answer.
type httpResponse struct {
	status int
	body   []byte
}

// post sends req and classifies the result: a network error before the
// request was written is retryable, after it the outcome is unknown; a 2xx
// answer is returned; 408, 429 and 5xx are retryable; any other status is
// permanent. describe turns an error answer's body into a message.
func post(ctx context.Context, client *http.Client, req *http.Request, what string) (*httpResponse, error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) }}
	req = req.WithContext(httptrace.WithClientTrace(ctx, trace))
	resp, err := client.Do(req)
	if err != nil {
		// The client's error quotes the whole URL, and a Slack or webhook
		// URL is a secret (its path is the token): name the host only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = fmt.Errorf("POST %s: %w", req.URL.Host, ue.Err)
		}
		if wrote.Load() {
			return nil, fmt.Errorf("%s: %w: %w", what, ErrOutcomeUnknown, err)
		}
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	out := &httpResponse{status: resp.StatusCode, body: body}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return out, nil
	}
	err = fmt.Errorf("%s: %s: %s", what, resp.Status, snippet(body))
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return out, err
	}
	return out, Permanent(err)
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

var errNoTarget = errors.New("no such target configured")
