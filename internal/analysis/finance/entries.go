package finance

import (
	"context"
	"fmt"
	"sort"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/fields"
	"github.com/aicoo/aicoo/internal/odoo"
)

// OpenEntry is what one journal entry (an invoice, a credit note, an
// unreconciled payment) still has open on receivable or payable accounts
// in the aging buckets asked for: the rows behind an aging figure.
type OpenEntry struct {
	CompanyID int64
	MoveID    int64
	// Name is the entry's number ("INV/2025/00042").
	Name      string
	MoveType  string
	PartnerID int64
	Partner   string
	// InvoiceDate is the entry's invoice date, else its accounting date.
	InvoiceDate odoo.Date
	// Due is the earliest due date of the items counted, DaysOverdue the
	// days from it to the day of the aging (0 or less: not due).
	Due         odoo.Date
	DaysOverdue int
	// Residual is the open amount in company currency, signed as the
	// aging figure counts it (a credit note is negative); rounded to cents.
	Residual float64
	// ResidualCurrency is the open amount in the entry's document
	// currency Currency, same sign; Currency is "" when the synced items
	// do not carry it.
	ResidualCurrency float64
	Currency         string
}

// OpenEntries lists per entry the open items of posted entries on accounts
// of accountType ("asset_receivable" or "liability_payable") in the buckets
// for which keep is true, at today, as the aging figures count them: the
// Residuals of a company add up to its figure to the cent. Items are read
// from src (account.move.line; account.move, res.partner and res.currency
// for numbers, dates and names).
func OpenEntries(ctx context.Context, src analysis.Source, accountType string, today odoo.Date, keep func(bucket int) bool) ([]OpenEntry, error) {
	recs, err := src.Records(ctx, "account.move.line")
	if err != nil {
		return nil, fmt.Errorf("finance: open entries: %w", err)
	}
	sign := 1.0
	if accountType == "liability_payable" {
		sign = -1
	}
	partnerRecs, _, err := analysis.Optional(ctx, src, "res.partner")
	if err != nil {
		return nil, fmt.Errorf("finance: open entries: %w", err)
	}
	partners := fields.NameIndex(partnerRecs, "name")
	currencyRecs, _, err := analysis.Optional(ctx, src, "res.currency")
	if err != nil {
		return nil, fmt.Errorf("finance: open entries: %w", err)
	}
	currencies := fields.NameIndex(currencyRecs, "name")
	lines := decodeLines(recs, map[int64]bool{})
	// The items are taken open as the aging takes them at today (openAt):
	// an item or a settlement dated after today is not in it, so the
	// entries add up to the aging figures to the cent.
	index := map[*line]int{}
	for i := range lines {
		if lines[i].accountType == accountType {
			index[&lines[i]] = i
		}
	}
	byMove := map[int64]*OpenEntry{}
	var order []int64
	openAt(lines, reconcileGroups(lines, accountType), today, func(l *line, open float64) {
		if open == 0 {
			return
		}
		days := analysis.DaysBetween(l.due(), today)
		if !keep(BucketOf(days)) {
			return
		}
		r := recs[index[l]]
		e := byMove[l.move]
		if e == nil {
			e = &OpenEntry{CompanyID: l.company, MoveID: l.move, Name: fields.M2OName(r, "move_id"), PartnerID: l.partner,
				InvoiceDate: l.date, Due: l.due(), DaysOverdue: days, Currency: currencies.Of(r, "currency_id")}
			if l.partner != 0 {
				e.Partner = partners.Of(r, "partner_id")
			}
			byMove[l.move] = e
			order = append(order, l.move)
		}
		if d := l.due(); d.Before(e.Due) {
			e.Due, e.DaysOverdue = d, days
		}
		e.Residual += sign * open
		if _, ok := r["amount_residual_currency"]; ok && fields.M2OID(r, "currency_id") != 0 && open == l.residual {
			e.ResidualCurrency += sign * fields.Float(r, "amount_residual_currency")
		} else {
			// Not synced, or partly settled as of today by a payment
			// booked later: the document-currency amount is not known.
			e.Currency = ""
		}
	})
	if len(order) > 0 {
		moves, ok, err := analysis.Optional(ctx, src, "account.move")
		if err != nil {
			return nil, fmt.Errorf("finance: open entries: %w", err)
		}
		if ok {
			for _, m := range moves {
				e := byMove[m.ID()]
				if e == nil {
					continue
				}
				e.MoveType = fields.String(m, "move_type")
				if n := fields.String(m, "name"); n != "" {
					e.Name = n
				}
				if d := fields.Date(m, "invoice_date"); !d.IsZero() {
					e.InvoiceDate = d
				}
			}
		}
	}
	out := make([]OpenEntry, 0, len(order))
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	for _, id := range order {
		e := byMove[id]
		e.Residual, e.ResidualCurrency = fields.Round2(e.Residual), fields.Round2(e.ResidualCurrency)
		out = append(out, *e)
	}
	return out, nil
}
