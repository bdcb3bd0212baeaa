package notify

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/store"
)

// DiscussOdoo is what the Discuss channel needs of an Odoo connection;
// *odoo.Client implements it.
type DiscussOdoo interface {
	Info() (odoo.ServerInfo, bool)
	Search(ctx context.Context, model string, dom domain.Domain, opts odoo.SearchReadOpts) ([]int64, error)
	MessagePost(ctx context.Context, model string, id int64, opts odoo.MessagePostOpts) (int64, error)
}

// DiscussConfig configures the Discuss channel.
type DiscussConfig struct {
	// OdooFunc returns the connected Odoo client of a connection: posts go
	// through the connection the notification belongs to.
	OdooFunc func(ctx context.Context, connectionID int64) (DiscussOdoo, error)
	// BaseURL is the dashboard's public URL, for links.
	BaseURL string
}

// Discuss posts notifications in an Odoo Discuss channel, as the Odoo user
// aicoo connects as. The recipient is the channel's name or numeric id.
type Discuss struct {
	cfg DiscussConfig
}

// NewDiscuss validates the configuration and returns the channel.
func NewDiscuss(cfg DiscussConfig) (*Discuss, error) {
	if cfg.OdooFunc == nil {
		return nil, errors.New("notify: discuss: no Odoo connection (OdooFunc)")
	}
	if err := checkURL("dashboard base URL", cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("notify: discuss: %w", err)
	}
	return &Discuss{cfg: cfg}, nil
}

// Name implements Channel.
func (*Discuss) Name() string { return ChannelDiscuss }

// Idempotent implements Channel: each post carries its delivery id, and
// Send looks for it in the channel, among the posts of aicoo's own Odoo
// user, before posting, so a re-send after an unknown outcome finds the
// earlier post instead of posting twice.
func (*Discuss) Idempotent() bool { return true }

// DiscussChannelMaxLen bounds a channel name.
const DiscussChannelMaxLen = 200

// ValidateRecipient implements Channel: a channel name or a positive id.
// Whether the channel exists is learned from Odoo when sending.
func (*Discuss) ValidateRecipient(recipient string) error {
	switch {
	case recipient == "":
		return errors.New("the Discuss channel is empty: give its name or id")
	case strings.TrimSpace(recipient) != recipient, strings.ContainsAny(recipient, "\r\n"):
		return fmt.Errorf("the Discuss channel %q has surrounding spaces or line breaks", recipient)
	case len(recipient) > DiscussChannelMaxLen:
		return fmt.Errorf("the Discuss channel name is longer than %d characters", DiscussChannelMaxLen)
	}
	if id, err := strconv.ParseInt(recipient, 10, 64); err == nil && id <= 0 {
		return fmt.Errorf("the Discuss channel id %d is not positive", id)
	}
	return nil
}

// DiscussModel is the Discuss channel model of an Odoo version:
// mail.channel up to 16, discuss.channel from 17.
func DiscussModel(v odoo.Version) string {
	if v.AtLeast(17, 0) {
		return "discuss.channel"
	}
	return "mail.channel"
}

// DiscussMarker is the text a post carries to name its delivery, found
// again by a search on the message body. Besides the delivery id it holds
// the notification's creation time in microseconds (as stored, so every
// attempt writes the same): ids restart at 1 in a new database, and a
// reinstalled aicoo posting to the same Odoo must not take an old post
// for its own. The closing parenthesis keeps "aicoo-1-4" from matching
// the post of "aicoo-1-42".
func DiscussMarker(n *store.Notification) string {
	return "(ref " + DeliveryID(n) + "-" + strconv.FormatInt(n.CreatedAt.UnixMicro(), 36) + ")"
}

// DiscussBody renders a notification as the HTML body of a Discuss post:
// the subject in bold (with its priority), the body's lines, a link back
// to the dashboard and the delivery marker.
func DiscussBody(n *store.Notification, baseURL string) string {
	var b strings.Builder
	title := n.Subject
	if n.Priority != "" && !strings.HasPrefix(strings.ToLower(title), "["+strings.ToLower(n.Priority)+"]") {
		title = "[" + strings.ToUpper(n.Priority) + "] " + title
	}
	b.WriteString("<p><b>" + html.EscapeString(title) + "</b></p>")
	if body := strings.TrimSpace(n.Body); body != "" {
		lines := strings.Split(body, "\n")
		for i, l := range lines {
			lines[i] = html.EscapeString(l)
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>") + "</p>")
	}
	link := html.EscapeString(absoluteLink(baseURL, n.Link))
	b.WriteString(`<p><a href="` + link + `">Open in aicoo</a> <small>` + html.EscapeString(DiscussMarker(n)) + `</small></p>`)
	return b.String()
}

// Send implements Channel.
func (d *Discuss) Send(ctx context.Context, n *store.Notification) error {
	if err := d.ValidateRecipient(n.Recipient); err != nil {
		return Permanent(fmt.Errorf("discuss: %w", err))
	}
	c, err := d.cfg.OdooFunc(ctx, n.ConnectionID)
	if err != nil {
		return discussError(fmt.Errorf("discuss: Odoo connection %d: %w", n.ConnectionID, err))
	}
	info, ok := c.Info()
	if !ok {
		return fmt.Errorf("discuss: Odoo connection %d is not connected", n.ConnectionID)
	}
	model := DiscussModel(info.Version)
	channelID, err := d.channelID(ctx, c, model, n.Recipient)
	if err != nil {
		return err
	}
	// An earlier attempt may have posted without learning it (the answer
	// was lost): its marker is then in the channel already. Only a post by
	// aicoo's own Odoo user counts (create_uid, which Odoo sets from the
	// caller and nobody can choose): any member of the channel can copy a
	// marker into a post of their own.
	posted, err := c.Search(ctx, "mail.message", domain.And(
		domain.Cond("model", domain.OpEq, model), domain.Cond("res_id", domain.OpEq, channelID),
		domain.Cond("body", domain.OpILike, DiscussMarker(n)), domain.Cond("create_uid", domain.OpEq, info.UID)),
		odoo.SearchReadOpts{Limit: 1})
	if err != nil {
		return discussError(fmt.Errorf("discuss: look for an earlier post of %s: %w", DeliveryID(n), err))
	}
	if len(posted) > 0 {
		return nil
	}
	_, err = c.MessagePost(ctx, model, channelID, odoo.MessagePostOpts{
		Body: DiscussBody(n, d.cfg.BaseURL), BodyIsHTML: true, MessageType: "comment", SubtypeXMLID: "mail.mt_comment",
	})
	if err != nil {
		return discussError(fmt.Errorf("discuss: post in channel %q: %w", n.Recipient, err))
	}
	return nil
}

// channelID resolves a recipient to a channel id: a number is an id that
// must exist, a name the oldest channel of that name.
func (d *Discuss) channelID(ctx context.Context, c DiscussOdoo, model, recipient string) (int64, error) {
	dom := domain.Cond("name", domain.OpEq, recipient)
	if id, err := strconv.ParseInt(recipient, 10, 64); err == nil {
		dom = domain.Cond("id", domain.OpEq, id)
	}
	ids, err := c.Search(ctx, model, dom, odoo.SearchReadOpts{Order: "id", Limit: 1})
	if err != nil {
		return 0, discussError(fmt.Errorf("discuss: find channel %q (%s): %w", recipient, model, err))
	}
	if len(ids) == 0 {
		return 0, Permanent(fmt.Errorf("discuss: no Discuss channel %q on the Odoo server (%s); create it in Odoo Discuss or fix the name", recipient, model))
	}
	return ids[0], nil
}

// discussError classifies an Odoo error: refusals and missing modules
// cannot be fixed by a retry; a call that may have been applied has an
// unknown outcome (Send's search makes the retry safe).
func discussError(err error) error {
	switch {
	case errors.Is(err, odoo.ErrOutcomeUnknown):
		return fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
	case errors.Is(err, odoo.ErrAuthentication), errors.Is(err, odoo.ErrAccessRights), errors.Is(err, odoo.ErrNotInstalled),
		errors.Is(err, odoo.ErrUserError) && !errors.Is(err, odoo.ErrLocked):
		return Permanent(err)
	}
	return err
}

// discussKind registers Odoo Discuss: posts in discuss.channel, or in the
// channel a rule names ("odoo_discuss:war-room"), through the
// connection's Odoo client.
func discussKind() Kind {
	return Kind{Name: ChannelDiscuss, Aliases: []string{"discuss"}, Label: "Odoo Discuss",
		Settings:      "discuss.channel (AICOO_DISCUSS_CHANNEL), with the [odoo] connection",
		RecipientHint: "a Discuss channel name or id",
		Build: func(cfg *config.Config, deps Deps) (*Built, error) {
			room := cfg.Discuss.Channel
			if room == "" || deps.Odoo == nil {
				return nil, nil
			}
			discuss, err := NewDiscuss(DiscussConfig{OdooFunc: deps.Odoo, BaseURL: cfg.PublicURL()})
			if err != nil {
				return nil, err
			}
			return &Built{Channel: discuss, Detail: "posts in the Odoo Discuss channel " + strconv.Quote(room) + " through the Odoo connection",
				Target: func(name string) string { return cmp.Or(name, room) }}, nil
		},
	}
}
