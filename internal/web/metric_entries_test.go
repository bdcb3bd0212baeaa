package web

import (
	"context"
	"encoding/csv"
	"html"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/store/storetest"
)

var tagRE = regexp.MustCompile(`(?s)<script.*?</script>|<[^>]*>`)

// visibleText is a page's text without its markup.
func visibleText(page string) string { return html.UnescapeString(tagRE.ReplaceAllString(page, " ")) }

// demoFinance is a server over the synced books of the small demo company
// and its finance analysis: the analysis's company-1 figures by name and
// the name of one partner's overdue figure.
func demoFinance(t *testing.T) (*testBundle, map[string]float64, string) {
	t.Helper()
	b := setup(t)
	ctx := context.Background()
	today := time.Date(2025, 6, 18, 9, 0, 0, 0, time.UTC)
	ds, _, err := demodata.Generate(ctx, demodata.Options{Size: demodata.SizeSmall, Seed: 1, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	storetest.CopyDataset(t, b.store, b.conn.ID, ds, today, "res.company", "res.currency", "res.partner", "account.move", "account.move.line",
		"account.journal", "account.account", "account.payment")
	j, err := b.store.MonitoringJobCreate(ctx, store.MonitoringJobParams{ConnectionID: b.conn.ID, Name: "finance", Schedule: "@hourly", AnalyzerType: "analysis.finance", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	res, err := finance.New().Analyze(ctx, &analysis.Env{Source: analysis.StoreSource{Store: b.store, ConnectionID: b.conn.ID}, Today: odoo.DateOf(today)})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := analysis.Outcome(res)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.store.AnalysisResultInsert(ctx, store.AnalysisResultParams{ConnectionID: b.conn.ID, JobID: j.ID, ScheduledAt: today, RunAt: today,
		Status: store.ResultSuccess, Metrics: stored.Metrics, Insights: stored.Insights}); err != nil {
		t.Fatal(err)
	}
	figures := map[string]float64{}
	partner := ""
	for _, m := range res.Metrics {
		if m.CompanyID == 1 {
			figures[m.Name] = m.Value
			if partner == "" && strings.HasPrefix(m.Name, "finance.ar.partner.") {
				partner = m.Name
			}
		}
	}
	if figures["finance.ar.overdue"] <= 0 || partner == "" {
		t.Fatalf("the demo company owes nothing overdue: %v", figures["finance.ar.overdue"])
	}
	return b, figures, partner
}

// TestAgingEntriesAddUp: on the synced demo company, the invoices listed
// behind an aging figure add up to the figure to the cent, page by page
// and in the CSV, in any order.
func TestAgingEntriesAddUp(t *testing.T) {
	t.Parallel()
	b, figures, partner := demoFinance(t)
	c := b.client(t)
	if _, err := c.PostForm(b.srv.URL+"/login", url.Values{"username": {"admin"}, "password": {"correct horse battery"}}); err != nil {
		t.Fatal(err)
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := c.Get(b.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	pid := strings.Split(partner, ".")[3]
	for _, tc := range []struct{ name, path string }{
		{"finance.ar.overdue", "/analytics/finance/overdue-receivables"},
		{"finance.ar.total", "/analytics/finance/receivables-total"},
		{"finance.ar.31_60", "/analytics/finance/receivables-31-60"},
		{"finance.ap.total", "/analytics/finance/payables-total"},
		{partner, "/analytics/finance/overdue-receivables/" + pid},
	} {
		want := figures[tc.name]
		for _, sort := range []string{"", "amount", "-partner", "invoice_date"} {
			code, body := get(tc.path + "?format=csv&sort=" + sort)
			if code != http.StatusOK {
				t.Fatalf("%s CSV: %d %s", tc.path, code, body)
			}
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil || len(rows) < 2 && want != 0 || rows[0][5] != "open_amount" {
				t.Fatalf("%s CSV: %v %q", tc.path, err, rows)
			}
			var sum float64
			prev := math.Inf(-1)
			for _, r := range rows[1:] {
				v, _ := strconv.ParseFloat(r[5], 64)
				sum += v
				if sort == "amount" && v < prev {
					t.Errorf("%s sorted by amount: %v after %v", tc.path, v, prev)
				}
				prev = v
				if !strings.HasPrefix(r[9], "https://acme.odoo.com/web#id=") || !strings.Contains(r[9], "model=account.move") {
					t.Errorf("%s: Odoo link %q", tc.path, r[9])
				}
			}
			if tc.name == "finance.ar.total" && sort == "" {
				foreign := 0
				for _, r := range rows[1:] {
					if r[8] != "" && r[8] != r[6] && r[7] != "" {
						foreign++
					}
				}
				if foreign == 0 {
					t.Errorf("no open receivable in a foreign currency shows its document amount: %q", rows[1:min(4, len(rows))])
				}
			}
			if math.Abs(sum-want) > 0.005 {
				t.Errorf("%s (sort %q): the %d entries add up to %.2f, the figure is %.2f", tc.path, sort, len(rows)-1, sum, want)
			}
		}
		code, page := get(tc.path)
		heading := "Invoices behind this figure"
		if strings.HasPrefix(tc.name, "finance.ap.") {
			heading = "Bills behind this figure"
		}
		if code != http.StatusOK || !strings.Contains(page, heading) || strings.Contains(page, "the books have changed") {
			t.Errorf("%s: %d, want the list of invoices adding up", tc.path, code)
		}
		if strings.Contains(page, "This figure lists no records") {
			t.Errorf("%s lists its invoices and says it lists no records", tc.path)
		}
		if m := rawText.FindString(visibleText(page)); m != "" {
			t.Errorf("%s shows %q", tc.path, m)
		}
	}
	// The area page links every figure by words and shows no key.
	_, area := get("/analytics/finance")
	link := regexp.MustCompile(`href="/analytics/finance/overdue-receivables/[a-z0-9-]+-` + pid + `"`)
	if m := rawText.FindString(visibleText(area)); m != "" || strings.Contains(area, "/metrics/") || strings.Contains(area, "company=") || !link.MatchString(area) {
		t.Errorf("area page: raw text %q, or links by key or company, or no link by name to %s", m, partner)
	}
	// 50 a page; the pages add up too.
	code, first := get("/analytics/finance/receivables-total?sort=-amount")
	if code != http.StatusOK || !strings.Contains(first, `aria-sort="descending"`) || !strings.Contains(first, `href="/analytics/finance/receivables-total?sort=amount"`) {
		t.Fatalf("sorted page: %d", code)
	}
	if n := strings.Count(first, `<td data-label="Number">`); n != 50 || !strings.Contains(first, "Page 1 of") {
		t.Errorf("first page lists %d entries", n)
	}
	if code, _ := get("/analytics/finance/overdue-receivables?sort=colour"); code != http.StatusBadRequest {
		t.Errorf("an unknown sort: %d", code)
	}
	// Through the analyses' record cache (fields projected) the list is
	// the same.
	cfg := Config{Store: b.store, Records: analysis.NewRecordCacheWith(analysis.CacheOptions{Fields: areas.Fields()})}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	cc := b.client(t)
	if _, err := cc.PostForm(ts.URL+"/login", url.Values{"username": {"admin"}, "password": {"correct horse battery"}}); err != nil {
		t.Fatal(err)
	}
	resp, err := cc.Get(ts.URL + "/analytics/finance/receivables-total?format=csv")
	if err != nil {
		t.Fatal(err)
	}
	cached, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if _, direct := get("/analytics/finance/receivables-total?format=csv"); string(cached) != direct {
		t.Error("the list read through the record cache differs")
	}
	// A figure that is no aging lists no invoices.
	if _, page := get("/analytics/finance/cash"); strings.Contains(page, "Invoices behind this figure") {
		t.Error("the cash page lists invoices")
	}
}

func TestEntryFilterOf(t *testing.T) {
	for name, want := range map[string]string{
		"finance.ar.overdue":             "asset_receivable 01111 0",
		"finance.ar.total":               "asset_receivable 11111 0",
		"finance.ap.61_90":               "liability_payable 00010 0",
		"finance.ar.partner.12.overdue":  "asset_receivable 01111 12",
		"finance.ar.partner.12.total":    "",
		"finance.ar.top_overdue":         "",
		"finance.cash.position":          "",
		"finance.ar.stage.3.overdue":     "",
		"finance.ap.due_next_14d":        "",
		"finance.expenses.awaiting_days": "",
	} {
		f, ok := entryFilterOf(name)
		got := ""
		if ok {
			got = f.accountType + " "
			for _, b := range f.buckets {
				got += map[bool]string{true: "1", false: "0"}[b]
			}
			got += " " + strconv.FormatInt(f.partner, 10)
		}
		if got != want {
			t.Errorf("entryFilterOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestBrowserAgingEntriesOnAPhone: at 390 px the invoices are cards with
// their column names, the sort links stay in reach, and nothing shows a
// raw key or scrolls sideways; at 1440 px they are a table.
func TestBrowserAgingEntriesOnAPhone(t *testing.T) {
	t.Parallel()
	open := browser(t)
	b, _, _ := demoFinance(t)
	session := open()
	screenshotOnFailure(t, map[string]context.Context{"session": session})
	login(t, session, b.srv.URL, "admin", "correct horse battery")
	for _, width := range []int64{1440, 390} {
		step(t, session, "open the overdue receivables at "+strconv.FormatInt(width, 10),
			chromedp.EmulateViewport(width, 900),
			chromedp.Navigate(b.srv.URL+"/analytics/finance/overdue-receivables"),
			chromedp.WaitVisible(chromedp.CSS("table.entries")),
		)
		rctx, cancel := context.WithTimeout(session, 30*time.Second)
		text, err := chromedp.Run(rctx, chromedp.Evaluate[string](`document.body.innerText`))
		var wide, sortsShown, headShown bool
		var label string
		if err == nil {
			wide, err = chromedp.Run(rctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		}
		if err == nil {
			sortsShown, err = chromedp.Run(rctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector(".entry-sorts")).display !== "none"`))
		}
		if err == nil {
			headShown, err = chromedp.Run(rctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("table.entries thead")).display !== "none"`))
		}
		if err == nil {
			// The card's cell names are the cells' ::before content.
			label, err = chromedp.Run(rctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table.entries td:nth-child(5)"), "::before").content`))
		}
		cancel()
		if err != nil {
			t.Fatalf("read the page at %d px: %v", width, err)
		}
		text = strings.ReplaceAll(text, "acme.odoo.com", "host")
		if raw := rawText.FindAllString(text, -1); len(raw) > 0 {
			t.Errorf("at %d px the page shows %q", width, raw)
		}
		if wide {
			t.Errorf("at %d px the page scrolls sideways", width)
		}
		phone := width < 700
		if sortsShown != phone || headShown == phone {
			t.Errorf("at %d px: sort links shown %v, table header shown %v", width, sortsShown, headShown)
		}
		if phone && !strings.Contains(label, "Days overdue: ") {
			t.Errorf("at %d px the cards do not name their cells", width)
		}
	}
}
