package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ChannelStatus describes one notification channel for the settings page.
type ChannelStatus struct {
	// Name is the channel's name as the outbox knows it ("email", "slack").
	Name string `json:"name"`
	// Configured says whether this process can deliver on the channel.
	Configured bool `json:"configured"`
	// Detail says, for people, what the channel sends through (never a
	// secret) or, when it is not configured, which settings enable it.
	Detail string `json:"detail"`
	// RecipientHint says what a test recipient looks like on the channel
	// ("an email address", "+32470123456").
	RecipientHint string `json:"recipient_hint"`
}

// ChannelTester lists the notification channels and sends a test message
// through one of them at once, bypassing the outbox, so an administrator
// sees whether the configuration works. The notification layer implements
// it; credentials stay there.
type ChannelTester interface {
	Channels(ctx context.Context) []ChannelStatus
	SendTest(ctx context.Context, connectionID int64, channel, recipient string) error
}

// channelTestTimeout bounds one test send.
const channelTestTimeout = 30 * time.Second

// channelTestResult is the outcome of a test send. A failed send is an
// answer, not a server error: Error says why, in the channel's words.
type channelTestResult struct {
	OK        bool   `json:"ok"`
	Channel   string `json:"channel"`
	Recipient string `json:"recipient"`
	Error     string `json:"error,omitempty"`
}

var errNoChannels = errors.New("web: notification channels are not available in this process")

// channelInputError is a test request that cannot be sent: unknown or
// unconfigured channel, missing recipient.
type channelInputError struct {
	status int
	code   string
	msg    string
}

func (e *channelInputError) Error() string { return e.msg }

// sendChannelTest checks the channel and the recipient, then sends.
func (s *Server) sendChannelTest(ctx context.Context, connectionID int64, channel, recipient string) (*channelTestResult, error) {
	if s.cfg.Channels == nil {
		return nil, errNoChannels
	}
	recipient = strings.TrimSpace(recipient)
	var found *ChannelStatus
	var names []string
	for _, c := range s.cfg.Channels.Channels(ctx) {
		names = append(names, c.Name)
		if c.Name == channel {
			found = &c
		}
	}
	switch {
	case found == nil:
		return nil, &channelInputError{http.StatusNotFound, codeNotFound,
			fmt.Sprintf("There is no notification channel %q; the channels are %s.", channel, strings.Join(names, ", "))}
	case !found.Configured:
		return nil, &channelInputError{http.StatusConflict, codeConflict,
			fmt.Sprintf("The %s channel is not configured: %s", channel, found.Detail)}
	case recipient == "":
		return nil, &channelInputError{http.StatusBadRequest, codeBadRequest,
			fmt.Sprintf("Name a recipient for the test: %s.", found.RecipientHint)}
	}
	ctx, cancel := context.WithTimeout(ctx, channelTestTimeout)
	defer cancel()
	res := &channelTestResult{OK: true, Channel: channel, Recipient: recipient}
	if err := s.cfg.Channels.SendTest(ctx, connectionID, channel, recipient); err != nil {
		res.OK, res.Error = false, err.Error()
	}
	s.cfg.Logger.InfoContext(ctx, "web: test notification", "channel", channel, "ok", res.OK, "error", res.Error)
	return res, nil
}

func (s *Server) apiChannels(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Channels == nil {
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Notification channels are not available in this process.")
		return
	}
	list := s.cfg.Channels.Channels(r.Context())
	if list == nil {
		list = []ChannelStatus{}
	}
	writeJSON(w, http.StatusOK, struct {
		Data []ChannelStatus `json:"data"`
	}{list})
}

// channelTestInput is the body of a test send.
type channelTestInput struct {
	Recipient string `json:"recipient"`
}

func (s *Server) apiChannelTest(w http.ResponseWriter, r *http.Request) {
	var in channelTestInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object {\"recipient\": ...}: "+err.Error())
		return
	}
	res, err := s.sendChannelTest(r.Context(), userFrom(r.Context()).ConnectionID, r.PathValue("channel"), in.Recipient)
	if err != nil {
		s.channelError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) channelError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var in *channelInputError
	switch {
	case errors.Is(err, errNoChannels):
		if api {
			s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Notification channels are not available in this process.")
		} else {
			s.renderError(w, r, http.StatusNotImplemented, "Notification channels are not available in this process.")
		}
	case errors.As(err, &in):
		if api {
			s.apiError(w, r, in.status, in.code, in.msg)
		} else {
			s.renderError(w, r, in.status, in.msg)
		}
	default:
		s.fail(w, r, api, err)
	}
}

// postChannelTest sends a test from the settings page and shows the
// outcome there.
func (s *Server) postChannelTest(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "Bad form.")
		return
	}
	u := userFrom(r.Context())
	code := http.StatusOK
	res, err := s.sendChannelTest(r.Context(), u.ConnectionID, r.PathValue("channel"), r.PostForm.Get("recipient"))
	if err != nil {
		var in *channelInputError
		if !errors.As(err, &in) || in.status != http.StatusBadRequest {
			s.channelError(w, r, false, err)
			return
		}
		// A missing recipient is shown next to the form.
		code, res = http.StatusUnprocessableEntity, &channelTestResult{Channel: r.PathValue("channel"), Error: in.msg}
	}
	p, err := s.loadSettings(r.Context(), u)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.ChannelTest = res
	s.render(w, r, "settings", code, p)
}
