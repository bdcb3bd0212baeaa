// Package notify delivers aicoo's notifications through an outbox: a
// caller that decides to notify (an alert change, a briefing) writes one
// outbox row per channel and recipient in its own transaction
// (Outbox.EnqueueTx), together with a River job that delivers it. The row
// and the job commit or vanish together, so nothing is lost across a crash,
// and rows are unique per (message key, channel, recipient), so enqueuing the
// same message twice delivers it once.
//
// The Worker claims a row (pending -> sending, counting the attempt), sends
// it, and marks it sent. A failed attempt returns the row to pending and
// River retries it after an exponential backoff; after MaxAttempts, or at
// once for a permanent failure (a 4xx answer, a rejected address), the row
// becomes a dead letter, listed by store.NotificationList and retried by
// Outbox.Retry.
//
// Nothing is sent twice. The one window where a message can reach its peer
// without aicoo knowing is between the peer's answer and the commit that
// marks the row sent; a process that dies there leaves the row in sending.
// The next attempt then re-sends only on channels whose peer drops a
// repeated idempotency key (in-app; the generic webhook, whose receivers
// must deduplicate on X-Aicoo-Delivery; Odoo Discuss, where each post
// carries its delivery id and the channel is searched for it before
// posting); on the others (email, Slack, SMS) it dead-letters the row as
// "outcome unknown" for a person to check, rather than risk a second
// message.
//
// Channels: in-app (InApp, pushed live by a Broker over Server-Sent
// Events, the row itself being the persisted notification), email over SMTP
// (Email), a Slack incoming webhook (Slack), SMS through Twilio's Messages
// API (Twilio), a signed JSON webhook (Webhook, documented in
// docs/notifications.md) and a post in an Odoo Discuss channel through the
// connection's Odoo client (Discuss).
//
// Each channel registers itself once, next to its code, as a Kind: the
// name rules give it, its label, whether it reaches each person at their
// own address or posts once to a shared target, the settings that enable
// it and how it is built from the configuration. A Registry (Builtin,
// built once at start) holds the kinds and the channels the configuration
// enables; the alert rules, the dashboard, the command line and the alert
// notifier read channels only through it.
package notify
