// Package web serves aicoo over HTTP: the dashboard pages (server-rendered
// html/template views with embedded assets), the JSON API under /api/v1
// (documented at /api/openapi.json), a live alert feed over Server-Sent
// Events, and the operational endpoints (/healthz, /readyz, /metrics).
//
// # Access
//
// People sign in with a username and password (server-side sessions in an
// HttpOnly, SameSite=Lax cookie, Secure over TLS); programs send an API
// token as "Authorization: Bearer <token>". Both act as a user with one
// role. Every route names the permission it needs (see routes.go), and the
// role table (permissions.go) says which roles hold it; figures and alerts
// of an area (finance, sales, ...) are shown only to roles that may see
// that area, so a salesperson never sees payables.
//
// # Pages
//
// Overview, Briefing (the user's briefing of today, or when it will be
// written, and their archive), Alerts, Actions (the approval center:
// pending, approved and executed autonomous actions with their reasoning
// and evidence; approve, reject with a reason, approve similar, roll back;
// the policy per action type, editable by admins), Analytics, Jobs, Rules
// (alert rules: enable, disable, and what each would fire now) and
// Settings. The services behind the changes are injected through Config
// (AlertActions, Jobs, Odoo, Briefings, Actions, Rules, Channels, Impact);
// without one, its page is read-only and its changes answer 501.
//
// # Analytics
//
// Besides the business areas, the Analytics page shows how aicoo itself
// runs, each table also under /api/v1/analytics/ and as CSV
// (?format=csv), over the last ?days= (1 to 366):
//
//   - usage: language model calls per feature, provider and model from the
//     usage ledger: calls, failures, tokens, mean, p95 and max latency
//     (30 days by default). The cost is shown only to roles that see the
//     finance area (admin, ceo, cfo, viewer): AI spend is a finance figure.
//     The other roles see the same rows without it.
//   - jobs: runs, failures and the last error of each monitoring job the
//     role may see (7 days).
//   - alerts: per priority, how many alerts were raised, acknowledged,
//     resolved and are still open, and the median and 90th percentile
//     (nearest rank) of the time to the first acknowledgement and to
//     resolution (30 days). Alerts of areas the role may not see are left
//     out of the figures.
//   - impact: per action type the role may see, how many executed actions
//     improved what they addressed (90 days), from Config.Impact; the
//     section is left out without it.
//
// # Settings
//
// Administrators see the Odoo connection (and test it), the notification
// channels, configured or not and how to configure them, with a "send a
// test" form per configured channel (Config.Channels; the outcome, or the
// channel's error, is shown in plain words), and manage users at
// /settings/users: add (the password rules of "aicoo user add"; an empty
// password is generated and shown once), change the role, disable and
// enable, set a new password. Disabling a user or setting their password
// ends their sessions; nobody may disable themself, and no change may
// leave the connection without an enabled administrator. Each change is
// written to the audit log in the same transaction. The JSON API has the
// same operations (POST /api/v1/users, /api/v1/users/{id}/role, /disable,
// /enable, /password).
//
// # MCP
//
// With Config.MCP set, /mcp serves aicoo's ask tools to MCP clients over
// the streamable HTTP transport (package mcpserver): API tokens only, never
// the session cookie; the caller is the token's user with their role.
//
// Cross-site state changes are refused (http.CrossOriginProtection), failed
// sign-ins are limited per username and per client address, and when no
// user exists yet the first visitor is asked to create the administrator
// (/setup).
package web
