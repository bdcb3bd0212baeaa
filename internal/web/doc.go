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
// Cross-site state changes are refused (http.CrossOriginProtection), failed
// sign-ins are limited per username and per client address, and when no
// user exists yet the first visitor is asked to create the administrator
// (/setup).
package web
