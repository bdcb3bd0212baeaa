package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoosim"
	"github.com/aicoo/aicoo/internal/store"
)

// TestAskCommand syncs a small demo company from the simulator with
// "aicoo sync", then asks what is overdue from its customer with the most
// overdue invoices, typed in lower case with a typo, and checks the answer
// against the raw records; then a free-form question, --json and a role
// that may not see invoices.
func TestAskCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 5, Today: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	sim, err := odoosim.New(ds, odoosim.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	env := []string{"AICOO_STORE_DATA_DIR=" + dir, "AICOO_ODOO_URL=" + srv.URL, "AICOO_ODOO_DATABASE=" + sim.Database(),
		"AICOO_ODOO_USERNAME=" + sim.Login(), "AICOO_ODOO_API_KEY=" + sim.APIKey(), "AICOO_LOG_LEVEL=warn"}
	if code, _, errOut := run(t, env, "sync"); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, errOut)
	}

	// The ground truth: the customer with the most overdue invoices today.
	today := time.Now().UTC().Format(time.DateOnly)
	commercial := map[int64]int64{}
	for _, p := range ds.Records("res.partner") {
		commercial[p.ID()] = p.ID()
		if parent := p.M2O("parent_id"); parent != 0 {
			commercial[p.ID()] = parent
		}
	}
	overdue := map[int64][]dataset.Record{}
	var best int64
	for _, m := range ds.Records("account.move") {
		if m.Str("move_type") == "out_invoice" && m.Str("state") == "posted" && m.Float("amount_residual") > 0 && m.Str("invoice_date_due") < today {
			p := commercial[m.M2O("partner_id")]
			overdue[p] = append(overdue[p], m)
			if len(overdue[p]) > len(overdue[best]) || (len(overdue[p]) == len(overdue[best]) && p < best) {
				best = p
			}
		}
	}
	name := ds.Get("res.partner", best).Str("name")
	total := 0.0
	for _, m := range overdue[best] {
		total += m.Float("amount_residual_signed")
	}
	typed := strings.ToLower(name)
	typed = typed[:2] + typed[3:] // one letter missing
	code, out, errOut := run(t, env, "ask", "What is overdue from "+typed+"?")
	if code != 0 {
		t.Fatalf("ask: exit %d\n%s%s", code, out, errOut)
	}
	want := fmt.Sprintf("%s has %d overdue invoice", name, len(overdue[best]))
	if !strings.HasPrefix(out, want) || !strings.Contains(out, askMoney(total)) || !strings.Contains(out, "\nSources:\n") ||
		!strings.Contains(out, srv.URL+"/web#id=") {
		t.Fatalf("ask %q:\n%s\nwant %q and %s", typed, out, want, askMoney(total))
	}
	for _, m := range overdue[best] {
		if !strings.Contains(out, m.Str("name")) {
			t.Errorf("the answer lacks %s", m.Str("name"))
		}
	}

	code, out, _ = run(t, env, "ask", "--json", "top 3 customers by revenue this year")
	var doc askJSON
	if err := json.Unmarshal([]byte(out), &doc); code != 0 || err != nil || !doc.Answered || doc.Pattern != "top_customers" ||
		len(doc.Calls) != 1 || doc.Calls[0].Tool != "aggregate" || len(doc.Sources) == 0 {
		t.Fatalf("--json: exit %d %v\n%s", code, err, out)
	}

	code, _, errOut = run(t, env, "ask", "Why did our margin fall in May?")
	if code != 1 || !strings.Contains(errOut, "Free-form questions need a model") || !strings.Contains(errOut, "llm.provider") {
		t.Errorf("free-form: exit %d\n%s", code, errOut)
	}

	cfg, err := config.Load("", env)
	if err != nil {
		t.Fatal(err)
	}
	s, err := openStore(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	conns, err := s.Connections(ctx)
	if err != nil || len(conns) != 1 {
		t.Fatalf("connections: %v %v", conns, err)
	}
	if _, err := s.UserCreate(ctx, store.UserCreateParams{ConnectionID: conns[0].ID, Username: "sam", Role: store.RoleSales, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, errOut = run(t, env, "ask", "--as", "sam", "What is overdue from "+name+"?")
	if code != 1 || !strings.Contains(errOut, "the sales role does not see invoices") || out != "" {
		t.Errorf("sales: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "ask"); code != 2 || !strings.Contains(errOut, "missing the question") {
		t.Errorf("no question: exit %d %s", code, errOut)
	}
}

// askMoney spells an amount as the answers do: thousands separated, two
// decimals.
func askMoney(x float64) string {
	s := fmt.Sprintf("%.2f", math.Round(x*100)/100)
	i, f, _ := strings.Cut(s, ".")
	var b strings.Builder
	for k, c := range i {
		if k > 0 && (len(i)-k)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String() + "." + f
}
