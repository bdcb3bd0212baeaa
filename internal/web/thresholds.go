package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/settings"
	"github.com/aicoo/aicoo/internal/store"
)

// areaOwners are the roles, besides admins, that may change the thresholds
// of an area: the people who answer for its findings.
var areaOwners = map[string][]string{
	"finance":    {store.RoleCFO},
	"expenses":   {store.RoleCFO, store.RoleOps},
	"sales":      {store.RoleSales},
	"customers":  {store.RoleSales},
	"operations": {store.RoleOps},
}

// canTune reports whether role may change the thresholds of area.
func (voc *vocab) canTune(role, area string) bool {
	if !voc.can(role, permThresholds) {
		return false
	}
	if role == store.RoleAdmin {
		return true
	}
	for _, r := range areaOwners[area] {
		if r == role {
			return true
		}
	}
	return false
}

// thresholdSvc is the thresholds service (settings.Service over the store).
func (s *Server) thresholdSvc() *settings.Service {
	if s.cfg.Thresholds != nil {
		return s.cfg.Thresholds
	}
	return &settings.Service{Store: s.cfg.Store, Now: s.cfg.NowFunc}
}

type thresholdJSON struct {
	settings.Value
	CanChange bool `json:"can_change"`
}

// visibleThresholds lists the thresholds of the areas u may see.
func (s *Server) visibleThresholds(r *http.Request) ([]thresholdJSON, error) {
	u := userFrom(r.Context())
	vals, err := s.thresholdSvc().List(r.Context(), u.ConnectionID)
	if err != nil {
		return nil, err
	}
	out := []thresholdJSON{}
	for _, v := range vals {
		if s.canSeeArea(u.Role, v.Area) {
			out = append(out, thresholdJSON{Value: v, CanChange: s.canTune(u.Role, v.Area)})
		}
	}
	return out, nil
}

// tunableKey checks the key in the path: known, and of an area u may change.
func (s *Server) tunableKey(w http.ResponseWriter, r *http.Request, api bool) (analysis.ThresholdSpec, string, bool) {
	key := r.PathValue("key")
	t, ok := settings.Lookup(key)
	if !ok {
		s.notFound(w, r, api, "There is no threshold "+strconv.Quote(key)+".")
		return t, "", false
	}
	u := userFrom(r.Context())
	if !s.canTune(u.Role, t.Area()) {
		s.forbidden(w, r, api, "Your role ("+u.Role+") may not change "+t.Area()+" thresholds; an administrator or the area's owner can.")
		return t, "", false
	}
	return t, key, true
}

// thresholdError answers a refused or failed change.
func (s *Server) thresholdError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var inv *settings.InvalidError
	switch {
	case errors.As(err, &inv):
		s.badRequest(w, r, api, inv.Msg)
	case errors.Is(err, settings.ErrNoJob):
		msg := "This connection has no analysis job for the area, so the threshold would not be used; start aicoo serve or aicoo worker once to create it."
		if api {
			s.apiError(w, r, http.StatusConflict, codeConflict, msg)
		} else {
			s.renderError(w, r, http.StatusConflict, msg)
		}
	case errors.Is(err, settings.ErrPreview):
		msg := "No preview: " + err.Error()
		if api {
			s.apiError(w, r, http.StatusConflict, codeConflict, msg)
		} else {
			s.renderError(w, r, http.StatusConflict, msg)
		}
	default:
		s.fail(w, r, api, err)
	}
}

type thresholdInput struct {
	Value *float64 `json:"value"`
}

func (s *Server) apiThresholds(w http.ResponseWriter, r *http.Request) {
	out, err := s.visibleThresholds(r)
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, listResponse[thresholdJSON]{Data: out, Pagination: page{Page: 1, PerPage: max(len(out), 1)}})
}

// apiThresholdValue reads {"value": n} from the body.
func (s *Server) apiThresholdValue(w http.ResponseWriter, r *http.Request) (float64, bool) {
	var in thresholdInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "Want {\"value\": number}: "+err.Error())
		return 0, false
	}
	if in.Value == nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "Want {\"value\": number}.")
		return 0, false
	}
	return *in.Value, true
}

func (s *Server) apiThresholdSet(w http.ResponseWriter, r *http.Request) {
	_, key, ok := s.tunableKey(w, r, true)
	if !ok {
		return
	}
	v, ok := s.apiThresholdValue(w, r)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	got, err := s.thresholdSvc().Set(r.Context(), u.ConnectionID, "user:"+u.Username, key, v)
	if err != nil {
		s.thresholdError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, thresholdJSON{Value: got, CanChange: true})
}

func (s *Server) apiThresholdReset(w http.ResponseWriter, r *http.Request) {
	_, key, ok := s.tunableKey(w, r, true)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	got, err := s.thresholdSvc().Reset(r.Context(), u.ConnectionID, "user:"+u.Username, key)
	if err != nil {
		s.thresholdError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, thresholdJSON{Value: got, CanChange: true})
}

type previewJSON struct {
	*settings.Preview
	Sentence string `json:"sentence"`
}

func (s *Server) apiThresholdPreview(w http.ResponseWriter, r *http.Request) {
	_, key, ok := s.tunableKey(w, r, true)
	if !ok {
		return
	}
	v, ok := s.apiThresholdValue(w, r)
	if !ok {
		return
	}
	p, err := s.thresholdSvc().Preview(r.Context(), userFrom(r.Context()).ConnectionID, key, v)
	if err != nil {
		s.thresholdError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, previewJSON{Preview: p, Sentence: p.Sentence()})
}

// thresholdsPage is Settings → Thresholds.
type thresholdsPage struct {
	Areas []thresholdArea
	// Key and Proposed are the value the form last sent; Preview what it
	// would change; Error why it was refused; Saved the key just saved.
	Key, Proposed string
	Preview       *settings.Preview
	Error         string
	Saved, Reset  bool
}

type thresholdArea struct {
	Name       string
	Thresholds []thresholdJSON
}

func (s *Server) renderThresholds(w http.ResponseWriter, r *http.Request, code int, p thresholdsPage) {
	vals, err := s.visibleThresholds(r)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, v := range vals {
		if n := len(p.Areas); n == 0 || p.Areas[n-1].Name != v.Area {
			p.Areas = append(p.Areas, thresholdArea{Name: v.Area})
		}
		a := &p.Areas[len(p.Areas)-1]
		a.Thresholds = append(a.Thresholds, v)
	}
	s.render(w, r, "thresholds", code, p)
}

func (s *Server) showThresholds(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := thresholdsPage{Key: q.Get("saved"), Saved: q.Has("saved")}
	if k := q.Get("reset"); k != "" {
		p.Key, p.Reset = k, true
	}
	s.renderThresholds(w, r, http.StatusOK, p)
}

// postThreshold previews (action=preview), saves (action=save) or resets
// (action=reset) one threshold from the page's form.
func (s *Server) postThreshold(w http.ResponseWriter, r *http.Request) {
	_, key, ok := s.tunableKey(w, r, false)
	if !ok {
		return
	}
	u := userFrom(r.Context())
	action := r.PostFormValue("action")
	raw := strings.TrimSpace(r.PostFormValue("value"))
	p := thresholdsPage{Key: key, Proposed: raw}
	if action == "reset" {
		if _, err := s.thresholdSvc().Reset(r.Context(), u.ConnectionID, "user:"+u.Username, key); err != nil {
			s.thresholdError(w, r, false, err)
			return
		}
		http.Redirect(w, r, "/settings/thresholds?reset="+url.QueryEscape(key)+"#t-"+key, http.StatusSeeOther)
		return
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		p.Error = "Enter a number for " + key + ", not " + strconv.Quote(raw) + "."
		s.renderThresholds(w, r, http.StatusBadRequest, p)
		return
	}
	switch action {
	case "preview":
		prev, err := s.thresholdSvc().Preview(r.Context(), u.ConnectionID, key, v)
		var inv *settings.InvalidError
		switch {
		case errors.As(err, &inv):
			p.Error = inv.Msg
			s.renderThresholds(w, r, http.StatusBadRequest, p)
		case errors.Is(err, settings.ErrPreview):
			p.Error = "No preview: " + err.Error()
			s.renderThresholds(w, r, http.StatusOK, p)
		case err != nil:
			s.serverError(w, r, err)
		default:
			p.Preview = prev
			s.renderThresholds(w, r, http.StatusOK, p)
		}
	case "save", "":
		_, err := s.thresholdSvc().Set(r.Context(), u.ConnectionID, "user:"+u.Username, key, v)
		var inv *settings.InvalidError
		if errors.As(err, &inv) {
			p.Error = inv.Msg
			s.renderThresholds(w, r, http.StatusBadRequest, p)
			return
		}
		if err != nil {
			s.thresholdError(w, r, false, err)
			return
		}
		http.Redirect(w, r, "/settings/thresholds?saved="+url.QueryEscape(key)+"#t-"+key, http.StatusSeeOther)
	default:
		s.badRequest(w, r, false, "Unknown action "+strconv.Quote(action)+": want preview, save or reset.")
	}
}
