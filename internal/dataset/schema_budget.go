package dataset

// budgetModels declares analytic accounting and Odoo's budget models, which
// differ by version: account_budget (Enterprise) has account.budget.post,
// crossovered.budget and crossovered.budget.lines in 16/17, and budget.analytic
// with budget.line (analytic only) from 18. The non-stored computed actuals
// (crossovered.budget.lines practical_amount, budget.line achieved_amount) are
// left out on purpose: a sync does not read them, and aicoo computes actual
// spending itself from posted journal items (see analysis/finance).
func budgetModels(b *schemaBuilder) {
	b.add("account.analytic.account", "Analytic Account", "analytic", modelOpts{active: true, order: "name"},
		char("name", "Analytic Account", required),
		char("code", "Reference"),
		companyField(),
	)
	b.add("account.analytic.line", "Analytic Line", "analytic", modelOpts{order: "date desc, id desc"},
		char("name", "Description", required),
		date("date", "Date", required),
		monetary("amount", "Amount", required, note("company currency, signed like credit - debit: costs are negative")),
		m2o("currency_id", "Currency", "res.currency"),
		m2o("account_id", "Project Account", "account.analytic.account", note("the project plan's column; other plans add columns")),
		m2o("general_account_id", "Financial Account", "account.account", note("the account of move_line_id")),
		m2o("move_line_id", "Journal Item", "account.move.line", note("Odoo creates analytic lines when a journal item with an analytic distribution is posted and removes them when it is reset to draft")),
		companyField(required),
	)
	b.add("account.budget.post", "Budgetary Position", "account_budget", modelOpts{enterprise: true, order: "name", maxV: 17,
		note: "16/17 only; 18+ budgets are analytic (budget.line)"},
		char("name", "Name", required),
		m2m("account_ids", "Accounts", "account.account"),
		companyField(required),
	)
	budgetStates := opts("draft", "Draft", "cancel", "Cancelled", "confirm", "Confirmed", "validate", "Validated", "done", "Done")
	b.add("crossovered.budget", "Budget", "account_budget", modelOpts{enterprise: true, maxV: 17, note: "16/17 only; budget.analytic from 18"},
		char("name", "Budget Name", required),
		m2o("user_id", "Responsible", "res.users"),
		date("date_from", "Start Date", required),
		date("date_to", "End Date", required),
		sel("state", "Status", budgetStates, required, def("draft")),
		o2m("crossovered_budget_line", "Budget Lines", "crossovered.budget.lines", "crossovered_budget_id"),
		companyField(required),
	)
	b.add("crossovered.budget.lines", "Budget Line", "account_budget", modelOpts{enterprise: true, maxV: 17, recName: "crossovered_budget_id",
		note: "16/17 only. A line has a budgetary position (general accounts), an analytic account, or both; practical_amount " +
			"(non-stored) is credit - debit of journal items on the position's accounts, or the analytic lines' amount when an analytic account is set"},
		m2o("crossovered_budget_id", "Budget", "crossovered.budget", required),
		m2o("analytic_account_id", "Analytic Account", "account.analytic.account"),
		m2o("general_budget_id", "Budgetary Position", "account.budget.post"),
		date("date_from", "Start Date", required),
		date("date_to", "End Date", required),
		monetary("planned_amount", "Planned Amount", required, currency("currency_id"), note("company currency: positive for a revenue, negative for a cost")),
		m2o("currency_id", "Currency", "res.currency", computed("related company_id.currency_id")),
		sel("crossovered_budget_state", "Budget State", budgetStates, computed("related crossovered_budget_id.state, stored")),
		companyField(computed("related crossovered_budget_id.company_id, stored")),
	)
	b.add("budget.analytic", "Budget", "account_budget", modelOpts{enterprise: true, order: "date_from desc", minV: 18,
		note: "18+; crossovered.budget before"},
		char("name", "Budget Name", required),
		m2o("user_id", "Responsible", "res.users"),
		date("date_from", "Start Date", required),
		date("date_to", "End Date", required),
		sel("state", "Status", opts("draft", "Draft", "confirmed", "Open", "revised", "Revised", "done", "Done", "canceled", "Canceled"), required, def("draft")),
		sel("budget_type", "Budget Type", opts("revenue", "Revenue", "expense", "Expense", "both", "Both"), required, def("expense")),
		o2m("budget_line_ids", "Budget Lines", "budget.line", "budget_analytic_id"),
		companyField(),
	)
	b.add("budget.line", "Budget Line", "account_budget", modelOpts{enterprise: true, order: "sequence, id", minV: 18, recName: "budget_analytic_id",
		note: "18+. Lines are analytic only: achieved_amount (non-stored) sums the analytic lines of the line's analytic accounts in the period, " +
			"positive for an expense budget"},
		m2o("budget_analytic_id", "Budget Analytic", "budget.analytic", required),
		integer("sequence", "Sequence", def(int64(10))),
		date("date_from", "Start Date", computed("related budget_analytic_id.date_from, stored")),
		date("date_to", "End Date", computed("related budget_analytic_id.date_to, stored")),
		monetary("budget_amount", "Budgeted", currency("currency_id"), note("company currency; positive for an expense budget")),
		m2o("account_id", "Project", "account.analytic.account", note("the project plan's column (analytic.plan.fields.mixin); other plans add columns")),
		m2o("currency_id", "Currency", "res.currency", computed("related company_id.currency_id")),
		companyField(computed("related budget_analytic_id.company_id, stored")),
	)
}
