package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/store"
)

// ActionService decides on autonomous actions, rolls them back and keeps
// their policies. *actions.Service implements it; it checks the actor's
// role itself (Kinds.MayApprove; only admins change a policy) and audits
// every change.
type ActionService interface {
	Approve(ctx context.Context, connectionID, actionID int64, actor actions.Actor) (*store.Action, error)
	Reject(ctx context.Context, connectionID, actionID int64, actor actions.Actor, reason string) (*store.Action, error)
	ApproveSimilar(ctx context.Context, connectionID int64, groupKey string, ids []int64, actor actions.Actor) (*actions.BulkResult, error)
	Rollback(ctx context.Context, connectionID, actionID int64, actor actions.Actor) (*store.Action, error)
	Policies(ctx context.Context, connectionID int64) ([]actions.Policy, error)
	SetPolicy(ctx context.Context, connectionID int64, actor actions.Actor, p actions.Policy) error
}

var errNoActions = errors.New("web: autonomous actions are not available in this process")

// actorOf is the signed-in person as the actions package sees them.
func actorOf(u *store.User) actions.Actor {
	return actions.Actor{UserID: u.ID, Username: u.Username, Role: u.Role}
}

// canSeeAction reports whether role may see actions of type t: roles that
// see every area see all of them, the others those they may decide on.
func (v *vocab) canSeeAction(role, t string) bool {
	if !v.can(role, permView) {
		return false
	}
	return v.grants.SeesEveryArea(role) || v.acts.MayApprove(actions.Type(t), role)
}

// actionJSON is an action as the API and the page show it.
type actionJSON struct {
	ID          int64   `json:"id"`
	Type        string  `json:"type"`
	TypeLabel   string  `json:"type_label"`
	Subject     string  `json:"subject"`
	GroupKey    string  `json:"group_key"`
	Description string  `json:"description"`
	Reasoning   string  `json:"reasoning"`
	Amount      float64 `json:"amount,omitempty"`
	// Parameters are what the action writes or sends in Odoo.
	Parameters   json.RawMessage    `json:"parameters,omitempty"`
	Facts        map[string]float64 `json:"facts,omitempty"`
	Refs         []analysis.Ref     `json:"refs"`
	PolicyMode   string             `json:"policy_mode"`
	PolicyReason string             `json:"policy_reason,omitempty"`
	Status       string             `json:"status"`
	StatusReason string             `json:"status_reason,omitempty"`
	ApprovedBy   int64              `json:"approved_by,omitempty"`
	ApprovedAt   *time.Time         `json:"approved_at,omitempty"`
	ExpiresAt    *time.Time         `json:"expires_at,omitempty"`
	ExecutedAt   *time.Time         `json:"executed_at,omitempty"`
	RecordModel  string             `json:"record_model,omitempty"`
	RecordID     int64              `json:"record_id,omitempty"`
	LastError    string             `json:"last_error,omitempty"`
	CreatedAt    time.Time          `json:"created_at"`
	// CanDecide says whether the requesting user may approve, reject or
	// roll back this action.
	CanDecide bool `json:"can_decide"`
}

func (voc *vocab) newActionJSON(a *store.Action, role string) actionJSON {
	v := actionJSON{ID: a.ID, Type: a.ActionType, Subject: a.Subject, GroupKey: a.GroupKey, Description: a.Description,
		Reasoning: a.Reasoning, Amount: a.Amount, Parameters: a.Parameters, Refs: []analysis.Ref{}, PolicyMode: a.PolicyMode, PolicyReason: a.PolicyReason,
		Status: a.Status, StatusReason: a.StatusReason, ApprovedBy: a.ApprovedBy, ApprovedAt: timePtr(a.ApprovedAt),
		ExpiresAt: timePtr(a.ExpiresAt), ExecutedAt: timePtr(a.ExecutedAt), RecordModel: a.RecordModel, RecordID: a.RecordID,
		LastError: a.LastError, CreatedAt: a.CreatedAt, CanDecide: voc.can(role, permActionDecide) && voc.acts.MayApprove(actions.Type(a.ActionType), role)}
	if info, err := voc.acts.Info(actions.Type(a.ActionType)); err == nil {
		v.TypeLabel = info.Label
	}
	var ev struct {
		Facts map[string]float64 `json:"facts"`
		Refs  []analysis.Ref     `json:"refs"`
	}
	if json.Unmarshal(a.Evidence, &ev) == nil {
		v.Facts, v.Refs = ev.Facts, append(v.Refs, ev.Refs...)
	}
	for i := range v.Refs {
		v.Refs[i].URL = safeURL(v.Refs[i].URL)
	}
	return v
}

// actionStatusFilters are the statuses each list filter keeps.
var actionStatusFilters = map[string][]string{
	"pending":     {store.ActionPending},
	"approved":    {store.ActionApproved, store.ActionExecuting},
	"executed":    {store.ActionExecuted},
	"rolled_back": {store.ActionRolledBack},
	"closed":      {store.ActionRejected, store.ActionBlocked, store.ActionExpired, store.ActionFailed, store.ActionCancelled},
	"all":         nil,
}

func parseActionStatus(r *http.Request) (string, error) {
	st := r.URL.Query().Get("status")
	if st == "" {
		return "pending", nil
	}
	if _, ok := actionStatusFilters[st]; !ok {
		return "", fmt.Errorf("status must be pending, approved, executed, rolled_back, closed or all, not %q", st)
	}
	return st, nil
}

// listActions returns the actions with the filter's statuses that the
// user may see, newest first.
func (s *Server) listActions(ctx context.Context, u *store.User, status string) ([]actionJSON, error) {
	list, err := s.cfg.Store.ActionList(ctx, store.ActionListParams{ConnectionID: u.ConnectionID, Statuses: actionStatusFilters[status]})
	if err != nil {
		return nil, err
	}
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		return nil, err
	}
	out := []actionJSON{}
	for _, a := range list {
		if s.canSeeAction(u.Role, a.ActionType) {
			v := s.newActionJSON(a, u.Role)
			relink(v.Refs, conn.OdooURL)
			out = append(out, v)
		}
	}
	return out, nil
}

// visibleAction loads the action named in the path and checks the user may
// see it (and, with decide, decide on it), answering the error itself.
func (s *Server) visibleAction(w http.ResponseWriter, r *http.Request, api, decide bool) (*store.Action, bool) {
	u := userFrom(r.Context())
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, api, err.Error())
		return nil, false
	}
	a, err := s.cfg.Store.ActionByID(r.Context(), u.ConnectionID, id)
	if errors.Is(err, store.ErrNotFound) {
		s.notFound(w, r, api, fmt.Sprintf("There is no action %d.", id))
		return nil, false
	}
	if err != nil {
		s.fail(w, r, api, err)
		return nil, false
	}
	if !s.canSeeAction(u.Role, a.ActionType) || (decide && !s.acts.MayApprove(actions.Type(a.ActionType), u.Role)) {
		s.forbidden(w, r, api, fmt.Sprintf("Your role (%s) may not decide on %s actions.", u.Role, a.ActionType))
		return nil, false
	}
	return a, true
}

// actionError answers an error of the action service in the caller's
// format.
func (s *Server) actionError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	code, apiCode := 0, ""
	switch {
	case errors.Is(err, errNoActions):
		code, apiCode = http.StatusNotImplemented, codeNotImplemented
		err = errors.New("Autonomous actions are not available in this process.")
	case errors.Is(err, actions.ErrForbidden):
		code, apiCode = http.StatusForbidden, codeForbidden
	case errors.Is(err, actions.ErrPolicy):
		code, apiCode = http.StatusBadRequest, codeBadRequest
	case errors.Is(err, store.ErrNotFound):
		code, apiCode = http.StatusNotFound, codeNotFound
	case errors.Is(err, actions.ErrNotPending), errors.Is(err, actions.ErrStale), errors.Is(err, actions.ErrBlocked),
		errors.Is(err, actions.ErrRollbackRefused), errors.Is(err, store.ErrActionStatus):
		code, apiCode = http.StatusConflict, codeConflict
	default:
		s.fail(w, r, api, err)
		return
	}
	msg := strings.TrimPrefix(err.Error(), "actions: ")
	if api {
		s.apiError(w, r, code, apiCode, msg)
		return
	}
	s.renderError(w, r, code, msg)
}

// decideInput is the body of the decision endpoints.
type decideInput struct {
	Reason string  `json:"reason"`
	Group  string  `json:"group"`
	IDs    []int64 `json:"ids"`
}

// decodeJSONBody decodes a request's JSON object into v, refusing unknown
// fields and anything after the object. An empty body leaves v as it is.
func decodeJSONBody(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("unexpected data after the JSON object")
	}
	return nil
}

// decide runs one decision on an action.
func (s *Server) decide(ctx context.Context, u *store.User, a *store.Action, op string, in decideInput) (*store.Action, error) {
	if s.cfg.Actions == nil {
		return nil, errNoActions
	}
	// A decided action leaves the overview's attention list at once.
	defer s.overview.invalidate(u.ConnectionID)
	switch op {
	case "approve":
		return s.cfg.Actions.Approve(ctx, u.ConnectionID, a.ID, actorOf(u))
	case "reject":
		if strings.TrimSpace(in.Reason) == "" {
			return nil, fmt.Errorf("%w: a rejection needs a reason", actions.ErrPolicy)
		}
		return s.cfg.Actions.Reject(ctx, u.ConnectionID, a.ID, actorOf(u), strings.TrimSpace(in.Reason))
	case "rollback":
		return s.cfg.Actions.Rollback(ctx, u.ConnectionID, a.ID, actorOf(u))
	}
	return nil, fmt.Errorf("web: unknown action decision %q", op)
}

func (s *Server) apiActionList(w http.ResponseWriter, r *http.Request) {
	st, err := parseActionStatus(r)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	pg, err := parsePage(r)
	if err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, err.Error())
		return
	}
	list, err := s.listActions(r.Context(), userFrom(r.Context()), st)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[actionJSON]{Data: paginate(list, &pg), Pagination: pg})
}

func (s *Server) apiActionGet(w http.ResponseWriter, r *http.Request) {
	if a, ok := s.visibleAction(w, r, true, false); ok {
		conn, err := s.cfg.Store.ConnectionByID(r.Context(), a.ConnectionID)
		if err != nil {
			s.apiServerError(w, r, err)
			return
		}
		v := s.newActionJSON(a, userFrom(r.Context()).Role)
		relink(v.Refs, conn.OdooURL)
		writeJSON(w, http.StatusOK, v)
	}
}

func (s *Server) apiActionDecide(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.visibleAction(w, r, true, true)
		if !ok {
			return
		}
		var in decideInput
		if err := decodeJSONBody(w, r, &in); err != nil {
			s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object (reject: {\"reason\": ...}): "+err.Error())
			return
		}
		u := userFrom(r.Context())
		got, err := s.decide(r.Context(), u, a, op, in)
		if err != nil {
			s.actionError(w, r, true, err)
			return
		}
		writeJSON(w, http.StatusOK, s.newActionJSON(got, u.Role))
	}
}

// bulkJSON is what a bulk approval did.
type bulkJSON struct {
	Approved []int64          `json:"approved"`
	Expired  []int64          `json:"expired"`
	Skipped  map[int64]string `json:"skipped"`
}

func (s *Server) approveSimilar(ctx context.Context, u *store.User, in decideInput) (*bulkJSON, error) {
	if s.cfg.Actions == nil {
		return nil, errNoActions
	}
	if in.Group == "" {
		return nil, fmt.Errorf("%w: name the group of similar actions (group)", actions.ErrPolicy)
	}
	res, err := s.cfg.Actions.ApproveSimilar(ctx, u.ConnectionID, in.Group, in.IDs, actorOf(u))
	s.overview.invalidate(u.ConnectionID)
	if err != nil {
		return nil, err
	}
	out := &bulkJSON{Approved: append([]int64{}, res.Approved...), Expired: append([]int64{}, res.Expired...), Skipped: map[int64]string{}}
	for id, why := range res.Skipped {
		out.Skipped[id] = why
	}
	return out, nil
}

func (s *Server) apiApproveSimilar(w http.ResponseWriter, r *http.Request) {
	var in decideInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object {\"group\": ..., \"ids\": [...]}: "+err.Error())
		return
	}
	res, err := s.approveSimilar(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.actionError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// policyJSON is an action type's policy with its description.
type policyJSON struct {
	actions.Policy
	Label   string `json:"label"`
	Ceiling string `json:"ceiling"`
	// Default is true while no admin has set the policy.
	Default bool `json:"default"`
}

func (s *Server) policies(ctx context.Context, connectionID int64) ([]policyJSON, error) {
	if s.cfg.Actions == nil {
		return nil, errNoActions
	}
	ps, err := s.cfg.Actions.Policies(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	out := make([]policyJSON, 0, len(ps))
	for _, p := range ps {
		v := policyJSON{Policy: p, Default: !p.Stored}
		if info, err := s.acts.Info(p.Type); err == nil {
			v.Label, v.Ceiling = info.Label, string(info.Ceiling)
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) apiPolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := s.policies(r.Context(), userFrom(r.Context()).ConnectionID)
	if err != nil {
		s.actionError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Data []policyJSON `json:"data"`
	}{Data: ps})
}

func (s *Server) setPolicy(ctx context.Context, u *store.User, p actions.Policy) error {
	if s.cfg.Actions == nil {
		return errNoActions
	}
	return s.cfg.Actions.SetPolicy(ctx, u.ConnectionID, actorOf(u), p)
}

func (s *Server) apiSetPolicy(w http.ResponseWriter, r *http.Request) {
	var p actions.Policy
	if err := decodeJSONBody(w, r, &p); err != nil || p.Type == "" {
		msg := "The body must be a policy object with type, mode, max_amount, max_per_day, max_per_customer_week, quiet_start, quiet_end and timezone"
		if err != nil {
			msg += ": " + err.Error()
		}
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, msg+".")
		return
	}
	if err := s.setPolicy(r.Context(), userFrom(r.Context()), p); err != nil {
		s.actionError(w, r, true, err)
		return
	}
	s.apiPolicies(w, r)
}

// actionGroup is a group of similar pending actions, in words.
type actionGroup struct {
	Key, Label string
	N          int
}

// actionRow is an action as the page shows it: its record and amount in
// words.
type actionRow struct {
	actionJSON
	Record string // "Journal Entry INV/2025/00042"
	Money  string // company currency, the document's in brackets when it differs
	Lines  []factLine
	// Preview is what the action writes or sends, in words, shown before
	// approving and kept after execution.
	Preview string
	// Created links to the record the action created or changed in Odoo.
	Created, CreatedLabel string
}

// actionPreview says what an action will write or send, from its
// parameters.
func actionPreview(raw json.RawMessage) string {
	var p actions.Params
	if len(raw) == 0 || json.Unmarshal(raw, &p) != nil {
		return ""
	}
	var parts []string
	if p.Summary != "" {
		parts = append(parts, p.Summary)
	}
	if p.Quantity != 0 {
		line := "Quantity " + thousands(p.Quantity)
		if p.PriceUnit != 0 {
			line += " at " + thousands(p.PriceUnit) + " each"
		}
		parts = append(parts, line)
	}
	if p.Deadline != "" {
		parts = append(parts, "Due "+p.Deadline)
	}
	if p.Body != "" {
		parts = append(parts, p.Body)
	}
	return strings.Join(parts, "\n\n")
}

// actionsPage is the approval center.
type actionsPage struct {
	Status   string
	Statuses []string
	Actions  []actionRow
	// Groups are the groups of listed pending actions the user may decide
	// on (bulk approval is offered above one).
	Groups        []actionGroup
	Pager         pager
	Policies      []policyJSON
	PolicyError   string
	CanEditPolicy bool
	Available     bool
	Notice        string
}

func (s *Server) showActions(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	st, err := parseActionStatus(r)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	list, err := s.listActions(r.Context(), u, st)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	pg, err := parsePage(r)
	if err != nil {
		s.renderError(w, r, http.StatusBadRequest, err.Error())
		return
	}
	pg.PerPage = pagePerPage
	p := actionsPage{Status: st, Statuses: []string{"pending", "approved", "executed", "rolled_back", "closed", "all"},
		Available: s.cfg.Actions != nil, CanEditPolicy: s.can(u.Role, permAdmin) && s.cfg.Actions != nil,
		Notice: actionNotice(r.URL.Query())}
	groups := map[string]int{}
	for _, a := range list {
		if a.Status == store.ActionPending && a.CanDecide && a.GroupKey != "" {
			groups[a.GroupKey]++
		}
	}
	for k, n := range groups {
		p.Groups = append(p.Groups, actionGroup{Key: k, Label: s.groupLabel(k), N: n})
	}
	slices.SortFunc(p.Groups, func(a, b actionGroup) int { return strings.Compare(a.Label, b.Label) })
	rows, err := s.actionRows(r.Context(), u, paginate(list, &pg))
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Actions, p.Pager = rows, newPager(r, pg, len(list))
	if p.Policies, err = s.policies(r.Context(), u.ConnectionID); errors.Is(err, errNoActions) {
		p.PolicyError = "Policies are not available in this process."
	} else if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, "actions", http.StatusOK, p)
}

func (s *Server) postActionDecide(op string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, ok := s.visibleAction(w, r, false, true)
		if !ok {
			return
		}
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, http.StatusBadRequest, "Bad form.")
			return
		}
		if _, err := s.decide(r.Context(), userFrom(r.Context()), a, op, decideInput{Reason: r.PostForm.Get("reason")}); err != nil {
			s.actionError(w, r, false, err)
			return
		}
		done := map[string]string{"approve": "approved", "reject": "rejected", "rollback": "rolled_back"}[op]
		http.Redirect(w, r, fmt.Sprintf("/actions?done=%s", done), http.StatusSeeOther)
	}
}

func (s *Server) postApproveSimilar(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "Bad form.")
		return
	}
	res, err := s.approveSimilar(r.Context(), userFrom(r.Context()), decideInput{Group: r.PostForm.Get("group")})
	if err != nil {
		s.actionError(w, r, false, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/actions?done=bulk&approved=%d&expired=%d&skipped=%d", len(res.Approved), len(res.Expired), len(res.Skipped)), http.StatusSeeOther)
}

func (s *Server) postPolicy(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "Bad form.")
		return
	}
	f := r.PostForm
	p := actions.Policy{Type: actions.Type(f.Get("type")), Mode: actions.Mode(f.Get("mode")), QuietStart: f.Get("quiet_start"),
		QuietEnd: f.Get("quiet_end"), Timezone: f.Get("timezone")}
	var errs []string
	num := func(name string, dst *int) {
		if v := strings.TrimSpace(f.Get(name)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s must be a whole number, not %q", name, v))
			}
			*dst = n
		}
	}
	num("max_per_day", &p.MaxPerDay)
	num("max_per_customer_week", &p.MaxPerCustomerWeek)
	if v := strings.TrimSpace(f.Get("max_amount")); v != "" {
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("max_amount must be a number, not %q", v))
		}
		p.MaxAmount = n
	}
	if len(errs) > 0 {
		s.renderError(w, r, http.StatusBadRequest, strings.Join(errs, "; ")+".")
		return
	}
	if !slices.ContainsFunc(s.acts.Types(), func(t actions.TypeInfo) bool { return t.Type == p.Type }) {
		s.renderError(w, r, http.StatusBadRequest, fmt.Sprintf("Unknown action type %q.", p.Type))
		return
	}
	if err := s.setPolicy(r.Context(), userFrom(r.Context()), p); err != nil {
		s.actionError(w, r, false, err)
		return
	}
	http.Redirect(w, r, "/actions?done=policy", http.StatusSeeOther)
}

// actionNotice is the sentence shown after a decision redirected back to
// the list.
func actionNotice(q url.Values) string {
	switch q.Get("done") {
	case "approved":
		return "The action is approved; it runs in a moment."
	case "rejected":
		return "The action is rejected."
	case "rolled_back":
		return "The action is rolled back in Odoo."
	case "policy":
		return "The policy is saved."
	case "bulk":
		n := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return v }
		return fmt.Sprintf("Approved %d similar actions; %d expired because their facts no longer hold; %d skipped.", n("approved"), n("expired"), n("skipped"))
	}
	return ""
}

// actionRows describes actions for the page: the record by its name in the
// synced data, the amount in company currency with the document's in
// brackets when it differs, links into the Odoo at the connection's current
// address.
func (s *Server) actionRows(ctx context.Context, u *store.User, list []actionJSON) ([]actionRow, error) {
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		return nil, err
	}
	jobs, err := s.visibleJobs(ctx, u)
	if err != nil {
		return nil, err
	}
	cur := s.companyCurrencies(ctx, jobs)
	out := make([]actionRow, 0, len(list))
	for _, a := range list {
		relink(a.Refs, conn.OdooURL)
		row := actionRow{actionJSON: a}
		model, idText, _ := strings.Cut(a.Subject, ":")
		row.Record = modelLabel(model)
		if idText != "" {
			row.Record += " #" + idText
		}
		name, docCur := s.recordOf(ctx, u.ConnectionID, a.Subject)
		if name != "" {
			row.Record = modelLabel(model) + " " + name
		}
		company := cur[0]
		switch {
		case a.Facts["amount_residual_signed"] != 0:
			row.Money = numfmt.Money(a.Facts["amount_residual_signed"], company)
			if docCur != "" && docCur != company {
				row.Money += " (" + numfmt.Money(a.Facts["amount_residual"], docCur) + ")"
			}
		case a.Amount != 0 && (docCur == "" || docCur == company):
			row.Money = numfmt.Money(a.Amount, company)
		case a.Amount != 0:
			row.Money = numfmt.Money(a.Amount, docCur)
		}
		row.Lines = factLines(a.Facts, company, docCur)
		row.Preview = actionPreview(a.Parameters)
		if a.RecordModel != "" && a.RecordID != 0 {
			row.Created = odooLink(conn.OdooURL, a.RecordModel, a.RecordID)
			row.CreatedLabel = modelLabel(a.RecordModel) + " #" + strconv.FormatInt(a.RecordID, 10)
		}
		out = append(out, row)
	}
	return out, nil
}

// nameOf reads a name field: a string, or false when empty.
func nameOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

// m2oName reads the name of a many2one value [id, "name"].
func m2oName(v any) string {
	if p, ok := v.([]any); ok && len(p) == 2 {
		return nameOf(p[1])
	}
	return ""
}
