package areas

import "maps"

// Fields returns, per model the analyzers read, the fields they may read
// (besides "id" and "active", always kept). The record cache keeps only
// these of each synced record for the analyses (AnalysisSource), so an
// analysis holds what it reads rather than every field the sync stores.
// TestFieldsCoverWhatTheAnalyzersName keeps the list a superset of the
// field names the analyzer code (and internal/history, which reads through
// the analyzers' loaders) spells, in every Odoo version's spelling.
func Fields() map[string][]string {
	out := make(map[string][]string, len(fields))
	for m, f := range maps.All(fields) {
		out[m] = append([]string(nil), f...)
	}
	return out
}

var fields = map[string][]string{
	"account.account":            {"account_type", "code", "company_id", "create_date", "currency_id", "name", "write_date"},
	"account.analytic.account":   {"code", "company_id", "create_date", "name", "write_date"},
	"account.analytic.line":      {"account_id", "amount", "company_id", "create_date", "currency_id", "date", "general_account_id", "move_line_id", "name", "write_date"},
	"account.budget.post":        {"account_ids", "company_id", "create_date", "name", "write_date"},
	"account.journal":            {"code", "company_id", "create_date", "currency_id", "default_account_id", "name", "sequence", "type", "write_date"},
	"account.move":               {"amount_residual", "amount_residual_signed", "amount_total", "amount_total_signed", "amount_untaxed_signed", "commercial_partner_id", "company_id", "create_date", "currency_id", "date", "invoice_date", "invoice_date_due", "invoice_origin", "move_type", "name", "partner_id", "payment_id", "state", "write_date"},
	"account.move.line":          {"account_id", "account_type", "amount_residual", "amount_residual_currency", "balance", "company_id", "create_date", "currency_id", "date", "date_maturity", "display_type", "full_reconcile_id", "matching_number", "move_id", "name", "parent_state", "partner_id", "payment_id", "price_subtotal", "product_id", "product_uom_id", "purchase_line_id", "quantity", "sequence", "write_date"},
	"account.payment":            {"amount", "amount_company_currency_signed", "company_id", "create_date", "currency_id", "date", "is_matched", "move_id", "name", "partner_id", "payment_type", "state", "write_date"},
	"account.payment.term":       {"company_id", "create_date", "days", "name", "sequence", "write_date"},
	"aicoo.budget":               {"account_id", "company_id", "create_date", "currency_id", "date_from", "date_to", "name", "planned_amount", "write_date"},
	"budget.analytic":            {"budget_type", "company_id", "create_date", "date_from", "date_to", "name", "state", "user_id", "write_date"},
	"budget.line":                {"account_id", "budget_amount", "budget_analytic_id", "company_id", "create_date", "currency_id", "date_from", "date_to", "sequence", "write_date"},
	"calendar.event":             {"create_date", "name", "opportunity_id", "res_id", "res_model", "start", "start_date", "user_id", "write_date"},
	"crm.lead":                   {"company_id", "create_date", "date_closed", "date_deadline", "date_last_stage_update", "date_open", "expected_revenue", "lost_reason_id", "name", "partner_id", "probability", "stage_id", "type", "user_id", "won_status", "write_date"},
	"crm.lost.reason":            {"create_date", "name", "write_date"},
	"crm.stage":                  {"create_date", "fold", "is_won", "name", "sequence", "write_date"},
	"crossovered.budget":         {"company_id", "create_date", "date_from", "date_to", "name", "state", "user_id", "write_date"},
	"crossovered.budget.lines":   {"analytic_account_id", "company_id", "create_date", "crossovered_budget_id", "crossovered_budget_state", "currency_id", "date_from", "date_to", "general_budget_id", "planned_amount", "write_date"},
	"helpdesk.ticket":            {"close_date", "company_id", "create_date", "name", "partner_id", "sla_deadline", "sla_fail", "sla_reached_late", "stage_id", "user_id", "write_date"},
	"hr.employee":                {"company_id", "create_date", "name", "parent_id", "user_id", "write_date"},
	"hr.expense":                 {"account_id", "company_id", "create_date", "currency_id", "date", "employee_id", "name", "payment_mode", "product_id", "quantity", "state", "total_amount", "total_amount_company", "write_date"},
	"hr.expense.sheet":           {"company_id", "create_date", "currency_id", "employee_id", "name", "state", "total_amount", "user_id", "write_date"},
	"mail.activity":              {"create_date", "date_deadline", "date_done", "res_id", "res_model", "state", "user_id", "write_date"},
	"mail.message":               {"create_date", "date", "message_type", "model", "res_id", "tracking", "write_date"},
	"product.product":            {"company_id", "create_date", "default_code", "incoming_qty", "is_storable", "name", "outgoing_qty", "product_tmpl_id", "standard_price", "type", "uom_id", "write_date"},
	"product.supplierinfo":       {"company_id", "create_date", "currency_id", "date_end", "date_start", "delay", "partner_id", "product_id", "product_tmpl_id", "sequence", "write_date"},
	"product.template":           {"company_id", "create_date", "default_code", "detailed_type", "is_storable", "name", "standard_price", "type", "uom_id", "write_date"},
	"project.project":            {"company_id", "create_date", "name", "partner_id", "sequence", "user_id", "write_date"},
	"project.task":               {"company_id", "create_date", "date_deadline", "date_end", "date_last_stage_update", "name", "parent_id", "partner_id", "project_id", "sequence", "stage_id", "state", "write_date"},
	"project.task.type":          {"create_date", "fold", "name", "sequence", "write_date"},
	"purchase.order":             {"amount_total", "amount_total_cc", "company_id", "create_date", "currency_id", "date_approve", "date_order", "date_planned", "invoice_ids", "invoice_status", "name", "partner_id", "payment_term_id", "picking_type_id", "state", "user_id", "write_date"},
	"purchase.order.line":        {"company_id", "create_date", "currency_id", "date_planned", "display_type", "name", "order_id", "partner_id", "price_subtotal", "product_id", "product_uom", "product_uom_id", "product_uom_qty", "sequence", "state", "write_date"},
	"res.company":                {"create_date", "currency_id", "email", "name", "parent_id", "partner_id", "sequence", "write_date"},
	"res.currency":               {"create_date", "name", "rate", "write_date"},
	"res.currency.rate":          {"company_id", "create_date", "currency_id", "name", "rate", "write_date"},
	"res.partner":                {"commercial_partner_id", "company_id", "create_date", "email", "invoice_ids", "name", "parent_id", "type", "user_id", "write_date"},
	"res.users":                  {"company_id", "create_date", "email", "name", "partner_id", "write_date"},
	"sale.order":                 {"amount_total", "commitment_date", "company_id", "create_date", "currency_id", "date_order", "invoice_ids", "invoice_status", "name", "opportunity_id", "partner_id", "payment_term_id", "state", "user_id", "write_date"},
	"sale.order.line":            {"company_id", "create_date", "currency_id", "display_type", "invoice_status", "name", "order_id", "price_subtotal", "product_id", "product_uom", "product_uom_id", "product_uom_qty", "qty_delivered", "sequence", "state", "write_date"},
	"stock.location":             {"company_id", "create_date", "location_id", "name", "usage", "write_date"},
	"stock.move":                 {"company_id", "create_date", "date", "date_deadline", "is_inventory", "location_dest_id", "location_id", "name", "partner_id", "picking_id", "picking_type_id", "product_id", "product_uom", "product_uom_id", "product_uom_qty", "purchase_line_id", "quantity", "quantity_done", "sequence", "state", "write_date"},
	"stock.picking":              {"company_id", "create_date", "date_deadline", "date_done", "location_dest_id", "location_id", "name", "partner_id", "picking_type_code", "picking_type_id", "sale_id", "scheduled_date", "state", "user_id", "write_date"},
	"stock.picking.type":         {"code", "company_id", "create_date", "name", "sequence", "write_date"},
	"stock.quant":                {"company_id", "create_date", "location_id", "product_id", "quantity", "write_date"},
	"stock.valuation.layer":      {"company_id", "create_date", "currency_id", "product_id", "quantity", "value", "write_date"},
	"stock.warehouse.orderpoint": {"company_id", "create_date", "location_id", "name", "product_id", "product_max_qty", "product_min_qty", "supplier_id", "trigger", "write_date"},
	"uom.uom":                    {"create_date", "factor", "name", "write_date"},
}
