package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/store"
)

// Escalation policies: admins write the ladders an unacknowledged alert
// climbs (after N minutes, notify these people or roles on these
// channels), and attach them to rules in the rules editor or to alert
// priorities here. An alert follows its rule's policy first, else the one
// attached to its priority (alerts.tickState.policyFor).

// escalationLevels is how many steps the form offers.
const escalationLevels = 4

// policyView is a policy as the page and the API show it.
type policyView struct {
	ID     int64       `json:"id"`
	Name   string      `json:"name"`
	Repeat int         `json:"repeat"`
	Levels []levelView `json:"levels"`
	// Rules names the rules that escalate with it; Priorities the alert
	// priorities it is attached to (followed by alerts of those
	// priorities whose rule names no policy).
	Rules      []string  `json:"rules"`
	Priorities []string  `json:"priorities"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// levelView is one step: the people and roles notified, the channels, and
// the minutes to wait for an acknowledgement before the next step.
type levelView struct {
	UserIDs  []int64  `json:"user_ids"`
	Users    []string `json:"users"`
	Roles    []string `json:"roles"`
	Channels []string `json:"channels"`
	Minutes  int      `json:"wait_minutes"`
}

type escalationPage struct {
	Policies []policyView
	Users    []*store.User
	Roles    []string
	Channels []string
	// Priorities are the priorities a policy may be attached to.
	Priorities []string
	// Form is the policy being written (ID 0: a new one); Error why it
	// was not saved.
	Form   policyView
	Error  string
	Notice string
}

func (s *Server) policyViews(r *http.Request, connectionID int64) ([]policyView, []*store.User, error) {
	ctx := r.Context()
	pols, err := s.cfg.Store.EscalationPolicyList(ctx, connectionID)
	if err != nil {
		return nil, nil, err
	}
	users, err := s.cfg.Store.UserList(ctx, connectionID)
	if err != nil {
		return nil, nil, err
	}
	rules, err := s.cfg.Store.AlertRuleList(ctx, connectionID, false)
	if err != nil {
		return nil, nil, err
	}
	name := map[int64]string{}
	for _, u := range users {
		name[u.ID] = u.Username
	}
	out := make([]policyView, 0, len(pols))
	for _, p := range pols {
		v := policyView{ID: p.ID, Name: p.Name, Repeat: p.Repeat, UpdatedAt: p.UpdatedAt, Rules: []string{}, Priorities: p.Priorities}
		for _, l := range p.Levels {
			lv := levelView{UserIDs: l.UserIDs, Roles: l.Roles, Channels: l.Channels, Minutes: int(time.Duration(l.Timeout) / time.Minute)}
			for _, id := range l.UserIDs {
				lv.Users = append(lv.Users, name[id])
			}
			v.Levels = append(v.Levels, lv)
		}
		for _, r := range rules {
			if r.EscalationPolicyID == p.ID {
				v.Rules = append(v.Rules, r.Name)
			}
		}
		out = append(out, v)
	}
	return out, users, nil
}

func (s *Server) renderEscalation(w http.ResponseWriter, r *http.Request, code int, form policyView, errMsg string) {
	u := userFrom(r.Context())
	pols, users, err := s.policyViews(r, u.ConnectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for len(form.Levels) < escalationLevels {
		form.Levels = append(form.Levels, levelView{})
	}
	p := escalationPage{Policies: pols, Users: users, Roles: []string{store.RoleAdmin, store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps, store.RoleViewer},
		Channels: s.cfg.ChannelKinds.Names(), Priorities: alerts.Priorities, Form: form, Error: errMsg,
		Notice: map[string]string{"saved": "The policy is saved.", "deleted": "The policy is deleted; its rules and priorities no longer escalate."}[r.URL.Query().Get("done")]}
	s.render(w, r, "escalation", code, p)
}

func (s *Server) showEscalation(w http.ResponseWriter, r *http.Request) {
	form := policyView{}
	if v := r.URL.Query().Get("edit"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			s.badRequest(w, r, false, "edit must be a policy id")
			return
		}
		pols, _, err := s.policyViews(r, userFrom(r.Context()).ConnectionID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		i := slices.IndexFunc(pols, func(p policyView) bool { return p.ID == id })
		if i < 0 {
			s.notFound(w, r, false, fmt.Sprintf("There is no escalation policy %d.", id))
			return
		}
		form = pols[i]
	}
	s.renderEscalation(w, r, http.StatusOK, form, "")
}

// formPolicy reads the form: rows without anyone to notify are left out.
func formPolicy(r *http.Request) (policyView, store.EscalationPolicyParams, error) {
	var v policyView
	if err := r.ParseForm(); err != nil {
		return v, store.EscalationPolicyParams{}, errors.New("the form could not be read")
	}
	f := r.PostForm
	v.Name = strings.TrimSpace(f.Get("name"))
	v.Priorities = f["priorities"]
	p := store.EscalationPolicyParams{Name: v.Name, Priorities: v.Priorities}
	if rep := strings.TrimSpace(f.Get("repeat")); rep != "" {
		n, err := strconv.Atoi(rep)
		if err != nil {
			return v, p, fmt.Errorf("repeat %q is not a whole number", rep)
		}
		v.Repeat, p.Repeat = n, n
	}
	for i := range escalationLevels {
		n := strconv.Itoa(i)
		lv := levelView{Roles: f["roles"+n], Channels: f["channels"+n]}
		for _, id := range f["users"+n] {
			uid, err := strconv.ParseInt(id, 10, 64)
			if err != nil {
				return v, p, fmt.Errorf("step %d: %q is not a user", i+1, id)
			}
			lv.UserIDs = append(lv.UserIDs, uid)
		}
		if m := strings.TrimSpace(f.Get("minutes" + n)); m != "" {
			mins, err := strconv.Atoi(m)
			if err != nil || mins < 1 || mins > 7*24*60 {
				return v, p, fmt.Errorf("step %d: wait %q must be 1 to 10,080 minutes", i+1, m)
			}
			lv.Minutes = mins
		}
		v.Levels = append(v.Levels, lv)
		if len(lv.UserIDs) == 0 && len(lv.Roles) == 0 {
			continue
		}
		if lv.Minutes == 0 {
			return v, p, fmt.Errorf("step %d: say how many minutes to wait for an acknowledgement", i+1)
		}
		p.Levels = append(p.Levels, store.EscalationLevel{UserIDs: lv.UserIDs, Roles: lv.Roles, Channels: lv.Channels,
			Timeout: store.JSONDuration(time.Duration(lv.Minutes) * time.Minute)})
	}
	return v, p, nil
}

// postEscalation creates a policy, or with an id in the path changes it.
func (s *Server) postEscalation(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	if s.cfg.Rules == nil {
		s.renderError(w, r, http.StatusNotImplemented, "Changing escalation policies is not available in this process.")
		return
	}
	v, p, err := formPolicy(r)
	p.ConnectionID = u.ConnectionID
	if id := r.PathValue("id"); id != "" {
		if v.ID, err = pathID(r, "id"); err != nil {
			s.badRequest(w, r, false, err.Error())
			return
		}
	}
	if err == nil {
		if v.ID == 0 {
			_, err = s.cfg.Rules.EscalationPolicyCreate(r.Context(), p, ruleActor(u))
		} else {
			_, err = s.cfg.Rules.EscalationPolicyUpdate(r.Context(), v.ID, p, ruleActor(u))
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r, false, "There is no such escalation policy.")
	case err != nil:
		s.renderEscalation(w, r, http.StatusUnprocessableEntity, v, "Not saved: "+ruleMessage(err))
	default:
		http.Redirect(w, r, "/settings/escalation?done=saved", http.StatusSeeOther)
	}
}

func (s *Server) postEscalationDelete(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, false, err.Error())
		return
	}
	if s.cfg.Rules == nil {
		s.renderError(w, r, http.StatusNotImplemented, "Changing escalation policies is not available in this process.")
		return
	}
	if err := s.cfg.Rules.EscalationPolicyDelete(r.Context(), u.ConnectionID, id, ruleActor(u)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r, false, "There is no such escalation policy.")
			return
		}
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/escalation?done=deleted", http.StatusSeeOther)
}

// The API.

type policyInput struct {
	Name   string `json:"name"`
	Repeat int    `json:"repeat"`
	// Priorities attach the policy to alert priorities; a save replaces
	// them like the levels (absent: attached to none).
	Priorities []string `json:"priorities"`
	Levels     []struct {
		UserIDs  []int64  `json:"user_ids"`
		Roles    []string `json:"roles"`
		Channels []string `json:"channels"`
		Minutes  int      `json:"wait_minutes"`
	} `json:"levels"`
}

type policyList struct {
	Data []policyView `json:"data"`
}

func (s *Server) apiEscalationList(w http.ResponseWriter, r *http.Request) {
	pols, _, err := s.policyViews(r, userFrom(r.Context()).ConnectionID)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, policyList{Data: pols})
}

func (s *Server) apiEscalationSave(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	if s.cfg.Rules == nil {
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Changing escalation policies is not available in this process.")
		return
	}
	var in policyInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a policy as JSON (name, repeat, priorities, levels: [{user_ids, roles, channels, wait_minutes}]): "+err.Error())
		return
	}
	p := store.EscalationPolicyParams{ConnectionID: u.ConnectionID, Name: strings.TrimSpace(in.Name), Repeat: in.Repeat, Priorities: in.Priorities}
	for _, l := range in.Levels {
		p.Levels = append(p.Levels, store.EscalationLevel{UserIDs: l.UserIDs, Roles: l.Roles, Channels: l.Channels,
			Timeout: store.JSONDuration(time.Duration(l.Minutes) * time.Minute)})
	}
	var (
		saved *store.EscalationPolicy
		err   error
	)
	code := http.StatusCreated
	if r.PathValue("id") != "" {
		id, perr := pathID(r, "id")
		if perr != nil {
			s.apiError(w, r, http.StatusBadRequest, codeBadRequest, perr.Error())
			return
		}
		code = http.StatusOK
		saved, err = s.cfg.Rules.EscalationPolicyUpdate(r.Context(), id, p, ruleActor(u))
	} else {
		saved, err = s.cfg.Rules.EscalationPolicyCreate(r.Context(), p, ruleActor(u))
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.apiError(w, r, http.StatusNotFound, codeNotFound, "There is no such escalation policy.")
		return
	case err != nil:
		s.apiError(w, r, http.StatusUnprocessableEntity, codeBadRequest, ruleMessage(err))
		return
	}
	pols, _, err := s.policyViews(r, u.ConnectionID)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	for _, v := range pols {
		if v.ID == saved.ID {
			writeJSON(w, code, v)
			return
		}
	}
	s.apiServerError(w, r, fmt.Errorf("escalation policy %d vanished after saving", saved.ID))
}

func (s *Server) apiEscalationDelete(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	if s.cfg.Rules == nil {
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, "Changing escalation policies is not available in this process.")
		return
	}
	if err := s.cfg.Rules.EscalationPolicyDelete(r.Context(), u.ConnectionID, id, ruleActor(u)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.apiError(w, r, http.StatusNotFound, codeNotFound, "There is no such escalation policy.")
			return
		}
		s.apiServerError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// hasID is for the form's checkboxes of people.
func hasID(list []int64, id int64) bool { return slices.Contains(list, id) }
