package web

import "net/http"

// route is one guarded endpoint: its method and pattern, the permission it
// needs ("" for any signed-in user), whether it is part of the JSON API,
// and, for the API, its OpenAPI description.
type route struct {
	method  string
	pattern string
	perm    perm
	api     bool
	handler http.HandlerFunc
	// example is a concrete path for tests and docs when the pattern has
	// parameters.
	example string
	doc     opDoc
}

// routes lists every guarded endpoint. The permission matrix test walks
// this list, so a route added here is tested for every role.
func (s *Server) routes() []route {
	page := func(method, pattern string, p perm, h http.HandlerFunc, example string) route {
		return route{method: method, pattern: pattern, perm: p, handler: h, example: example}
	}
	api := func(method, pattern string, p perm, h http.HandlerFunc, example string, d opDoc) route {
		return route{method: method, pattern: pattern, perm: p, api: true, handler: h, example: example, doc: d}
	}
	return []route{
		page("GET", "/{$}", permView, s.showOverview, "/"),
		page("GET", "/alerts", permView, s.showAlerts, ""),
		page("GET", "/operations", permAdmin, s.showOperations, ""),
		page("POST", "/alerts/acknowledge", permAlertAct, s.postAcknowledgeMany, ""),
		page("GET", "/alerts/{id}", permView, s.showAlert, "/alerts/1"),
		page("POST", "/alerts/{id}/dismiss", permAlertAct, s.postAlertAction("dismiss"), "/alerts/1/dismiss"),
		page("POST", "/alerts/{id}/acknowledge", permAlertAct, s.postAlertAction("acknowledge"), "/alerts/1/acknowledge"),
		page("POST", "/alerts/{id}/resolve", permAlertAct, s.postAlertAction("resolve"), "/alerts/1/resolve"),
		page("POST", "/alerts/{id}/snooze", permAlertAct, s.postAlertAction("snooze"), "/alerts/1/snooze"),
		page("GET", "/jobs", permView, s.showJobs, ""),
		page("GET", "/jobs/{id}", permView, s.showJob, "/jobs/1"),
		page("POST", "/jobs/{id}/run", permJobRun, s.postJobRun, "/jobs/1/run"),
		page("POST", "/jobs/{id}/schedule", permAdmin, s.postJobSchedule, "/jobs/1/schedule"),
		page("GET", "/analytics", permView, s.showAnalytics, ""),
		page("GET", "/analytics/{area}", permView, s.showArea, "/analytics/finance"),
		page("GET", "/analytics/{area}/metrics/{metric}", permView, s.showMetric, "/analytics/finance/metrics/finance.cash.position"),
		page("GET", "/analytics/{area}/{metric}", permView, s.showMetricPage, "/analytics/finance/cash"),
		page("GET", "/analytics/{area}/{metric}/{record}", permView, s.showMetricPage, "/analytics/finance/overdue-receivables/3"),
		page("GET", "/forecast", permView, s.showForecast, ""),
		page("GET", "/forecast/scenarios/new", permView, s.showScenarioNew, ""),
		page("POST", "/forecast/scenarios", permView, s.postScenario, ""),
		page("GET", "/forecast/scenarios/{id}/edit", permView, s.showScenarioEdit, "/forecast/scenarios/1/edit"),
		page("POST", "/forecast/scenarios/{id}", permView, s.postScenario, "/forecast/scenarios/1"),
		page("POST", "/forecast/scenarios/{id}/delete", permView, s.postScenarioDelete, "/forecast/scenarios/2/delete"),
		page("POST", "/forecast/flows/{id}/off", permView, s.postForecastFlow(true), "/forecast/flows/partner:1/off"),
		page("POST", "/forecast/flows/{id}/on", permView, s.postForecastFlow(false), "/forecast/flows/partner:1/on"),
		page("GET", "/briefings", permView, s.showBriefings, ""),
		page("GET", "/briefings/{id}", permView, s.showBriefing, "/briefings/1"),
		page("GET", "/rules", permRules, s.showRules, ""),
		page("GET", "/rules/{id}/test", permRules, s.showRuleTest, "/rules/1/test"),
		page("GET", "/rules/new", permRulesEdit, s.showRuleNew, ""),
		page("POST", "/rules", permRulesEdit, s.postRuleForm, ""),
		page("GET", "/rules/{id}/edit", permRulesEdit, s.showRuleEdit, "/rules/1/edit"),
		page("POST", "/rules/{id}", permRulesEdit, s.postRuleForm, "/rules/1"),
		page("POST", "/rules/{id}/delete", permRulesEdit, s.postRuleDelete, "/rules/2/delete"),
		page("POST", "/rules/{id}/enable", permAdmin, s.postRuleEnabled(true), "/rules/1/enable"),
		page("POST", "/rules/{id}/disable", permAdmin, s.postRuleEnabled(false), "/rules/1/disable"),
		page("GET", "/ask", permView, s.showAsk, ""),
		page("POST", "/ask", permView, s.postAsk, ""),
		page("POST", "/ask/threads/{id}/rename", permView, s.postThreadRename, "/ask/threads/1/rename"),
		page("POST", "/ask/threads/{id}/delete", permView, s.postThreadDelete, "/ask/threads/1/delete"),
		page("GET", "/actions", permView, s.showActions, ""),
		page("GET", "/search", permView, s.showSearch, "/search?q=inv"),
		page("POST", "/actions/{id}/approve", permActionDecide, s.postActionDecide("approve"), "/actions/1/approve"),
		page("POST", "/actions/{id}/reject", permActionDecide, s.postActionDecide("reject"), "/actions/1/reject"),
		page("POST", "/actions/{id}/rollback", permActionDecide, s.postActionDecide("rollback"), "/actions/1/rollback"),
		page("POST", "/actions/approve-similar", permActionDecide, s.postApproveSimilar, ""),
		page("POST", "/actions/policies", permAdmin, s.postPolicy, ""),
		page("GET", "/settings", permAdmin, s.showSettings, ""),
		page("POST", "/settings/test", permAdmin, s.postConnectionTest, ""),
		page("POST", "/settings/channels/{channel}/test", permAdmin, s.postChannelTest, "/settings/channels/email/test"),
		page("GET", "/notifications", permView, s.showInbox, ""),
		page("POST", "/notifications/read-all", permView, s.postInboxReadAll, ""),
		page("POST", "/notifications/{id}/read", permView, s.postInboxRead, "/notifications/1/read"),
		page("GET", "/account/notifications", "", s.showPrefs, ""),
		page("POST", "/account/notifications", "", s.postPrefs, ""),
		page("POST", "/account/notifications/test/{channel}", "", s.postPrefsTest, "/account/notifications/test/inapp"),
		page("GET", "/account/tokens", "", s.showTokens, ""),
		page("POST", "/account/tokens", "", s.postTokenCreate, ""),
		page("POST", "/account/tokens/{id}/revoke", "", s.postTokenRevoke, "/account/tokens/1/revoke"),
		page("GET", "/settings/thresholds", permView, s.showThresholds, ""),
		page("POST", "/settings/thresholds/{key}", permThresholds, s.postThreshold, "/settings/thresholds/finance.overdue_days"),
		page("GET", "/settings/escalation", permAdmin, s.showEscalation, ""),
		page("POST", "/settings/escalation", permAdmin, s.postEscalation, ""),
		page("POST", "/settings/escalation/{id}", permAdmin, s.postEscalation, "/settings/escalation/1"),
		page("POST", "/settings/escalation/{id}/delete", permAdmin, s.postEscalationDelete, "/settings/escalation/2/delete"),
		page("GET", "/settings/users", permAdmin, s.showUsers, ""),
		page("POST", "/settings/users", permAdmin, s.postUserCreate, ""),
		page("POST", "/settings/users/{id}/role", permAdmin, s.postUserRole(), "/settings/users/1/role"),
		page("POST", "/settings/users/{id}/disable", permAdmin, s.postUserDisabled(true), "/settings/users/1/disable"),
		page("POST", "/settings/users/{id}/enable", permAdmin, s.postUserDisabled(false), "/settings/users/1/enable"),
		page("POST", "/settings/users/{id}/password", permAdmin, s.postUserPassword, "/settings/users/1/password"),
		page("POST", "/settings/users/{id}/phone", permAdmin, s.postUserPhone(), "/settings/users/1/phone"),

		api("GET", "/api/v1/me", "", s.apiMe, "", opDoc{"Who am I: user, role, permissions and visible areas", "Me"}),
		api("GET", "/api/v1/overview", permView, s.apiOverview, "", opDoc{"Key figures with their change, open alert counts, and what needs the user now: open alerts and waiting actions ranked by money at stake, with the figure behind each", "Overview"}),
		api("GET", "/api/v1/alerts", permView, s.apiAlertList, "", opDoc{"Alerts (status=open|all|new|acknowledged|resolved|dismissed, priority, type; page, per_page; format=csv)", "AlertList"}),
		api("POST", "/api/v1/alerts/acknowledge", permAlertAct, s.apiAcknowledgeMany, "", opDoc{"Acknowledge several new alerts (body: {\"ids\": [...]}, up to 500); alerts already acknowledged, closed or not visible are skipped; answers the ids acknowledged", "BulkAcknowledge"}),
		api("GET", "/api/v1/alerts/{id}", permView, s.apiAlertGet, "/api/v1/alerts/1", opDoc{"One alert with the Odoo records behind it", "Alert"}),
		api("POST", "/api/v1/alerts/{id}/acknowledge", permAlertAct, s.apiAlertAction("acknowledge"), "/api/v1/alerts/1/acknowledge", opDoc{"Acknowledge an alert", "Alert"}),
		api("POST", "/api/v1/alerts/{id}/resolve", permAlertAct, s.apiAlertAction("resolve"), "/api/v1/alerts/1/resolve", opDoc{"Resolve an alert (body: {\"note\": ...})", "Alert"}),
		api("POST", "/api/v1/alerts/{id}/snooze", permAlertAct, s.apiAlertAction("snooze"), "/api/v1/alerts/1/snooze", opDoc{"Snooze an alert (body: {\"until\": RFC 3339} or {\"minutes\": n})", "Alert"}),
		api("GET", "/api/v1/jobs", permView, s.apiJobList, "", opDoc{"Monitoring jobs with their schedule and last run (format=csv)", "JobList"}),
		api("GET", "/api/v1/jobs/{id}/runs", permView, s.apiJobRuns, "/api/v1/jobs/1/runs", opDoc{"Run history of a job, newest first (page, per_page; format=csv)", "RunList"}),
		api("POST", "/api/v1/jobs/{id}/schedule", permAdmin, s.apiJobSchedule, "/api/v1/jobs/1/schedule", opDoc{"Change a job's schedule and enabled flag (body: {\"schedule\": \"@every 15m\" or cron, \"enabled\": bool}, either or both); not more often than the job kind allows (sync and actions 1 minute, analyses 5 minutes); the next run is updated at once; audited", "Job"}),
		api("POST", "/api/v1/jobs/{id}/run", permJobRun, s.apiJobRun, "/api/v1/jobs/1/run", opDoc{"Run a monitoring job now", "Enqueued"}),
		api("GET", "/api/v1/analysis", permView, s.apiAnalysisList, "", opDoc{"Latest analysis of each visible area", "AreaList"}),
		api("GET", "/api/v1/analysis/{area}", permView, s.apiAnalysisArea, "/api/v1/analysis/finance", opDoc{"Latest result of an area: metrics and insights with their Odoo records (format=csv for metrics)", "AreaResult"}),
		api("GET", "/api/v1/analysis/{area}/metrics/{metric}", permView, s.apiMetric, "/api/v1/analysis/finance/metrics/finance.cash.position", opDoc{"Drill-down of one figure: history and the Odoo records behind it (format=csv for records)", "MetricDetail"}),
		api("GET", "/api/v1/analytics/usage", permView, s.apiUsage(), "", opDoc{"Language model calls, tokens, failures and latency per feature and model over the last days (default 30); cost only for roles that see finance (format=csv)", "Usage"}),
		api("GET", "/api/v1/analytics/jobs", permView, s.apiJobStats(), "", opDoc{"Runs, failures and last error of each visible monitoring job over the last days (default 7) (format=csv)", "JobStats"}),
		api("GET", "/api/v1/analytics/alerts", permView, s.apiAlertResponse(), "", opDoc{"Alert response times per priority over the last days (default 30): median and p90 to acknowledge and to resolve (format=csv)", "AlertResponse"}),
		api("GET", "/api/v1/analytics/impact", permView, s.apiImpact(), "", opDoc{"How often executed autonomous actions improved what they addressed, per visible action type, over the last days (default 90) (format=csv)", "Impact"}),
		api("GET", "/api/v1/search", permView, s.apiSearch, "/api/v1/search?q=inv", opDoc{"Smart search: partners, invoices and bills, sales and purchase orders, products, deals, alerts, figures and actions by name or number (q, limit 1 to 100, default 20), best first; typos, accents and case do not matter; only what the role may see", "SearchResults"}),
		api("GET", "/api/v1/sync", permView, s.apiSync, "", opDoc{"Sync status per Odoo model", "SyncList"}),
		api("GET", "/api/v1/events", permView, s.events, "", opDoc{"Live alert changes (event: alert) and your in-app notifications as they are delivered (event: notification, with an id; after a reconnect with Last-Event-ID the missed ones are replayed) as Server-Sent Events", ""}),
		api("GET", "/api/v1/notifications", permView, s.apiInbox, "", opDoc{"Your in-app notifications, newest first (unread=1, before=<id>, limit), with the unread count", "Inbox"}),
		api("POST", "/api/v1/notifications/read-all", permView, s.apiInboxReadAll, "", opDoc{"Mark all your notifications read", "InboxRead"}),
		api("POST", "/api/v1/notifications/{id}/read", permView, s.apiInboxRead, "/api/v1/notifications/1/read", opDoc{"Mark one of your notifications read", "InboxRead"}),
		api("GET", "/api/v1/forecast", permView, s.apiForecast, "", opDoc{"The 13-week cash forecast of a company (company=<id>, default the first; pipeline=1 counts the weighted pipeline): weeks with opening, receipts, payments, closing and the 80% range, the items behind them, recurring flows, doubtful invoices; roles that see finance", "Forecast"}),
		api("GET", "/api/v1/forecast/scenarios", permView, s.apiScenarioList, "", opDoc{"Saved scenarios, each run on the forecast: closing cash per week, change against the forecast, lowest week, first week under the minimum cash", "ScenarioList"}),
		api("POST", "/api/v1/forecast/scenarios", permView, s.apiScenarioSave, "", opDoc{"Save a scenario (body: name, min_cash, changes: [{kind: customer_delay|customer_never|deal_slip|deal_lost|bill_early|hire|one_off, partner_id, lead_id, move_id, days, date, amount}]); roles that see finance and act on alerts", "Scenario"}),
		api("POST", "/api/v1/forecast/scenarios/preview", permView, s.apiScenarioPreview, "", opDoc{"Run an unsaved scenario (body as for saving one); writes nothing", "Scenario"}),
		api("GET", "/api/v1/forecast/scenarios/{id}", permView, s.apiScenarioGet, "/api/v1/forecast/scenarios/1", opDoc{"One saved scenario, run on the forecast", "Scenario"}),
		api("POST", "/api/v1/forecast/scenarios/{id}", permView, s.apiScenarioSave, "/api/v1/forecast/scenarios/1", opDoc{"Change a saved scenario (body as for saving one)", "Scenario"}),
		api("DELETE", "/api/v1/forecast/scenarios/{id}", permView, s.apiScenarioDelete, "/api/v1/forecast/scenarios/3", opDoc{"Delete a saved scenario", ""}),
		api("POST", "/api/v1/forecast/flows/{id}/off", permView, s.apiForecastFlow(true), "/api/v1/forecast/flows/partner:1/off", opDoc{"Switch a detected recurring flow off: its projections are no longer counted", "FlowSwitch"}),
		api("POST", "/api/v1/forecast/flows/{id}/on", permView, s.apiForecastFlow(false), "/api/v1/forecast/flows/partner:1/on", opDoc{"Switch a recurring flow back on", "FlowSwitch"}),
		api("GET", "/api/v1/briefings", permView, s.apiBriefingList, "", opDoc{"The signed-in user's briefings, newest first (page, per_page)", "BriefingList"}),
		api("GET", "/api/v1/briefings/today", permView, s.apiBriefingToday, "", opDoc{"Today's briefing (Markdown and sanitised HTML), or when it will be written", "BriefingToday"}),
		api("GET", "/api/v1/briefings/{id}", permView, s.apiBriefingGet, "/api/v1/briefings/1", opDoc{"One of the user's briefings (Markdown and sanitised HTML)", "Briefing"}),
		api("POST", "/api/v1/briefings/{id}/read", permView, s.apiBriefingRead, "/api/v1/briefings/1/read", opDoc{"Mark a briefing read", "Briefing"}),
		api("GET", "/api/v1/rules", permRules, s.apiRuleList, "", opDoc{"Alert rules of the connection", "RuleList"}),
		api("POST", "/api/v1/rules", permRulesEdit, s.apiRuleCreate, "", opDoc{"Create an alert rule (body: name, description, source metric|insight, insight_kind, expression, threshold, priority, pending_evaluations, channels, scope mine|org (org: admins), enabled); checked like the CLI's; audited", "Rule"}),
		api("POST", "/api/v1/rules/test", permRulesEdit, s.apiRuleTestSpec, "", opDoc{"What an unsaved rule (body as for creating one) would fire now on the latest results; writes nothing", "RuleTest"}),
		api("POST", "/api/v1/rules/{id}", permRulesEdit, s.apiRuleUpdate, "/api/v1/rules/1", opDoc{"Change one of your rules (admins: any user-written rule; body as for creating one); audited", "Rule"}),
		api("DELETE", "/api/v1/rules/{id}", permRulesEdit, s.apiRuleDelete, "/api/v1/rules/3", opDoc{"Delete one of your rules (admins: any user-written rule; built-in rules are only disabled); audited", ""}),
		api("POST", "/api/v1/rules/{id}/test", permRules, s.apiRuleTest, "/api/v1/rules/1/test", opDoc{"What the rule would fire now on the latest results (writes nothing)", "RuleTest"}),
		api("POST", "/api/v1/rules/{id}/enable", permAdmin, s.apiRuleEnabled(true), "/api/v1/rules/1/enable", opDoc{"Enable an alert rule", "Rule"}),
		api("POST", "/api/v1/rules/{id}/disable", permAdmin, s.apiRuleEnabled(false), "/api/v1/rules/1/disable", opDoc{"Disable an alert rule", "Rule"}),
		api("POST", "/api/v1/ask", permView, s.apiAsk, "", opDoc{"Ask aicoo a question in words (body: {\"question\": ..., \"thread_id\": n to continue one of your threads}); a language model answers by calling aicoo's tools with your role, and numbers it cannot trace to a tool result are marked. With \"Accept: text/event-stream\" the answer streams as Server-Sent Events (thread, text, tool, then answer or error); without a model only the questions of aicoo's patterns are answered (as JSON), others answer 501", "AskAnswer"}),
		api("GET", "/api/v1/threads", permView, s.apiThreadList, "", opDoc{"Your conversations with aicoo, most recent first", "ThreadList"}),
		api("GET", "/api/v1/threads/{id}", permView, s.apiThreadGet, "/api/v1/threads/1", opDoc{"One of your conversations with its questions and answers (tools used, sources, unmatched numbers)", "Thread"}),
		api("POST", "/api/v1/threads/{id}/rename", permView, s.apiThreadRename, "/api/v1/threads/1/rename", opDoc{"Rename one of your conversations (body: {\"title\": ...})", "ThreadSummary"}),
		api("POST", "/api/v1/threads/{id}/delete", permView, s.apiThreadDelete, "/api/v1/threads/1/delete", opDoc{"Delete one of your conversations", "ThreadDeleted"}),
		api("GET", "/api/v1/actions", permView, s.apiActionList, "", opDoc{"Autonomous actions the user may see (status=pending|approved|executed|rolled_back|closed|all; page, per_page)", "ActionList"}),
		api("GET", "/api/v1/actions/policies", permView, s.apiPolicies, "", opDoc{"The policy of every action type", "PolicyList"}),
		api("POST", "/api/v1/actions/policies", permAdmin, s.apiSetPolicy, "", opDoc{"Set an action type's policy (body: a policy object); audited", "PolicyList"}),
		api("POST", "/api/v1/actions/approve-similar", permActionDecide, s.apiApproveSimilar, "", opDoc{"Approve the pending actions of a group (body: {\"group\": ..., \"ids\": [...]})", "BulkApproval"}),
		api("GET", "/api/v1/actions/{id}", permView, s.apiActionGet, "/api/v1/actions/1", opDoc{"One action with its reasoning and evidence", "Action"}),
		api("POST", "/api/v1/actions/{id}/approve", permActionDecide, s.apiActionDecide("approve"), "/api/v1/actions/1/approve", opDoc{"Approve a pending action", "Action"}),
		api("POST", "/api/v1/actions/{id}/reject", permActionDecide, s.apiActionDecide("reject"), "/api/v1/actions/1/reject", opDoc{"Reject a pending action (body: {\"reason\": ...}, required)", "Action"}),
		api("POST", "/api/v1/actions/{id}/rollback", permActionDecide, s.apiActionDecide("rollback"), "/api/v1/actions/1/rollback", opDoc{"Roll back an executed action", "Action"}),
		api("GET", "/api/v1/settings/connection", permAdmin, s.apiConnection, "", opDoc{"The Odoo connection (no secrets)", "Connection"}),
		api("POST", "/api/v1/settings/connection/test", permAdmin, s.apiConnectionTest, "", opDoc{"Test the Odoo connection: version and installed modules", "ConnectionTest"}),
		api("GET", "/api/v1/settings/channels", permAdmin, s.apiChannels, "", opDoc{"Notification channels: configured or not, and how to configure them (no secrets)", "ChannelList"}),
		api("POST", "/api/v1/settings/channels/{channel}/test", permAdmin, s.apiChannelTest, "/api/v1/settings/channels/email/test", opDoc{"Send a test message now through a configured channel (body: {\"recipient\": ...}); a failed send answers ok=false with the reason", "ChannelTest"}),
		api("GET", "/api/v1/settings/thresholds", permView, s.apiThresholds, "", opDoc{"Analyzer thresholds of the visible areas: value, default, unit, range, description, and whether the user may change them", "ThresholdList"}),
		api("POST", "/api/v1/settings/thresholds/{key}", permThresholds, s.apiThresholdSet, "/api/v1/settings/thresholds/finance.overdue_days", opDoc{"Set a threshold (body: {\"value\": n}); admins and the area's owner (finance: cfo; expenses: cfo, ops; sales and customers: sales; operations: ops); the next analysis uses it; audited", "Threshold"}),
		api("POST", "/api/v1/settings/thresholds/{key}/preview", permThresholds, s.apiThresholdPreview, "/api/v1/settings/thresholds/finance.overdue_days/preview", opDoc{"How many findings the area's analysis would have with a proposed value (body: {\"value\": n}), against now, on the synced data; writes nothing", "ThresholdPreview"}),
		api("POST", "/api/v1/settings/thresholds/{key}/reset", permThresholds, s.apiThresholdReset, "/api/v1/settings/thresholds/finance.overdue_days/reset", opDoc{"Reset a threshold to its default; audited", "Threshold"}),
		api("GET", "/api/v1/me/notifications", "", s.apiPrefs, "", opDoc{"Your notification preferences: channels, minimum priority per channel, quiet hours, digest, areas", "NotifyPrefs"}),
		api("POST", "/api/v1/me/notifications", "", s.apiPrefsSet, "", opDoc{"Set your notification preferences (body: channels, min_priority {channel: priority}, quiet_start, quiet_end (HH:MM in your time zone), critical_breaks_quiet, digest, areas)", "NotifyPrefs"}),
		api("GET", "/api/v1/tokens", "", s.apiTokens, "", opDoc{"API tokens: your own, and every user's for administrators (never the secret)", "TokenList"}),
		api("POST", "/api/v1/tokens", "", s.apiTokenCreate, "", opDoc{"Create an API token for yourself (body: {\"name\": ..., \"expires_in_days\": n, default 90, 0 never}); the token is in the answer, once; only when signed in, not with another token; audited", "TokenCreated"}),
		api("POST", "/api/v1/tokens/{id}/revoke", "", s.apiTokenRevoke, "/api/v1/tokens/1/revoke", opDoc{"Revoke an API token: your own, or any user's for administrators; audited", "Token"}),
		api("GET", "/api/v1/escalation-policies", permAdmin, s.apiEscalationList, "", opDoc{"Escalation policies: their steps (people, roles, channels, minutes to wait), the rules that use them and the priorities attached to them", "PolicyLadderList"}),
		api("POST", "/api/v1/escalation-policies", permAdmin, s.apiEscalationSave, "", opDoc{"Create an escalation policy (body: name, repeat 0-10, priorities it is followed for when an alert's rule has none, levels: [{user_ids, roles, channels, wait_minutes}]); audited", "PolicyLadder"}),
		api("POST", "/api/v1/escalation-policies/{id}", permAdmin, s.apiEscalationSave, "/api/v1/escalation-policies/1", opDoc{"Change an escalation policy (body as for creating one); audited", "PolicyLadder"}),
		api("DELETE", "/api/v1/escalation-policies/{id}", permAdmin, s.apiEscalationDelete, "/api/v1/escalation-policies/3", opDoc{"Delete an escalation policy: the rules using it stop escalating; audited", ""}),
		api("GET", "/api/v1/users", permAdmin, s.apiUsers, "", opDoc{"Users of the connection", "UserList"}),
		api("POST", "/api/v1/users", permAdmin, s.apiUserCreate, "", opDoc{"Add a user (body: username, email, role (default viewer), password, timezone (default UTC), phone (E.164, optional); an empty password is generated and returned once); audited", "UserCredentials"}),
		api("POST", "/api/v1/users/{id}/role", permAdmin, s.apiUserRole(), "/api/v1/users/1/role", opDoc{"Change a user's role (body: {\"role\": ...}); never the last enabled admin's; audited", "User"}),
		api("POST", "/api/v1/users/{id}/disable", permAdmin, s.apiUserDisabled(true), "/api/v1/users/1/disable", opDoc{"Disable a user and end their sessions; not yourself, not the last enabled admin; audited", "User"}),
		api("POST", "/api/v1/users/{id}/enable", permAdmin, s.apiUserDisabled(false), "/api/v1/users/1/enable", opDoc{"Enable a disabled user; audited", "User"}),
		api("POST", "/api/v1/users/{id}/phone", permAdmin, s.apiUserPhone(), "/api/v1/users/1/phone", opDoc{"Set the E.164 phone number a user's SMS alerts go to (body: {\"phone\": ...}; empty removes it); audited without the number", "User"}),
		api("POST", "/api/v1/users/{id}/password", permAdmin, s.apiUserPassword, "/api/v1/users/1/password", opDoc{"Set a user's password, end their other sessions and revoke their API tokens (body: {\"password\": ...}; empty generates one, returned once); audited", "UserCredentials"}),
	}
}

// path returns the route's example path, or its pattern when it has no
// parameters.
func (rt route) path() string {
	if rt.example != "" {
		return rt.example
	}
	return rt.pattern
}
