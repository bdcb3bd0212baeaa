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
// (AlertActions, Jobs, Odoo, Briefings, Actions, Rules); without one, its
// page is read-only and its changes answer 501.
//
// Cross-site state changes are refused (http.CrossOriginProtection), failed
// sign-ins are limited per username and per client address, and when no
// user exists yet the first visitor is asked to create the administrator
// (/setup).
package web
