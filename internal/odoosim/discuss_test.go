package odoosim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/odoo/domain"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// TestDiscussChannels posts in a Discuss channel on each version: the
// channel model is mail.channel in 16 and discuss.channel from 17, the
// channels are read-only, and a post is a mail.message on the channel that
// a search by body finds again.
func TestDiscussChannels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		model   string
		other   string // the model the version does not have
		proto   odoo.Protocol
	}{
		{"16.0", "mail.channel", "discuss.channel", odoo.ProtocolJSONRPC},
		{"17.0", "discuss.channel", "mail.channel", odoo.ProtocolXMLRPC},
		{"18.0", "discuss.channel", "mail.channel", odoo.ProtocolJSONRPC},
		{"19.0", "discuss.channel", "mail.channel", odoo.ProtocolJSON2},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, url := start(t, startOpts{version: tt.version, opts: odoosim.Options{DiscussChannels: []string{"aicoo-alerts"}}})
			c := connect(t, transport{name: string(tt.proto), version: tt.version, protocol: tt.proto}, url)
			if got := odoosim.DiscussChannelModel(mustMajor(t, c)); got != tt.model {
				t.Fatalf("DiscussChannelModel = %q, want %q", got, tt.model)
			}
			recs, err := c.SearchRead(ctx, tt.model, domain.Domain{}, odoo.SearchReadOpts{Fields: []string{"name", "channel_type"}, Order: "id"})
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 2 {
				t.Fatalf("channels = %v", recs)
			}
			if n, _ := recs[1].String("name"); n != "aicoo-alerts" {
				t.Fatalf("second channel = %v", recs[1])
			}
			if _, err := c.Search(ctx, tt.other, domain.Domain{}, odoo.SearchReadOpts{}); err == nil {
				t.Fatalf("%s answered on %s", tt.other, tt.version)
			}
			if err := c.Write(ctx, tt.model, []int64{2}, map[string]any{"name": "renamed"}, nil); !errors.Is(err, odoo.ErrAccessRights) {
				t.Fatalf("write on a channel = %v, want an access error", err)
			}

			id, err := c.MessagePost(ctx, tt.model, 2, odoo.MessagePostOpts{Body: "<p><b>Cash</b> runway (ref aicoo-1-7)</p>", BodyIsHTML: true,
				MessageType: "comment", SubtypeXMLID: "mail.mt_comment"})
			if err != nil || id <= 0 {
				t.Fatalf("MessagePost = %d, %v", id, err)
			}
			found, err := c.SearchRead(ctx, "mail.message", domain.And(
				domain.Cond("model", domain.OpEq, tt.model), domain.Cond("res_id", domain.OpEq, int64(2)),
				domain.Cond("body", domain.OpILike, "(ref aicoo-1-7)")), odoo.SearchReadOpts{Fields: []string{"body", "message_type", "record_name"}})
			if err != nil || len(found) != 1 {
				t.Fatalf("search the post = %v, %v", found, err)
			}
			body, _ := found[0].String("body")
			if !strings.Contains(body, "<b>Cash</b>") {
				t.Errorf("body %q lost its HTML", body)
			}
			if rn, _ := found[0].String("record_name"); rn != "aicoo-alerts" {
				t.Errorf("record_name = %q", rn)
			}
			if _, err := c.MessagePost(ctx, tt.model, 99, odoo.MessagePostOpts{Body: "x"}); !errors.Is(err, odoo.ErrUserError) {
				t.Errorf("post in a missing channel = %v, want a missing record", err)
			}
		})
	}
}

func mustMajor(t *testing.T, c *odoo.Client) int {
	t.Helper()
	info, ok := c.Info()
	if !ok {
		t.Fatal("not connected")
	}
	return info.Version.Major
}
