package config

import (
	"strings"
	"testing"
)

// TestNotificationChannelKeys covers the [webhook] and [discuss] sections:
// what loads, and the error naming the key for what does not.
func TestNotificationChannelKeys(t *testing.T) {
	t.Parallel()
	secretFile := writeFile(t, "hook", "0123456789abcdef-signing\n")
	tests := []struct {
		name    string
		file    string
		env     []string
		wantErr string
		check   func(t *testing.T, c *Config)
	}{
		{name: "webhook https with secret file",
			file: "[webhook]\nurl = \"https://hooks.example.com/aicoo\"\nsecret_file = \"" + secretFile + "\"\n",
			check: func(t *testing.T, c *Config) {
				if c.Webhook.URL != "https://hooks.example.com/aicoo" || c.Webhook.Secret != "0123456789abcdef-signing" {
					t.Fatalf("webhook = %+v", c.Webhook)
				}
			}},
		{name: "webhook from environment, http to loopback",
			env: []string{"AICOO_WEBHOOK_URL=http://127.0.0.1:9000/hook", "AICOO_WEBHOOK_SECRET=0123456789abcdef"},
			check: func(t *testing.T, c *Config) {
				if c.Webhook.URL != "http://127.0.0.1:9000/hook" {
					t.Fatalf("webhook = %+v", c.Webhook)
				}
			}},
		{name: "webhook secret file from environment",
			env: []string{"AICOO_WEBHOOK_URL=https://x.example.com/", "AICOO_WEBHOOK_SECRET_FILE=" + secretFile},
			check: func(t *testing.T, c *Config) {
				if c.Webhook.Secret != "0123456789abcdef-signing" {
					t.Fatalf("secret not read from the file")
				}
			}},
		{name: "webhook plain http to a remote host",
			file: "[webhook]\nurl = \"http://hooks.example.com/aicoo\"\nsecret = \"0123456789abcdef\"\n", wantErr: `webhook.url = "http://hooks.example.com/aicoo": want https`},
		{name: "webhook relative URL",
			file: "[webhook]\nurl = \"/hook\"\nsecret = \"0123456789abcdef\"\n", wantErr: `webhook.url = "/hook": want an absolute https URL`},
		{name: "webhook without secret",
			file: "[webhook]\nurl = \"https://hooks.example.com/aicoo\"\n", wantErr: `webhook.secret: must be at least 16 characters`},
		{name: "webhook short secret",
			env: []string{"AICOO_WEBHOOK_URL=https://x.example.com/", "AICOO_WEBHOOK_SECRET=short"}, wantErr: `webhook.secret: must be at least 16`},
		{name: "webhook secret without URL",
			env: []string{"AICOO_WEBHOOK_SECRET=0123456789abcdef"}, wantErr: `webhook.url: must be set when webhook.secret is set`},
		{name: "discuss channel by name",
			file: "[discuss]\nchannel = \"aicoo-alerts\"\n",
			check: func(t *testing.T, c *Config) {
				if c.Discuss.Channel != "aicoo-alerts" {
					t.Fatalf("discuss = %+v", c.Discuss)
				}
			}},
		{name: "discuss channel by id", env: []string{"AICOO_DISCUSS_CHANNEL=7"},
			check: func(t *testing.T, c *Config) {
				if c.Discuss.Channel != "7" {
					t.Fatalf("discuss = %+v", c.Discuss)
				}
			}},
		{name: "discuss channel padded", file: "[discuss]\nchannel = \" general\"\n", wantErr: `discuss.channel = " general": want a channel name`},
		{name: "misspelled discuss key", file: "[discuss]\nchanel = \"x\"\n", wantErr: `unknown key "discuss.chanel" (did you mean "discuss.channel"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := ""
			if tt.file != "" {
				path = writeFile(t, "aicoo.toml", tt.file)
			}
			cfg, err := Load(path, tt.env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "0123456789abcdef") {
					t.Fatalf("error leaks the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, cfg)
		})
	}
}
