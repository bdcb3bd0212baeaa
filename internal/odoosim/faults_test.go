package odoosim_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// countPartners counts partners directly on the server's dataset.
func countPartners(t *testing.T, s *odoosim.Server) int {
	t.Helper()
	n := 0
	_ = s.ReadDataset(func(ds *dataset.Dataset) error { n = ds.Len("res.partner"); return nil })
	return n
}

func TestFaultInjection(t *testing.T) {
	t.Parallel()
	createBody := `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>
<param><value><string>nordwind</string></value></param><param><value><int>2</int></value></param>
<param><value><string>admin</string></value></param><param><value><string>res.partner</string></value></param>
<param><value><string>create</string></value></param>
<param><value><array><data><value><struct><member><name>name</name><value><string>X</string></value></member></struct></value></data></array></value></param>
</params></methodCall>`
	post := func(ctx context.Context, url string) (int, string, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/xmlrpc/2/object", strings.NewReader(createBody))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}

	t.Run("error rate fails before the work", func(t *testing.T) {
		t.Parallel()
		s, url := start(t, startOpts{version: "17.0", opts: odoosim.Options{ErrorRate: 1}})
		before := countPartners(t, s)
		status, body, err := post(context.Background(), url)
		if err != nil || status != http.StatusBadGateway || !strings.Contains(body, "502 Bad Gateway") {
			t.Errorf("got %d %q %v", status, body, err)
		}
		if countPartners(t, s) != before {
			t.Error("the failed request created a record")
		}
	})

	t.Run("timeout rate hangs then 504 without work", func(t *testing.T) {
		t.Parallel()
		s, url := start(t, startOpts{version: "17.0", opts: odoosim.Options{TimeoutRate: 1, TimeoutDelay: 50 * time.Millisecond}})
		before := countPartners(t, s)
		t0 := time.Now()
		status, _, err := post(context.Background(), url)
		if err != nil || status != http.StatusGatewayTimeout || time.Since(t0) < 50*time.Millisecond {
			t.Errorf("got %d after %v, %v", status, time.Since(t0), err)
		}
		if countPartners(t, s) != before {
			t.Error("the timed-out request created a record")
		}
	})

	t.Run("timeout ends when the client gives up", func(t *testing.T) {
		t.Parallel()
		_, url := start(t, startOpts{version: "17.0", opts: odoosim.Options{TimeoutRate: 1, TimeoutDelay: time.Minute}})
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		t0 := time.Now()
		_, _, err := post(ctx, url)
		if err == nil || time.Since(t0) > 5*time.Second {
			t.Errorf("client did not time out quickly: %v after %v", err, time.Since(t0))
		}
	})

	t.Run("latency", func(t *testing.T) {
		t.Parallel()
		_, url := start(t, startOpts{version: "17.0", opts: odoosim.Options{Latency: 40 * time.Millisecond}})
		t0 := time.Now()
		if _, f := xmlCall(t, url, "/xmlrpc/2/common", "version"); f != nil {
			t.Fatal(f)
		}
		if d := time.Since(t0); d < 40*time.Millisecond {
			t.Errorf("answered in %v", d)
		}
	})

	t.Run("seeded", func(t *testing.T) {
		t.Parallel()
		run := func() string {
			_, url := start(t, startOpts{version: "17.0", opts: odoosim.Options{ErrorRate: 0.5, Seed: 42}})
			var out strings.Builder
			for range 20 {
				resp, err := http.Get(url + "/web/version")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusBadGateway {
					out.WriteByte('x')
				} else {
					out.WriteByte('.')
				}
			}
			return out.String()
		}
		a, b := run(), run()
		if a != b || !strings.Contains(a, "x") || !strings.Contains(a, ".") {
			t.Errorf("sequences %q and %q", a, b)
		}
	})
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	for _, opts := range []odoosim.Options{
		{ErrorRate: 1.5},
		{ErrorRate: 0.6, TimeoutRate: 0.6},
		{Latency: -time.Second},
		{Users: []odoosim.User{{Login: ""}}},
		{Users: []odoosim.User{{Login: "a"}, {Login: "a"}}},
		{Version: "banana"},
	} {
		if _, err := odoosim.New(fixture(t), opts); err == nil || !strings.HasPrefix(err.Error(), "odoosim: ") {
			t.Errorf("New(%+v) = %v, want an odoosim error", opts, err)
		}
	}
	if _, err := odoosim.New(nil, odoosim.Options{}); err == nil {
		t.Error("New(nil) succeeded")
	}
}
