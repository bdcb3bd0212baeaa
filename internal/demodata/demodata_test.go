package demodata

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
)

// testToday is the fixed reference date of the tests.
var testToday = time.Date(2025, 6, 18, 15, 4, 5, 0, time.UTC)

// fixtures caches generated datasets per option set so the tests share them.
var fixtures = struct {
	sync.Mutex
	m map[string]*fixture
}{m: map[string]*fixture{}}

type fixture struct {
	once sync.Once
	ds   *dataset.Dataset
	gt   *GroundTruth
	err  error
}

// scenarios are the option sets the invariant tests run on.
var scenarios = map[string]Options{
	"healthy":    {Size: SizeSmall, Seed: 42, Today: testToday},
	"low_runway": {Size: SizeSmall, Seed: 7, Today: testToday, LowRunway: true, NoHelpdesk: true, OdooVersion: "16.0"},
	"other_seed": {Size: SizeSmall, Seed: 2024, Today: testToday.AddDate(0, 4, 3), OdooVersion: "18.0"},
}

func generated(t *testing.T, name string) (*dataset.Dataset, *GroundTruth) {
	t.Helper()
	fixtures.Lock()
	f := fixtures.m[name]
	if f == nil {
		f = &fixture{}
		fixtures.m[name] = f
	}
	fixtures.Unlock()
	f.once.Do(func() { f.ds, f.gt, f.err = Generate(context.Background(), scenarios[name]) })
	if f.err != nil {
		t.Fatalf("Generate(%s): %v", name, f.err)
	}
	return f.ds, f.gt
}

func saveBytes(t *testing.T, ds *dataset.Dataset) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	if err := ds.Save(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	ds1, _ := generated(t, "healthy")
	ds2, _, err := Generate(context.Background(), scenarios["healthy"])
	if err != nil {
		t.Fatal(err)
	}
	a, b := saveBytes(t, ds1), saveBytes(t, ds2)
	if len(a) != len(b) {
		t.Fatalf("file sets differ: %d vs %d", len(a), len(b))
	}
	for name, content := range a {
		if !bytes.Equal(content, b[name]) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	ds3, _ := generated(t, "other_seed")
	if c := saveBytes(t, ds3); bytes.Equal(c["account.move.json"], a["account.move.json"]) {
		t.Errorf("another seed gave the same invoices")
	}
}

func TestGenerateSaveLoadRoundTrip(t *testing.T) {
	t.Parallel()
	ds, gt := generated(t, "healthy")
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := ds.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := dataset.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.GroundTruth, gt) {
		t.Errorf("ground truth differs after Load")
	}
	if !reflect.DeepEqual(back.Meta, ds.Meta) {
		t.Errorf("meta differs after Load:\n%+v\n%+v", back.Meta, ds.Meta)
	}
	for _, m := range ds.Models() {
		if !reflect.DeepEqual(back.Records(m), ds.Records(m)) {
			t.Errorf("%s differs after Save and Load", m)
		}
	}
}

func TestGenerateMeta(t *testing.T) {
	t.Parallel()
	ds, _ := generated(t, "healthy")
	if ds.Meta.Today != "2025-06-18" || ds.Meta.Size != "small" || ds.Meta.Seed != 42 || ds.Meta.OdooVersion != OdooVersionDefault {
		t.Errorf("meta: %+v", ds.Meta)
	}
	if !ds.Meta.HasModule("helpdesk") || ds.Len("helpdesk.ticket") == 0 || ds.Len("project.task") != 0 {
		t.Errorf("helpdesk should be installed and used by default")
	}
	low, _ := generated(t, "low_runway")
	if low.Meta.HasModule("helpdesk") || low.Len("project.task") == 0 || low.Meta.OdooVersion != "16.0" || low.Meta.Edition != "community" {
		t.Errorf("NoHelpdesk: modules %v, %d tasks, version %s", low.Meta.Modules, low.Len("project.task"), low.Meta.OdooVersion)
	}
	if !reflect.DeepEqual(low.Meta.Scenarios, []string{"low_runway"}) {
		t.Errorf("scenarios: %v", low.Meta.Scenarios)
	}
	for _, m := range low.Models() {
		if strings.HasPrefix(m, "helpdesk.") {
			t.Errorf("model %s present without helpdesk", m)
		}
	}
	// Every model an analyzer reads has records.
	for _, m := range []string{"res.partner", "res.currency.rate", "account.move", "account.move.line", "account.payment", "crm.lead",
		"crm.stage", "crm.lost.reason", "sale.order", "sale.order.line", "product.product", "product.supplierinfo", "stock.quant",
		"stock.warehouse.orderpoint", "stock.picking", "stock.move", "purchase.order", "purchase.order.line", "hr.employee",
		"hr.expense", "hr.expense.sheet", "mail.activity", "mail.message", "calendar.event", "ir.model", "crossovered.budget.lines", "account.budget.post"} {
		if ds.Len(m) == 0 {
			t.Errorf("no %s records", m)
		}
	}
	var customerInvoices int
	for _, m := range ds.Records("account.move") {
		if m.Str("move_type") == "out_invoice" {
			customerInvoices++
		}
	}
	if customerInvoices < 700 || customerInvoices > 1400 {
		t.Errorf("small has %d customer invoices, want about 1,000", customerInvoices)
	}
}

func TestGenerateOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if _, _, err := Generate(ctx, Options{}); err == nil || !strings.HasPrefix(err.Error(), "demodata: ") {
		t.Errorf("missing Today: %v", err)
	}
	if _, _, err := Generate(ctx, Options{Size: "huge", Today: testToday}); err == nil {
		t.Errorf("unknown size should fail")
	}
	if _, err := ParseSize("medium"); err != nil {
		t.Error(err)
	}
	if _, err := ParseSize("xl"); err == nil {
		t.Errorf("ParseSize(xl) should fail")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Generate(cctx, Options{Today: testToday}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	var phases []string
	last := -1
	_, _, err := Generate(ctx, Options{Today: testToday, Seed: 3, ProgressFunc: func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
			last = -1
		}
		if p.Done < last || p.Done > p.Total {
			t.Errorf("progress went backwards or past total: %+v", p)
		}
		last = p.Done
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"setup", "simulate", "finalize", "expenses", "problems"}; !reflect.DeepEqual(phases, want) {
		t.Errorf("phases %v, want %v", phases, want)
	}
}
