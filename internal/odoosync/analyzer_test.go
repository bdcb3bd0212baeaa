package odoosync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoosync"
	"github.com/aicoo/aicoo/internal/pipeline"
	"github.com/aicoo/aicoo/internal/store"
)

func TestAnalyzer(t *testing.T) {
	t.Parallel()
	b := setup(t, nil)
	for _, m := range []string{"res.partner", "crm.lead"} {
		b.odoo.addModel(m, true, nil)
		for id := int64(1); id <= 4; id++ {
			b.odoo.put(m, id, "a", t0)
		}
	}
	a := pipeline.SyncAnalyzer(func(ctx context.Context, connectionID int64) (*odoosync.Syncer, error) {
		if connectionID != b.conn {
			return nil, errors.New("unknown connection")
		}
		return b.syncer(t, spec("res.partner", "crm.lead", "helpdesk.ticket"), nil), nil
	})
	if _, err := jobs.NewRegistry(a); err != nil || a.Type != "odoo.sync" {
		t.Fatalf("registry: %v", err)
	}
	tests := []struct {
		name       string
		config     string
		fail       string // model made to fail
		wantStatus string
		wantErr    bool
		check      func(t *testing.T, m odoosync.Metrics)
	}{
		{name: "first run", config: `{}`, wantStatus: store.ResultSuccess, check: func(t *testing.T, m odoosync.Metrics) {
			if m.Fetched != 8 || m.Models["helpdesk.ticket"].Status != store.OdooSyncNotInstalled || m.Models["crm.lead"].Fetched != 4 {
				t.Errorf("metrics = %+v", m)
			}
		}},
		{name: "one model fails", config: `{"full":true}`, fail: "crm.lead", wantStatus: store.ResultPartial, check: func(t *testing.T, m odoosync.Metrics) {
			if m.Failed != 1 || m.Models["res.partner"].Fetched != 4 || !strings.Contains(m.Models["crm.lead"].Error, "odoosync: sync crm.lead") {
				t.Errorf("metrics = %+v", m)
			}
		}},
		{name: "every model fails", config: `{"models":["crm.lead"]}`, fail: "crm.lead", wantErr: true},
		{name: "unknown model", config: `{"models":["nope"]}`, wantErr: true},
	}
	for _, tt := range tests {
		b.odoo.fail = map[string]error{}
		if tt.fail != "" {
			b.odoo.fail[tt.fail] = &odoo.Error{Kind: odoo.ErrServerFault, Op: "fields_get", Model: tt.fail}
		}
		b.clock.Add(time.Minute)
		job := &store.MonitoringJob{ConnectionID: b.conn, AnalyzerType: a.Type, Config: json.RawMessage(tt.config)}
		out, err := a.Func(context.Background(), jobs.Run{Job: job, ScheduledAt: b.clock.Now()})
		if (err != nil) != tt.wantErr {
			t.Fatalf("%s: err = %v", tt.name, err)
		}
		if tt.wantErr {
			continue
		}
		if out.Status != tt.wantStatus {
			t.Errorf("%s: status = %q", tt.name, out.Status)
		}
		if partial := out.Status == store.ResultPartial; partial != strings.Contains(out.Problem, tt.fail+": ") || partial != (tt.fail != "") {
			t.Errorf("%s: problem = %q", tt.name, out.Problem)
		}
		var m odoosync.Metrics
		if err := json.Unmarshal(out.Metrics, &m); err != nil {
			t.Fatal(err)
		}
		tt.check(t, m)
	}
	for cfg, ok := range map[string]bool{`{}`: true, `{"full":true,"models":["res.partner"]}`: true, `{"fulll":true}`: false, `[]`: false} {
		if err := a.ValidateConfigFunc(json.RawMessage(cfg)); (err == nil) != ok {
			t.Errorf("validate %s: %v", cfg, err)
		}
	}
}

func TestProgressPrinter(t *testing.T) {
	t.Parallel()
	events := []odoosync.Progress{
		{Model: "account.move", Index: 0, Count: 2, Phase: odoosync.PhaseFetch, Total: 40_000},
		{Model: "account.move", Index: 0, Count: 2, Phase: odoosync.PhaseFetch, Done: 12_000, Total: 40_000},
		{Model: "account.move", Index: 0, Count: 2, Phase: odoosync.PhaseFetch, Done: 12_001, Total: 40_000},
		{Model: "account.move", Index: 0, Count: 2, Phase: odoosync.PhaseFetch, Done: 40_000, Total: 40_000},
		{Model: "account.move", Index: 0, Count: 2, Phase: odoosync.PhaseSweep, Done: 40_000, Total: 40_000},
		{Model: "account.move", Index: 0, Count: 2, Phase: odoosync.PhaseDone, Done: 40_000, Total: 40_000,
			Report: &odoosync.ModelReport{Status: store.OdooSyncOK, Fetched: 40_000, Deleted: 2, Swept: true, Total: 39_998, Duration: 1500 * time.Millisecond}},
		{Model: "helpdesk.ticket", Index: 1, Count: 2, Phase: odoosync.PhaseDone,
			Report: &odoosync.ModelReport{Status: store.OdooSyncNotInstalled}},
	}
	tests := []struct {
		terminal bool
		want     []string
	}{
		{false, []string{
			"[1/2] account.move: 12000/40000 records (25%)\n",
			"[1/2] account.move: 40000 fetched, 2 deleted, swept, 39998 stored, 1.5s\n",
			"[2/2] helpdesk.ticket: not installed\n",
		}},
		{true, []string{
			"\r\x1b[K[1/2] account.move [>                             ]   0% of 40000",
			"\r\x1b[K[1/2] account.move [=========>                    ]  30% of 40000",
			"\r\x1b[K[1/2] account.move [==============================] 100% of 40000",
			"\r\x1b[K[1/2] account.move sweeping ids...",
			"\r\x1b[K[1/2] account.move: 40000 fetched, 2 deleted, swept, 39998 stored, 1.5s\n",
			"[2/2] helpdesk.ticket: not installed\n",
		}},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		p := odoosync.NewProgressPrinter(&buf, tt.terminal)
		for _, e := range events {
			p(e)
		}
		if got := buf.String(); got != strings.Join(tt.want, "") {
			t.Errorf("terminal=%v:\n got %q\nwant %q", tt.terminal, got, strings.Join(tt.want, ""))
		}
	}
}
