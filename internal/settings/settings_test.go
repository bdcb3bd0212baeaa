package settings_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/jobs"
	"github.com/aicoo/aicoo/internal/pipeline"
	"github.com/aicoo/aicoo/internal/settings"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

// TestCatalogCoversEveryThreshold parses the analyzer packages and checks
// that every Threshold* name they declare is in the catalogue, once, with
// a description and a default inside its own range.
func TestCatalogCoversEveryThreshold(t *testing.T) {
	declared := map[string]bool{}
	for _, pkg := range []string{"finance", "expenses", "sales", "customers", "operations"} {
		files, err := filepath.Glob(filepath.Join("..", "analysis", pkg, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				vs, ok := n.(*ast.ValueSpec)
				if !ok {
					return true
				}
				for i, name := range vs.Names {
					if !strings.HasPrefix(name.Name, "Threshold") || i >= len(vs.Values) {
						continue
					}
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						v, _ := strconv.Unquote(lit.Value)
						declared[v] = true
					}
				}
				return true
			})
		}
	}
	if len(declared) < 50 {
		t.Fatalf("found only %d threshold names; is the parse broken?", len(declared))
	}
	seen := map[string]bool{}
	for _, spec := range settings.Catalog() {
		if seen[spec.Name] {
			t.Errorf("%s listed twice", spec.Name)
		}
		seen[spec.Name] = true
		if !declared[spec.Name] {
			t.Errorf("%s is in the catalogue but no analyzer declares it", spec.Name)
		}
		if spec.Description == "" || spec.Unit == "" {
			t.Errorf("%s: missing description or unit", spec.Name)
		}
		if err := spec.Check(spec.Default); err != nil {
			t.Errorf("default out of its own range: %v", err)
		}
	}
	for name := range declared {
		if !seen[name] {
			t.Errorf("%s is read by an analyzer but missing from the catalogue", name)
		}
	}
}

// seed creates a connection with a finance analysis job and three posted
// customer invoices 50, 70 and 100 days overdue on today.
func seed(t *testing.T, s *store.Store, today time.Time) *store.Connection {
	t.Helper()
	ctx := context.Background()
	c, err := s.ConnectionUpsert(ctx, store.ConnectionUpsertParams{Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	for _, area := range []string{"finance", "sales"} {
		if _, err := s.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: c.ID, Name: area + "-analysis", Schedule: "@every 15m",
			AnalyzerType: analysis.JobTypePrefix + area, Config: json.RawMessage(`{"note":"kept"}`), Enabled: true}); err != nil {
			t.Fatal(err)
		}
	}
	var recs []store.OdooRecordParams
	for i, days := range []int{50, 70, 100} {
		id := int64(i + 1)
		due := today.AddDate(0, 0, -days).Format("2006-01-02")
		recs = append(recs, store.OdooRecordParams{OdooID: id, WriteDate: today, Active: true, Data: json.RawMessage(fmt.Sprintf(
			`{"id":%d,"name":"INV/%d","move_type":"out_invoice","state":"posted","company_id":[1,"Acme"],"partner_id":[7,"Azure"],`+
				`"invoice_date":%q,"invoice_date_due":%q,"date":%q,"amount_residual":100,"amount_residual_signed":100,"amount_total_signed":100}`,
			id, id, due, due, due))})
	}
	if err := s.OdooRecordUpsertMany(ctx, c.ID, "account.move", recs); err != nil {
		t.Fatal(err)
	}
	if err := s.OdooSyncStatePut(ctx, &store.OdooSyncState{ConnectionID: c.ID, Model: "account.move", Status: store.OdooSyncOK, RecordCount: 3}); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSetGetResetAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c := seed(t, s, time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
		svc := &settings.Service{Store: s}
		for _, tc := range []struct {
			key     string
			value   float64
			wantErr string
		}{
			{"finance.overdue_days", 0, "finance.overdue_days must be between 1 and 3650 days, not 0"},
			{"finance.overdue_days", 45.5, "must be a whole number"},
			{"finance.nope", 1, `unknown threshold "finance.nope"; the thresholds of that area are finance.overdue_days`},
			{"expenses.max_amount.42", -1, "expenses.max_amount.42 must be between 0 and"},
			{"finance.overdue_days", 45, ""},
		} {
			_, err := svc.Set(ctx, c.ID, "user:olga", tc.key, tc.value)
			var inv *settings.InvalidError
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Set(%s, %v): %v", tc.key, tc.value, err)
			case tc.wantErr != "" && (!errors.As(err, &inv) || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Set(%s, %v) = %v, want an InvalidError containing %q", tc.key, tc.value, err, tc.wantErr)
			}
		}
		v, err := svc.Get(ctx, c.ID, "finance.overdue_days")
		if err != nil || v.Value != 45 || !v.Set || v.Default != 60 || v.Unit != "days" {
			t.Fatalf("Get: %+v %v", v, err)
		}
		jobs, err := s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			want := `{"note":"kept"}`
			if j.AnalyzerType == "analysis.finance" {
				want = `{"note":"kept","thresholds":{"finance.overdue_days":45}}`
			}
			if got := compact(t, j.Config); got != want {
				t.Errorf("job %s config = %s, want %s", j.Name, got, want)
			}
		}
		if _, err := svc.Reset(ctx, c.ID, "cli", "finance.overdue_days"); err != nil {
			t.Fatal(err)
		}
		v, err = svc.Get(ctx, c.ID, "finance.overdue_days")
		if err != nil || v.Value != 60 || v.Set {
			t.Fatalf("after reset: %+v %v", v, err)
		}
		got := auditLines(t, s, c.ID)
		want := []string{
			`user:olga settings.threshold_changed threshold:finance.overdue_days {"default":60,"from":null,"key":"finance.overdue_days","to":45}`,
			`cli settings.threshold_reset threshold:finance.overdue_days {"default":60,"from":45,"key":"finance.overdue_days"}`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("audit:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func compact(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func TestPreviewCountsFindings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		today := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		c := seed(t, s, today)
		svc := &settings.Service{Store: s, Now: func() time.Time { return today }}
		overdue := func(p *settings.Preview) (now, with int) { return p.Findings, p.WithProposed }
		for _, tc := range []struct {
			value     float64
			now, with int
			sentence  string
		}{
			// 70 and 100 days are over 60; 45 adds the 50-day invoice; 80 keeps only 100.
			{45, 2, 3, "With 45 instead of 60, 1 more finance finding (4 instead of 3)."},
			{80, 2, 1, "With 80 instead of 60, 1 fewer finance finding (2 instead of 3)."},
			{60, 2, 2, "With 60 instead of 60, the same number of finance findings (3)"},
		} {
			p, err := svc.Preview(ctx, c.ID, "finance.overdue_days", tc.value)
			if err != nil {
				t.Fatal(err)
			}
			// The top-overdue summary is one more finding, whatever the threshold.
			n, w := overdue(p)
			if n-1 != tc.now || w-1 != tc.with {
				t.Errorf("preview %v: %d -> %d findings, want %d -> %d overdue invoices (+1 summary)", tc.value, n, w, tc.now, tc.with)
			}
			if got := p.Sentence(); !strings.HasPrefix(got, tc.sentence) {
				t.Errorf("sentence %q, want it to start %q", got, tc.sentence)
			}
		}
		if _, err := svc.Preview(ctx, c.ID, "finance.overdue_days", -3); err == nil {
			t.Fatal("preview of an invalid value succeeded")
		}
	})
}

func auditLines(t *testing.T, s *store.Store, connectionID int64) []string {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), `SELECT actor, action, subject, details FROM audit_log WHERE connection_id = $1 ORDER BY seq`, connectionID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var actor, action, subject, details string
		if err := rows.Scan(&actor, &action, &subject, &details); err != nil {
			t.Fatal(err)
		}
		out = append(out, actor+" "+action+" "+subject+" "+compact(t, json.RawMessage(details)))
	}
	return out
}

// TestNextAnalysisUsesStoredThreshold: the analysis job, as the job engine
// runs it, reads what Set stored: lowering the overdue threshold from 60 to
// 45 days adds the 50-day invoice to its findings.
func TestNextAnalysisUsesStoredThreshold(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		today := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
		c := seed(t, s, today)
		job := pipeline.JobAnalyzer(s, finance.New(), func() time.Time { return today }, nil, nil)
		count := func() int {
			t.Helper()
			jobs, err := s.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: c.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range jobs {
				if j.AnalyzerType != "analysis.finance" {
					continue
				}
				out, err := job.Func(ctx, jobsRun(j))
				if err != nil {
					t.Fatal(err)
				}
				var ins []analysis.Insight
				if err := json.Unmarshal(out.Insights, &ins); err != nil {
					t.Fatal(err)
				}
				return len(ins)
			}
			t.Fatal("no finance job")
			return 0
		}
		before := count()
		if _, err := (&settings.Service{Store: s}).Set(ctx, c.ID, "cli", "finance.overdue_days", 45); err != nil {
			t.Fatal(err)
		}
		if after := count(); after != before+1 {
			t.Fatalf("findings %d before, %d after lowering the threshold; want one more", before, after)
		}
	})
}

func jobsRun(j *store.MonitoringJob) jobs.Run {
	return jobs.Run{Job: j, ScheduledAt: j.CreatedAt, Attempt: 1}
}
