package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

// channelTester lets the dashboard list the notification channels and send
// a test through one (web.ChannelTester), over the channels this process
// delivers with: the same configuration, the same Odoo connection.
type channelTester struct{ a *app }

var _ web.ChannelTester = channelTester{}

// Channels implements web.ChannelTester: every channel, configured or not,
// with what it sends through (never a secret) or the keys that enable it.
func (t channelTester) Channels(context.Context) []web.ChannelStatus {
	cfg := t.a.cfg
	status := func(name string, on bool, detail, hint string) web.ChannelStatus {
		if !on {
			detail = "set " + channelSettings[name]
		}
		return web.ChannelStatus{Name: name, Configured: on, Detail: detail, RecipientHint: hint}
	}
	return []web.ChannelStatus{
		{Name: notify.ChannelInApp, Configured: true, Detail: "the dashboard's notifications, pushed live to open pages", RecipientHint: "a username"},
		status(notify.ChannelEmail, cfg.SMTP.Host != "", fmt.Sprintf("SMTP through %s as %s", net.JoinHostPort(cfg.SMTP.Host, strconv.Itoa(cfg.SMTP.Port)), cfg.SMTP.From), "an email address"),
		status(notify.ChannelSlack, cfg.Slack.WebhookURL != "", "a Slack incoming webhook (target default)", "default"),
		status(notify.ChannelSMS, cfg.Twilio.AccountSID != "", "Twilio, from "+cfg.Twilio.From, "a phone number such as +32470123456"),
		status(notify.ChannelWebhook, cfg.Webhook.URL != "", "signed JSON to "+urlHost(cfg.Webhook.URL)+" (target default)", "default"),
		status(notify.ChannelDiscuss, cfg.Discuss.Channel != "", "posts in the Odoo Discuss channel "+strconv.Quote(cfg.Discuss.Channel)+" through the Odoo connection",
			"a Discuss channel name or id"),
	}
}

// urlHost is the host of a URL, so a path that may hold a token is not
// shown.
func urlHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host
}

// SendTest implements web.ChannelTester: a real send through the channel,
// bypassing the outbox; in-app goes through the outbox to the user named.
func (t channelTester) SendTest(ctx context.Context, connectionID int64, channel, recipient string) error {
	if channel == notify.ChannelInApp {
		u, err := t.a.store.UserByUsername(ctx, connectionID, recipient)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("no user %q on this connection", recipient)
		}
		if err != nil {
			return err
		}
		now := t.a.now().UTC()
		_, err = t.a.outbox.Enqueue(ctx, t.a.store, notify.Message{
			ConnectionID: connectionID, Key: "test:" + now.Format(time.RFC3339Nano), Priority: store.PriorityLow,
			Subject: "aicoo test notification", Body: "This is a test message from aicoo. If you can read it, in-app notifications work.",
			Link: "/", Data: []byte(`{"test":true}`),
			Recipients: []notify.Recipient{{Channel: notify.ChannelInApp, Address: notify.UserRecipient(u.ID), UserID: u.ID}},
		})
		return err
	}
	for _, ch := range t.a.channels {
		if ch.Name() == channel {
			return notify.SendTest(ctx, ch, connectionID, recipient, t.a.now())
		}
	}
	if _, known := channelSettings[channel]; known {
		return fmt.Errorf("%s is not configured: set %s", channel, channelSettings[channel])
	}
	return fmt.Errorf("unknown channel %q", channel)
}
