package cli

import (
	"slices"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoosync"
)

// analyzedModels are the models the analyzers read beyond the sync's
// defaults. Budgets come in three families, each synced where the server
// has it: Odoo 16/17 account_budget (crossovered.*, account.budget.post),
// Odoo 18+ account_budget (budget.*), with the analytic accounts and lines
// their actuals are computed from, and aicoo.budget, a fallback. mail.message is left out on purpose: a real Odoo holds every
// chatter message there, and the analyzers treat it as optional.
var analyzedModels = []string{
	"account.payment", "account.payment.term", "aicoo.budget", "crossovered.budget", "crossovered.budget.lines", "account.budget.post",
	"budget.analytic", "budget.line", "account.analytic.account", "account.analytic.line", "hr.employee", "hr.expense.sheet", "product.category",
	"product.supplierinfo", "project.project", "project.task.type", "res.users", "stock.location",
	"stock.picking.type", "stock.valuation.layer", "stock.warehouse", "uom.uom", "mail.activity.type", "helpdesk.team", "helpdesk.stage",
}

// syncModels is what aicoo syncs: the sync's default models and fields,
// widened to every stored field aicoo's Odoo schema knows for each model
// the analyzers read (in every version's spelling; the syncer keeps those
// the server has). One2many fields are left out: they mirror a many2one
// synced on the other side.
func syncModels() []odoosync.ModelSpec {
	schema := dataset.DefaultSchema()
	specs := odoosync.DefaultModels()
	byModel := map[string]int{}
	for i, s := range specs {
		byModel[s.Model] = i
	}
	for _, m := range analyzedModels {
		if _, ok := byModel[m]; !ok {
			byModel[m] = len(specs)
			specs = append(specs, odoosync.ModelSpec{Model: m})
		}
	}
	for i := range specs {
		m, ok := schema.Model(specs[i].Model)
		if !ok {
			continue
		}
		for _, f := range m.Fields {
			if f.Type == dataset.One2many || f.Type == dataset.Binary || !f.Stored() {
				continue
			}
			for v := 16; v <= 19; v++ {
				if name, ok := f.NameIn(v); ok && !slices.Contains(specs[i].Fields, name) {
					specs[i].Fields = append(specs[i].Fields, name)
				}
			}
		}
	}
	return specs
}
