package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/aicoo/aicoo/internal/config"
	"github.com/aicoo/aicoo/internal/store"
)

// TwilioBaseURLDefault is Twilio's REST API.
const TwilioBaseURLDefault = "https://api.twilio.com"

// TwilioConfig configures the SMS channel.
type TwilioConfig struct {
	AccountSID string // "AC..."
	AuthToken  string // secret
	// From is the sending number (E.164) or a Messaging Service SID
	// ("MG...").
	From string
	// BaseURL is Twilio's API root. Defaults to TwilioBaseURLDefault.
	BaseURL string
	// DashboardURL is the dashboard's public URL, for the link in the text.
	DashboardURL string
	HTTPClient   *http.Client
}

// Twilio sends SMS through Twilio's Messages resource.
type Twilio struct {
	cfg    TwilioConfig
	client *http.Client
}

var (
	e164Re       = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	twilioSIDRe  = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	messagingSID = regexp.MustCompile(`^MG[0-9a-fA-F]{32}$`)
)

// NewTwilio validates the configuration and returns the channel.
func NewTwilio(cfg TwilioConfig) (*Twilio, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = TwilioBaseURLDefault
	}
	switch {
	case !twilioSIDRe.MatchString(cfg.AccountSID):
		return nil, fmt.Errorf("notify: twilio: account SID %q must be AC followed by 32 hex digits", cfg.AccountSID)
	case cfg.AuthToken == "":
		return nil, errors.New("notify: twilio: auth token is empty")
	case !e164Re.MatchString(cfg.From) && !messagingSID.MatchString(cfg.From):
		return nil, fmt.Errorf("notify: twilio: from %q must be an E.164 number (+32...) or a Messaging Service SID (MG...)", cfg.From)
	}
	if err := checkURL("API base URL", cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("notify: twilio: %w", err)
	}
	if err := checkURL("dashboard base URL", cfg.DashboardURL); err != nil {
		return nil, fmt.Errorf("notify: twilio: %w", err)
	}
	return &Twilio{cfg: cfg, client: defaultHTTPClient(cfg.HTTPClient)}, nil
}

// Name implements Channel.
func (*Twilio) Name() string { return ChannelSMS }

// Idempotent implements Channel: Twilio's Messages resource takes no
// idempotency key.
func (*Twilio) Idempotent() bool { return false }

// ValidateRecipient implements Channel: an E.164 phone number.
func (*Twilio) ValidateRecipient(recipient string) error {
	if !e164Re.MatchString(recipient) {
		return fmt.Errorf("phone number %q must be in E.164 form, like +32470123456", recipient)
	}
	return nil
}

// SMSBodyMax is the longest text sent; Twilio accepts 1600 characters.
const SMSBodyMax = 1600

// SMSText is the text of the SMS for a notification: priority, subject and
// a link; the body only when it fits.
func SMSText(n *store.Notification, dashboardURL string) string {
	var b strings.Builder
	if n.Priority != "" {
		b.WriteString("[" + strings.ToUpper(n.Priority) + "] ")
	}
	b.WriteString(n.Subject)
	link := absoluteLink(dashboardURL, n.Link)
	if n.Body != "" && b.Len()+len(n.Body)+len(link)+4 <= 320 {
		b.WriteString("\n" + n.Body)
	}
	b.WriteString("\n" + link)
	s := b.String()
	if r := []rune(s); len(r) > SMSBodyMax {
		s = string(r[:SMSBodyMax-3]) + "..."
	}
	return s
}

// twilioError is Twilio's error body.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
}

// Send implements Channel.
func (t *Twilio) Send(ctx context.Context, n *store.Notification) error {
	if err := t.ValidateRecipient(n.Recipient); err != nil {
		return Permanent(fmt.Errorf("sms: %w", err))
	}
	form := url.Values{"To": {n.Recipient}, "Body": {SMSText(n, t.cfg.DashboardURL)}}
	if strings.HasPrefix(t.cfg.From, "MG") {
		form.Set("MessagingServiceSid", t.cfg.From)
	} else {
		form.Set("From", t.cfg.From)
	}
	endpoint := strings.TrimRight(t.cfg.BaseURL, "/") + "/2010-04-01/Accounts/" + t.cfg.AccountSID + "/Messages.json"
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return Permanent(fmt.Errorf("sms: %w", err))
	}
	req.SetBasicAuth(t.cfg.AccountSID, t.cfg.AuthToken)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := post(ctx, t.client, req, "sms")
	if err != nil && resp != nil {
		var te twilioError
		if json.Unmarshal(resp.body, &te) == nil && te.Message != "" {
			msg := fmt.Errorf("sms: twilio error %d: %s (%s)", te.Code, te.Message, te.MoreInfo)
			if IsPermanent(err) {
				return Permanent(msg)
			}
			return msg
		}
	}
	return err
}

// smsKind registers SMS through Twilio: each person at the phone number on
// their account (aicoo user set-phone), when [twilio] is set.
func smsKind() Kind {
	return Kind{Name: ChannelSMS, Label: "SMS", Personal: true,
		Settings:      "twilio.account_sid, twilio.auth_token and twilio.from (AICOO_TWILIO_*)",
		RecipientHint: "a phone number such as +32470123456", AddressLabel: "phone number",
		Address: func(_ int64, user func() (*store.User, error)) (string, error) {
			u, err := user()
			if err != nil {
				return "", err
			}
			return u.Phone, nil
		},
		Build: func(cfg *config.Config, _ Deps) (*Built, error) {
			c := cfg.Twilio
			if c.AccountSID == "" {
				return nil, nil
			}
			sms, err := NewTwilio(TwilioConfig{AccountSID: c.AccountSID, AuthToken: string(c.AuthToken), From: c.From, DashboardURL: cfg.PublicURL()})
			if err != nil {
				return nil, err
			}
			return &Built{Channel: sms, Detail: "Twilio, from " + c.From}, nil
		},
	}
}
