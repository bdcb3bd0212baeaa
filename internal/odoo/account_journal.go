package odoo

import (
	"context"
	"iter"

	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// Journal is an account.journal.
type Journal struct {
	ID   int64
	Name string
	Code string
	// Type is sale, purchase, cash, bank, general (and credit in later
	// versions).
	Type           string
	Currency       Many2One // zero when the journal uses the company currency
	Company        Many2One
	DefaultAccount Many2One
	Active         bool
}

func journalSpec(dom domain.Domain) readerSpec[Journal] {
	return readerSpec[Journal]{
		model:   "account.journal",
		modules: []string{"account"},
		fields:  fieldsFor("name", "code", "type", "currency_id", "company_id", "default_account_id", "active"),
		domain:  func(*ServerInfo) domain.Domain { return dom },
		decode: func(d *recordDecoder, _ *ServerInfo) Journal {
			return Journal{
				ID:             d.id(),
				Name:           d.str("name"),
				Code:           d.str("code"),
				Type:           d.str("type"),
				Currency:       d.m2o("currency_id"),
				Company:        d.m2o("company_id"),
				DefaultAccount: d.m2o("default_account_id"),
				Active:         d.bool("active"),
			}
		},
	}
}

// Journals reads account.journal records.
func (c *Client) Journals(ctx context.Context, opts ListOpts) iter.Seq2[Journal, error] {
	return list(c, ctx, journalSpec(domain.True()), opts)
}

// JournalBalance is the balance of a bank or cash journal: the posted
// journal items on its default account.
type JournalBalance struct {
	Journal Journal
	// Balance is in the company currency.
	Balance float64
	// BalanceCurrency is in the journal currency when the journal has
	// one, and equals Balance otherwise.
	BalanceCurrency float64
}

// JournalBalances returns the balance of every bank and cash journal, from
// one grouped read of the posted journal items on the journals' default
// accounts. opts scopes the journals (companies, extra domain).
func (c *Client) JournalBalances(ctx context.Context, opts ListOpts) ([]JournalBalance, error) {
	journals, err := Collect(list(c, ctx, journalSpec(domain.Cond("type", domain.OpIn, []string{"bank", "cash"})), opts))
	if err != nil {
		return nil, err
	}
	var accounts []int64
	for _, j := range journals {
		if !j.DefaultAccount.IsZero() {
			accounts = append(accounts, j.DefaultAccount.ID)
		}
	}
	out := make([]JournalBalance, 0, len(journals))
	if len(accounts) == 0 {
		for _, j := range journals {
			out = append(out, JournalBalance{Journal: j})
		}
		return out, nil
	}
	groups, err := c.ReadGroup(ctx, "account.move.line", domain.And(
		domain.Cond("account_id", domain.OpIn, accounts),
		domain.Cond("parent_state", domain.OpEq, "posted"),
	), ReadGroupParams{
		GroupBy:    []string{"account_id", "company_id"},
		Aggregates: []string{"balance:sum", "amount_currency:sum"},
		Context:    opts.callContext(),
	})
	if err != nil {
		return nil, err
	}
	type key struct{ account, company int64 }
	sums := map[key][2]float64{}
	for _, g := range groups {
		acc, _ := decodeInt(g.Keys["account_id"].Value)
		comp, _ := decodeInt(g.Keys["company_id"].Value)
		bal, err := g.Float("balance:sum")
		if err != nil {
			return nil, decodeError("read_group", "account.move.line", "%w", err)
		}
		cur, err := g.Float("amount_currency:sum")
		if err != nil {
			return nil, decodeError("read_group", "account.move.line", "%w", err)
		}
		s := sums[key{acc, comp}]
		sums[key{acc, comp}] = [2]float64{s[0] + bal, s[1] + cur}
	}
	for _, j := range journals {
		s := sums[key{j.DefaultAccount.ID, j.Company.ID}]
		jb := JournalBalance{Journal: j, Balance: s[0], BalanceCurrency: s[0]}
		if !j.Currency.IsZero() {
			jb.BalanceCurrency = s[1]
		}
		out = append(out, jb)
	}
	return out, nil
}
