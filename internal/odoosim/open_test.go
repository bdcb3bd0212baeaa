package odoosim_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosim"
)

func TestOpenGeneratedCompany(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := odoosim.Open(ctx, odoosim.Source{Size: "small", Seed: 7, Today: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)},
		odoosim.Options{Version: "17.0", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.APIKey()) != 40 || s.Login() != "admin" || s.Version() != "17.0" {
		t.Errorf("key %q login %q version %q", s.APIKey(), s.Login(), s.Version())
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	c, err := odoo.New(odoo.Config{URL: ts.URL, Database: s.Database(), Username: s.Login(), APIKey: s.APIKey(),
		Protocol: odoo.ProtocolJSONRPC, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	info, err := c.Connect(ctx)
	if err != nil {
		t.Fatalf("Connect to the generated company: %v", err)
	}
	invoices, err := odoo.Collect(c.Invoices(ctx, odoo.ListOpts{}))
	if err != nil || len(invoices) == 0 {
		t.Errorf("invoices = %d, %v (modules %v)", len(invoices), err, info.Modules)
	}
	if _, err := odoosim.Open(ctx, odoosim.Source{Dir: t.TempDir() + "/missing"}, odoosim.Options{}); err == nil {
		t.Error("Open of a missing folder succeeded")
	}
}
