package web

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"testing"
)

func TestChannelsAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	list := decode[struct {
		Data []ChannelStatus `json:"data"`
	}](t, f.do(t, "admin", "GET", "/api/v1/settings/channels", ""))
	if len(list.Data) != 3 || list.Data[2].Name != "sms" || list.Data[2].Configured {
		t.Fatalf("channels: %+v", list.Data)
	}
	tests := []struct {
		name, path, body string
		code             int
		want             []string
	}{
		{"sent", "/api/v1/settings/channels/email/test", `{"recipient": " ops@example.com "}`, 200, []string{`"ok":true`, `"recipient":"ops@example.com"`}},
		{"refused by the channel", "/api/v1/settings/channels/email/test", `{"recipient": "ops"}`, 200, []string{`"ok":false`, `is not an email address`}},
		{"no recipient", "/api/v1/settings/channels/email/test", `{"recipient": ""}`, 400, []string{`"bad_request"`, "an email address"}},
		{"no body", "/api/v1/settings/channels/email/test", ``, 400, []string{`"bad_request"`}},
		{"unknown field", "/api/v1/settings/channels/email/test", `{"to": "x"}`, 400, []string{`"bad_request"`}},
		{"not configured", "/api/v1/settings/channels/sms/test", `{"recipient": "+32470123456"}`, 409, []string{`"conflict"`, "twilio.account_sid"}},
		{"unknown channel", "/api/v1/settings/channels/pigeon/test", `{"recipient": "x"}`, 404, []string{`"not_found"`, "inapp, email, sms"}},
	}
	for _, tt := range tests {
		check(t, tt.name, f.do(t, "admin", "POST", tt.path, tt.body), tt.code, tt.want, nil)
	}
	if got := f.channels.Sent(); !slices.Equal(got, []string{fmt.Sprintf("%d email ops@example.com", f.conn.ID)}) {
		t.Fatalf("sent: %v", got)
	}

	// Without a channel tester both answer 501.
	srv, err := New(Config{Store: f.store, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Config.Handler = srv.Handler()
	check(t, "no list", f.do(t, "admin", "GET", "/api/v1/settings/channels", ""), 501, []string{"not_implemented"}, nil)
	check(t, "no test", f.do(t, "admin", "POST", "/api/v1/settings/channels/email/test", `{"recipient": "a@b.c"}`), 501, []string{"not_implemented"}, nil)
	check(t, "page says so", f.do(t, "admin", "GET", "/settings", ""), 200, []string{"Notification channels are not available in this process"}, []string{"/settings/channels/"})
	check(t, "no page test", f.form(t, "admin", "/settings/channels/email/test", url.Values{"recipient": {"a@b.c"}}), 501, nil, nil)
}

func TestChannelsOnSettingsPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Config{})
	check(t, "list", f.do(t, "admin", "GET", "/settings", ""), 200, []string{
		`action="/settings/channels/email/test"`, `<label for="rcpt-email">Recipient (an email address)</label>`, `id="rcpt-email" name="recipient"`,
		"not configured", "twilio.account_sid", "Manage users",
	}, []string{`action="/settings/channels/sms/test"`})
	tests := []struct {
		name, path, recipient string
		code                  int
		want                  []string
	}{
		{"sent", "/settings/channels/email/test", "ops@example.com", 200, []string{`role="status">Test message sent by email to ops@example.com`}},
		{"refused, in plain words", "/settings/channels/email/test", "<ops>", 200, []string{`role="alert">The test message to &lt;ops&gt; could not be sent by email`, "is not an email address"}},
		{"no recipient", "/settings/channels/email/test", "", 422, []string{"Name a recipient for the test: an email address."}},
		{"not configured", "/settings/channels/sms/test", "+32470123456", 409, []string{"The sms channel is not configured"}},
	}
	for _, tt := range tests {
		check(t, tt.name, f.form(t, "admin", tt.path, url.Values{"recipient": {tt.recipient}}), tt.code, tt.want, nil)
	}
	f.channels.err = errors.New("smtp: 535 authentication failed")
	check(t, "channel error", f.form(t, "admin", "/settings/channels/inapp/test", url.Values{"recipient": {"ceo-user"}}), 200,
		[]string{"could not be sent by inapp: smtp: 535 authentication failed"}, nil)
}
