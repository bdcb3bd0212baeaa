package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/aicoo/aicoo/internal/notify"
	"github.com/aicoo/aicoo/internal/store"
)

// My notifications: each person chooses how alerts reach them. The alert
// engine applies these with the rule's channels (docs/notifications.md,
// "Personal preferences").

// prefChannels are the channel kinds a person may pick: the personal ones
// but in-app, which is always on. Shared targets (Slack, Discuss, a
// webhook) post to a place, not to a person, so no one's preferences apply
// to them.
func (s *Server) prefChannels() []string {
	var out []string
	for _, k := range s.cfg.ChannelKinds.Choices() {
		out = append(out, k.Name)
	}
	return out
}

// testChannels are the channels a person may send themselves a test on:
// every personal kind, by the name the channel settings list it under.
func (s *Server) testChannels() []string {
	var out []string
	for _, k := range s.cfg.ChannelKinds.Kinds() {
		if k.Personal {
			out = append(out, k.RowName())
		}
	}
	return out
}

type prefsPage struct {
	Prefs    store.NotifyPrefs
	Channels []string
	// TestChannels are offered for "send me a test".
	TestChannels []string
	Areas        []string
	Timezone     string
	Test         *channelTestResult
	Error        string
	Notice       string
}

func (s *Server) renderPrefs(w http.ResponseWriter, r *http.Request, code int, p prefsPage) {
	u := userFrom(r.Context())
	p.Channels, p.TestChannels, p.Timezone = s.prefChannels(), s.testChannels(), u.Timezone
	for _, a := range s.areas {
		if s.canSeeArea(u.Role, a) {
			p.Areas = append(p.Areas, a)
		}
	}
	s.render(w, r, "notify_prefs", code, p)
}

func (s *Server) showPrefs(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	prefs, err := s.cfg.Store.NotifyPrefsGet(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.renderPrefs(w, r, http.StatusOK, prefsPage{Prefs: prefs, Notice: map[string]string{"saved": "Your preferences are saved; the next alert follows them."}[r.URL.Query().Get("done")]})
}

// formPrefs reads the preferences form; choices are the channel kinds a
// person may pick.
func formPrefs(r *http.Request, choices []string) (store.NotifyPrefs, error) {
	var p store.NotifyPrefs
	if err := r.ParseForm(); err != nil {
		return p, errors.New("the form could not be read")
	}
	f := r.PostForm
	for _, ch := range f["channels"] {
		if slices.Contains(choices, ch) {
			p.Channels = append(p.Channels, ch)
		}
	}
	if len(p.Channels) == 0 {
		p.Channels = []string{notify.KindInApp} // only in-app
	}
	for _, ch := range choices {
		if v := f.Get("min_" + ch); v != "" && v != store.PriorityLow {
			if p.MinPriority == nil {
				p.MinPriority = map[string]string{}
			}
			p.MinPriority[ch] = v
		}
	}
	if f.Get("quiet") != "" {
		p.QuietStart, p.QuietEnd = strings.TrimSpace(f.Get("quiet_start")), strings.TrimSpace(f.Get("quiet_end"))
		p.CriticalBreaksQuiet = f.Get("critical_breaks") != ""
	}
	p.Digest = f.Get("digest") != ""
	if f.Get("all_areas") == "" {
		p.Areas = f["areas"]
	}
	return p, p.Check()
}

func (s *Server) postPrefs(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	p, err := formPrefs(r, s.prefChannels())
	if err == nil {
		err = s.cfg.Store.NotifyPrefsPut(r.Context(), u.ConnectionID, u.ID, p)
	}
	if err != nil {
		s.renderPrefs(w, r, http.StatusUnprocessableEntity, prefsPage{Prefs: p, Error: "Not saved: " + strings.TrimPrefix(err.Error(), "store: notification preferences: ")})
		return
	}
	http.Redirect(w, r, "/account/notifications?done=saved", http.StatusSeeOther)
}

// postPrefsTest sends the person a test message on one channel, to their
// own address.
func (s *Server) postPrefsTest(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	prefs, err := s.cfg.Store.NotifyPrefsGet(r.Context(), u.ID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	ch := r.PathValue("channel")
	// A person tests their own address, on a personal kind only.
	var recipient string
	kind, ok := s.cfg.ChannelKinds.Lookup(ch)
	if ok && kind.Personal {
		if recipient, err = kind.Address(u.ID, func() (*store.User, error) { return u, nil }); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	page := prefsPage{Prefs: prefs}
	res, err := s.sendChannelTest(r.Context(), u.ConnectionID, ch, recipient)
	if err != nil {
		var in *channelInputError
		if !errors.As(err, &in) {
			s.channelError(w, r, false, err)
			return
		}
		res = &channelTestResult{Channel: ch, Error: in.msg}
		if recipient == "" && kind.AddressLabel != "" {
			res.Error = "You have no " + kind.AddressLabel + " on your account; an administrator sets it on Settings → Users."
		}
	}
	page.Test = res
	s.renderPrefs(w, r, http.StatusOK, page)
}

func (s *Server) apiPrefs(w http.ResponseWriter, r *http.Request) {
	p, err := s.cfg.Store.NotifyPrefsGet(r.Context(), userFrom(r.Context()).ID)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (s *Server) apiPrefsSet(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var p store.NotifyPrefs
	if err := decodeJSONBody(w, r, &p); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be your preferences as JSON: "+err.Error())
		return
	}
	for _, ch := range p.Channels {
		if err := s.cfg.ChannelKinds.Check(ch); err != nil {
			s.apiError(w, r, http.StatusUnprocessableEntity, codeBadRequest, err.Error())
			return
		}
	}
	if err := s.cfg.Store.NotifyPrefsPut(r.Context(), u.ConnectionID, u.ID, p); err != nil {
		s.apiError(w, r, http.StatusUnprocessableEntity, codeBadRequest, strings.TrimPrefix(err.Error(), "store: notification preferences: "))
		return
	}
	writeJSON(w, http.StatusOK, p)
}
