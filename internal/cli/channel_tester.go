package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
	"github.com/aicoo/aicoo/internal/web"
)

// channelTester lets the dashboard list the notification channels and send
// a test through one (web.ChannelTester), over the channel registry this
// process delivers with: the same configuration, the same Odoo connection.
type channelTester struct{ a *app }

var _ web.ChannelTester = channelTester{}

// Channels implements web.ChannelTester: every registered kind, configured
// or not, with what it sends through (never a secret) or the settings that
// enable it.
func (t channelTester) Channels(context.Context) []web.ChannelStatus {
	var out []web.ChannelStatus
	for _, k := range t.a.channels.Kinds() {
		st := web.ChannelStatus{Name: k.RowName(), RecipientHint: k.RecipientHint, Detail: "set " + k.Settings}
		if b := t.a.channels.Built(k.Name); b != nil {
			st.Configured, st.Detail = true, b.Detail
		}
		out = append(out, st)
	}
	return out
}

// SendTest implements web.ChannelTester: a real send through the channel,
// bypassing the outbox; in-app goes through the outbox to the user named
// (a username, or user:ID as My notifications sends it).
func (t channelTester) SendTest(ctx context.Context, connectionID int64, channel, recipient string) error {
	if k, ok := t.a.channels.Lookup(channel); !ok || k.Name != notify.KindInApp {
		return t.a.channels.Test(ctx, channel, connectionID, recipient, t.a.now())
	}
	u, err := inAppUser(ctx, t.a.store, connectionID, recipient)
	if err != nil {
		return err
	}
	now := t.a.now().UTC()
	_, err = t.a.outbox.Enqueue(ctx, t.a.store, inAppTest(connectionID, u, now))
	return err
}

// inAppUser is the user an in-app test goes to: a username, or user:ID.
func inAppUser(ctx context.Context, s *store.Store, connectionID int64, recipient string) (*store.User, error) {
	var (
		u   *store.User
		err error
	)
	if v, ok := strings.CutPrefix(recipient, "user:"); ok {
		id, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil {
			return nil, fmt.Errorf("no user %q on this connection", recipient)
		}
		u, err = s.UserByID(ctx, id)
		if err == nil && u.ConnectionID != connectionID {
			err = store.ErrNotFound
		}
	} else {
		u, err = s.UserByUsername(ctx, connectionID, recipient)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("no user %q on this connection", recipient)
	}
	return u, err
}

// inAppTest is the test message of the in-app channel: an outbox row, as
// the in-app notification is its row.
func inAppTest(connectionID int64, u *store.User, now time.Time) notify.Message {
	return notify.Message{
		ConnectionID: connectionID, Key: "test:" + now.Format(time.RFC3339Nano), Priority: store.PriorityLow,
		Subject: "aicoo test notification", Body: "This is a test message from aicoo. If you can read it, in-app notifications work.",
		Link: "/", Data: []byte(`{"test":true}`),
		Recipients: []notify.Recipient{{Channel: notify.ChannelInApp, Address: notify.UserRecipient(u.ID), UserID: u.ID}},
	}
}
