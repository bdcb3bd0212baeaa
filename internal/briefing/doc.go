// Package briefing writes each user's daily briefing for their role (CEO,
// CFO, sales, operations) from what aicoo has already computed: the latest
// analysis results of the connection (with the figures a day and a week
// earlier, for the changes) and the open alerts.
//
// A briefing is a facts bundle (Facts: headline figures, what needs
// attention, forecasts, three to five recommendations, each citing its Odoo
// records) rendered to Markdown. The narrative paragraph on top is written by
// a language model when one is configured, from a compact JSON view of the
// bundle that never holds raw Odoo records; Odoo text in it (partner names,
// titles) is marked as data the model must not obey. The model's text is
// kept only if it passes the grounding check (Ground): every number in it
// must be a figure of the bundle after rounding and formatting, it may
// carry no links or markup, and its sweeping claims about the states of
// invoices, actions and alerts ("all overdue invoices have been paid", "no
// action is pending", "all clear") and about stock-outs, stalled deals and
// customers at risk must be what the facts say: a claim the
// facts contradict or cannot support rejects it (claims.go lists the claim
// patterns). Otherwise, and whenever no model is configured,
// the budget is spent or the call fails, the template narrative is used and
// the reason is stored with the facts. Everything below the narrative is
// always rendered from the facts by code.
//
// Briefings are stored as Markdown plus the facts, at most one per user and
// local date (GenerateForUser, GenerateDue), and rendered to sanitised HTML
// for the web and email (HTML).
package briefing
