package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/odoo"
)

// The page of an aging figure (receivables or payables: total, overdue, a
// bucket, one partner's overdue) lists the entries whose open items make
// it up, as finance.OpenEntries finds them in the synced records on the
// day of the analysis: the listed amounts add up to the figure to the
// cent while no sync has changed the books since the analysis; the page
// says so when they differ.

// entryFilter says which open items an aging figure counts: the account
// type, the buckets and, for a partner's figure, the partner.
type entryFilter struct {
	accountType string
	buckets     [finance.NumBuckets]bool
	partner     int64
}

// entryFilterOf returns the filter of an aging metric, false for others.
func entryFilterOf(name string) (entryFilter, bool) {
	var f entryFilter
	if base, kind, id, ok := areas.SplitRecord(name); ok {
		if kind != "partner" {
			return f, false
		}
		name, f.partner = base, id
	}
	var rest string
	switch {
	case strings.HasPrefix(name, "finance.ar."):
		f.accountType, rest = "asset_receivable", strings.TrimPrefix(name, "finance.ar.")
	case strings.HasPrefix(name, "finance.ap."):
		f.accountType, rest = "liability_payable", strings.TrimPrefix(name, "finance.ap.")
	default:
		return f, false
	}
	switch rest {
	case "total":
		f.buckets = [finance.NumBuckets]bool{true, true, true, true, true}
		return f, f.partner == 0
	case "overdue":
		f.buckets = [finance.NumBuckets]bool{false, true, true, true, true}
		return f, true
	}
	for b, n := range finance.BucketNames {
		if rest == n {
			f.buckets[b] = true
			return f, f.partner == 0
		}
	}
	return f, false
}

// entryRow is one entry as the page shows it.
type entryRow struct {
	Number, Partner        string
	InvoiceDate, Due       string
	Days                   int
	Amount, AmountDocument string // AmountDocument "" when in company currency
	Residual, ResidualCur  float64
	Currency, DocumentCurr string
	URL                    string
	invoiceDate, dueDate   odoo.Date
}

// entryTable is the list of entries behind a figure, one page of it.
type entryTable struct {
	Rows []entryRow
	// Columns are the headers with their sort links.
	Columns []entryColumn
	Partner string // "Customer" or "Vendor"
	// Total is the sum of every row (all pages), Differs when it is not
	// the figure's value.
	Total   string
	Differs bool
	CSV     string
	Pager   pager
}

type entryColumn struct {
	Label, Href, Sorted string // Sorted: "ascending", "descending" or ""
}

// entrySorts are the sort keys of the columns, in their order.
var entrySorts = []struct{ key, label string }{
	{"number", "Number"}, {"partner", ""}, {"invoice_date", "Invoice date"}, {"due_date", "Due date"},
	{"days", "Days overdue"}, {"amount", "Open amount"},
}

func compareEntries(key string) func(a, b entryRow) int {
	switch key {
	case "number":
		return func(a, b entryRow) int { return cmp.Compare(a.Number, b.Number) }
	case "partner":
		return func(a, b entryRow) int { return cmp.Compare(strings.ToLower(a.Partner), strings.ToLower(b.Partner)) }
	case "invoice_date":
		return func(a, b entryRow) int { return cmp.Compare(a.invoiceDate.String(), b.invoiceDate.String()) }
	case "due_date":
		return func(a, b entryRow) int { return cmp.Compare(a.dueDate.String(), b.dueDate.String()) }
	case "days":
		return func(a, b entryRow) int { return cmp.Compare(a.Days, b.Days) }
	case "amount":
		return func(a, b entryRow) int { return cmp.Compare(a.Residual, b.Residual) }
	}
	return nil
}

// parseEntrySort reads ?sort= ("days", "-amount"); the default lists the
// oldest first.
func parseEntrySort(r *http.Request) (key string, desc bool, ok bool) {
	v := r.URL.Query().Get("sort")
	if v == "" {
		return "days", true, true
	}
	key, desc = strings.TrimPrefix(v, "-"), strings.HasPrefix(v, "-")
	return key, desc, compareEntries(key) != nil
}

// openEntries reads the entries behind the metric of d, sorted; nil when
// the metric is not an aging figure.
func (s *Server) openEntries(ctx context.Context, connectionID int64, d *metricDetail, odooURL, sortKey string, desc bool) ([]entryRow, bool, error) {
	f, ok := entryFilterOf(d.Metric.Name)
	if !ok {
		return nil, false, nil
	}
	var src analysis.Source = analysis.StoreSource{Store: s.cfg.Store, ConnectionID: connectionID}
	if s.cfg.Records != nil {
		src = s.cfg.Records.AnalysisSource(s.cfg.Store, connectionID)
	}
	list, err := finance.OpenEntries(ctx, src, f.accountType, odoo.DateOf(d.asOf.UTC()), func(b int) bool { return f.buckets[b] })
	if err != nil {
		return nil, true, err
	}
	cur := d.Metric.Unit
	rows := make([]entryRow, 0, len(list))
	for _, e := range list {
		if (d.Metric.CompanyID != 0 && e.CompanyID != d.Metric.CompanyID) || (f.partner != 0 && e.PartnerID != f.partner) {
			continue
		}
		row := entryRow{Number: e.Name, Partner: e.Partner, InvoiceDate: e.InvoiceDate.String(), Due: e.Due.String(),
			Days: max(e.DaysOverdue, 0), Amount: numfmt.Money(e.Residual, cur), Residual: e.Residual, ResidualCur: e.ResidualCurrency,
			Currency: cur, URL: odooLink(odooURL, "account.move", e.MoveID), invoiceDate: e.InvoiceDate, dueDate: e.Due}
		if e.Currency != "" && e.Currency != cur {
			row.DocumentCurr = e.Currency
			row.AmountDocument = numfmt.Money(e.ResidualCurrency, e.Currency)
		}
		if row.Number == "" {
			row.Number = "entry " + strconv.FormatInt(e.MoveID, 10)
		}
		rows = append(rows, row)
	}
	by := compareEntries(sortKey)
	slices.SortStableFunc(rows, func(a, b entryRow) int {
		c := by(a, b)
		if desc {
			c = -c
		}
		if c == 0 {
			c = cmp.Compare(a.Number, b.Number)
		}
		return c
	})
	return rows, true, nil
}

// entryTableOf pages rows for the page and links the sorts.
func entryTableOf(r *http.Request, d *metricDetail, rows []entryRow, pg page, sortKey string, desc bool) *entryTable {
	t := &entryTable{Partner: "Customer"}
	if f, _ := entryFilterOf(d.Metric.Name); f.accountType == "liability_payable" {
		t.Partner = "Vendor"
	}
	var total float64
	for _, row := range rows {
		total += row.Residual
	}
	total = roundCents(total)
	t.Total = numfmt.Money(total, d.Metric.Unit)
	t.Differs = total != roundCents(d.Metric.Value)
	link := func(q url.Values) string { return r.URL.Path + "?" + q.Encode() }
	q := r.URL.Query()
	q.Del("page")
	q.Set("format", "csv")
	t.CSV = link(q)
	for _, c := range entrySorts {
		q := r.URL.Query()
		q.Del("page")
		q.Del("format")
		label := c.label
		if c.key == "partner" {
			label = t.Partner
		}
		col := entryColumn{Label: label}
		switch {
		case c.key == sortKey && !desc:
			col.Sorted = "ascending"
			q.Set("sort", "-"+c.key)
		case c.key == sortKey:
			col.Sorted = "descending"
			q.Set("sort", c.key)
		default:
			q.Set("sort", c.key)
		}
		col.Href = link(q)
		t.Columns = append(t.Columns, col)
	}
	pg.PerPage = pagePerPage
	t.Pager = newPager(r, pg, len(rows))
	t.Rows = paginate(rows, &pg)
	return t
}

func roundCents(v float64) float64 {
	c, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 2, 64), 64)
	return c
}

// writeEntriesCSV sends every row, in the page's order.
func writeEntriesCSV(w http.ResponseWriter, d *metricDetail, rows []entryRow) {
	out := make([][]string, 0, len(rows))
	for _, row := range rows {
		out = append(out, []string{row.Number, row.Partner, row.InvoiceDate, row.Due, strconv.Itoa(row.Days),
			strconv.FormatFloat(row.Residual, 'f', 2, 64), row.Currency, docAmount(row), row.DocumentCurr, row.URL})
	}
	writeCSV(w, areas.MetricSlug(d.Metric.Name)+".csv", []string{"number", "partner", "invoice_date", "due_date", "days_overdue",
		"open_amount", "currency", "open_amount_document", "document_currency", "odoo_url"}, out)
}

func docAmount(row entryRow) string {
	if row.DocumentCurr == "" {
		return ""
	}
	return strconv.FormatFloat(row.ResidualCur, 'f', 2, 64)
}
