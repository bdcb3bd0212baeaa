package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

// User management by administrators: add, change the role, disable and
// enable, reset the password, set the phone number SMS alerts go to. Passwords follow the CLI's rules
// (auth.HashPassword); an empty one is generated and shown once, as
// "aicoo user add" does. Nobody may disable themself, and no change may
// leave the connection without an enabled administrator
// (store.ErrLastAdmin). Every change is written to the audit log in the
// same transaction.

// usernameMaxLength bounds a username.
const usernameMaxLength = 64

// userInput is the body of POST /api/v1/users and the add form.
type userInput struct {
	Username string `json:"username"`
	Email    string `json:"email"`
	// Role defaults to viewer, the least privilege.
	Role string `json:"role"`
	// Password is the initial password; empty generates one.
	Password string `json:"password"`
	// Timezone is an IANA zone for briefings; defaults to UTC.
	Timezone string `json:"timezone"`
	// Phone is an E.164 number for SMS alerts; optional.
	Phone string `json:"phone"`
}

// phoneInput is the body of POST /api/v1/users/{id}/phone.
type phoneInput struct {
	// Phone is an E.164 number such as +32470123456; empty removes it.
	Phone string `json:"phone"`
}

// roleInput is the body of POST /api/v1/users/{id}/role.
type roleInput struct {
	Role string `json:"role"`
}

// passwordInput is the body of POST /api/v1/users/{id}/password.
type passwordInput struct {
	// Password is the new password; empty generates one.
	Password string `json:"password"`
}

// userCredentials answers a creation or a password reset. Password is
// set only when it was generated, and is shown this once.
type userCredentials struct {
	User     userJSON `json:"user"`
	Password string   `json:"password,omitempty"`
}

// userError is a change refused for a reason the person can fix.
type userError struct {
	status int
	code   string
	msg    string
}

func (e *userError) Error() string { return e.msg }

func badUser(msg string) error {
	return &userError{http.StatusBadRequest, codeBadRequest, msg}
}

const rolesList = "admin, ceo, cfo, sales, ops or viewer"

func checkUsername(name string) error {
	switch {
	case name == "":
		return badUser("Choose a username.")
	case utf8.RuneCountInString(name) > usernameMaxLength:
		return badUser(fmt.Sprintf("A username has at most %d characters.", usernameMaxLength))
	case strings.IndexFunc(name, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
		return badUser("A username cannot contain spaces or control characters.")
	}
	return nil
}

// hashOrGenerate hashes password, or a generated one when it is empty, and
// returns the generated password ("" when given).
func (s *Server) hashOrGenerate(password string) (hash, generated string, err error) {
	if password == "" {
		generated = auth.NewPassword()
		password = generated
	}
	hash, err = s.cfg.HashPasswordFunc(password)
	if err != nil {
		return "", "", badUser(strings.TrimPrefix(err.Error(), "auth: ") + ".")
	}
	return hash, generated, nil
}

// audit appends a user-management entry in tx.
func audit(ctx context.Context, tx *store.Store, actor *store.User, action string, target *store.User, details map[string]any) error {
	details["user_id"] = target.ID
	_, err := tx.AuditRecord(ctx, store.AuditAppendParams{ConnectionID: actor.ConnectionID, Actor: "user:" + actor.Username,
		Action: action, Subject: "user:" + target.Username}, details)
	return err
}

// addUser creates a user of the actor's connection.
func (s *Server) addUser(ctx context.Context, actor *store.User, in userInput) (*store.User, string, error) {
	in.Username, in.Email, in.Role = strings.TrimSpace(in.Username), strings.TrimSpace(in.Email), strings.TrimSpace(in.Role)
	in.Timezone, in.Phone = strings.TrimSpace(in.Timezone), strings.TrimSpace(in.Phone)
	if err := checkUsername(in.Username); err != nil {
		return nil, "", err
	}
	if err := checkPhone(in.Phone); err != nil {
		return nil, "", err
	}
	if in.Role == "" {
		in.Role = store.RoleViewer // as "aicoo user add" without --role
	}
	if !store.ValidRole(in.Role) {
		return nil, "", badUser(fmt.Sprintf("The role must be %s, not %q.", rolesList, in.Role))
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			return nil, "", badUser(fmt.Sprintf("%q is not an email address.", in.Email))
		}
	}
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	if _, err := time.LoadLocation(in.Timezone); err != nil {
		return nil, "", badUser(fmt.Sprintf("%q is not a time zone; use an IANA name such as Europe/Brussels.", in.Timezone))
	}
	hash, generated, err := s.hashOrGenerate(in.Password)
	if err != nil {
		return nil, "", err
	}
	var u *store.User
	err = s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		_, err := tx.UserByUsername(ctx, actor.ConnectionID, in.Username)
		if err == nil {
			return &userError{http.StatusConflict, codeConflict, fmt.Sprintf("There is already a user %q.", in.Username)}
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if u, err = tx.UserCreate(ctx, store.UserCreateParams{ConnectionID: actor.ConnectionID, Username: in.Username, Email: in.Email,
			Role: in.Role, PasswordHash: hash, Timezone: in.Timezone, Phone: in.Phone}); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "user.created", u, map[string]any{"role": u.Role, "email": u.Email, "generated_password": generated != ""})
	})
	if err != nil {
		return nil, "", err
	}
	return u, generated, nil
}

// checkPhone accepts an empty phone or an E.164 number.
func checkPhone(phone string) error {
	if phone != "" && !store.ValidPhone(phone) {
		return badUser(fmt.Sprintf("%q is not a phone number in international form: a + and the country code, digits only, such as +32470123456.", phone))
	}
	return nil
}

// setUserPhone sets or removes the number a user's SMS alerts go to.
func (s *Server) setUserPhone(ctx context.Context, actor *store.User, id int64, phone string) (*store.User, error) {
	phone = strings.TrimSpace(phone)
	if err := checkPhone(phone); err != nil {
		return nil, err
	}
	return s.userChange(ctx, actor, id, func(tx *store.Store) (*store.User, error) {
		before, err := tx.UserByID(ctx, id)
		if err != nil {
			return nil, err
		}
		if before.ConnectionID != actor.ConnectionID {
			return nil, fmt.Errorf("user %d: %w", id, store.ErrNotFound)
		}
		if err := tx.UserSetPhone(ctx, id, phone); err != nil {
			return nil, err
		}
		// The number itself stays out of the append-only log.
		return before, audit(ctx, tx, actor, "user.phone_changed", before, map[string]any{"had_phone": before.Phone != "", "has_phone": phone != ""})
	})
}

// setUserRole changes a user's role.
func (s *Server) setUserRole(ctx context.Context, actor *store.User, id int64, role string) (*store.User, error) {
	role = strings.TrimSpace(role)
	if !store.ValidRole(role) {
		return nil, badUser(fmt.Sprintf("The role must be %s, not %q.", rolesList, role))
	}
	return s.userChange(ctx, actor, id, func(tx *store.Store) (*store.User, error) {
		before, err := tx.UserSetRole(ctx, actor.ConnectionID, id, role)
		if err != nil {
			return nil, err
		}
		return before, audit(ctx, tx, actor, "user.role_changed", before, map[string]any{"from": before.Role, "to": role})
	})
}

// setUserDisabled disables a user, ending their sessions, or enables them.
func (s *Server) setUserDisabled(ctx context.Context, actor *store.User, id int64, disabled bool) (*store.User, error) {
	if disabled && id == actor.ID {
		return nil, &userError{http.StatusConflict, codeConflict, "You cannot disable yourself; ask another administrator."}
	}
	action := map[bool]string{true: "user.disabled", false: "user.enabled"}[disabled]
	return s.userChange(ctx, actor, id, func(tx *store.Store) (*store.User, error) {
		before, err := tx.UserSetDisabledChecked(ctx, actor.ConnectionID, id, disabled)
		if err != nil {
			return nil, err
		}
		return before, audit(ctx, tx, actor, action, before, map[string]any{"was_disabled": before.Disabled})
	})
}

// resetUserPassword sets a user's password (generated when empty), ends
// their sessions but the one making the change (see ownSession) and revokes
// their API tokens.
func (s *Server) resetUserPassword(ctx context.Context, actor *store.User, id int64, password, keepSession string) (*store.User, string, error) {
	hash, generated, err := s.hashOrGenerate(password)
	if err != nil {
		return nil, "", err
	}
	u, err := s.userChange(ctx, actor, id, func(tx *store.Store) (*store.User, error) {
		reset, err := tx.UserResetPassword(ctx, actor.ConnectionID, id, hash, keepSession)
		if err != nil {
			return nil, err
		}
		return reset.User, audit(ctx, tx, actor, "user.password_reset", reset.User, map[string]any{"generated_password": generated != "",
			"sessions_ended": reset.SessionsEnded, "tokens_revoked": reset.TokensRevoked})
	})
	return u, generated, err
}

// ownSession returns the hash of the session cookie a signed-in user sends
// when changing their own password (user id), so that session survives the
// change while the others end; "" otherwise.
func ownSession(r *http.Request, id int64) string {
	if u := userFrom(r.Context()); u == nil || u.ID != id {
		return ""
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || r.Header.Get("Authorization") != "" {
		return ""
	}
	return auth.TokenHash(c.Value)
}

// userChange runs a change and its audit entry in one transaction and
// returns the user as it is afterwards.
func (s *Server) userChange(ctx context.Context, actor *store.User, id int64, change func(tx *store.Store) (*store.User, error)) (*store.User, error) {
	err := s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		_, err := change(tx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.cfg.Store.UserByID(ctx, id)
}

// userChangeError answers a refused or failed change in the caller's
// format.
func (s *Server) userChangeError(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var ue *userError
	status, code, msg := 0, "", ""
	switch {
	case errors.As(err, &ue):
		status, code, msg = ue.status, ue.code, ue.msg
	case errors.Is(err, store.ErrLastAdmin):
		status, code, msg = http.StatusConflict, codeConflict, "That would leave no enabled administrator; make another user an administrator first."
	case errors.Is(err, store.ErrNotFound):
		status, code, msg = http.StatusNotFound, codeNotFound, "There is no such user."
	default:
		s.fail(w, r, api, err)
		return
	}
	if api {
		s.apiError(w, r, status, code, msg)
		return
	}
	s.renderError(w, r, status, msg)
}

func (s *Server) apiUserCreate(w http.ResponseWriter, r *http.Request) {
	var in userInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object {\"username\", \"email\", \"role\", \"password\", \"timezone\"}: "+err.Error())
		return
	}
	u, generated, err := s.addUser(r.Context(), userFrom(r.Context()), in)
	if err != nil {
		s.userChangeError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusCreated, userCredentials{User: newUserJSON(u), Password: generated})
}

// apiUserChange answers a change of one field of the user in the path: it
// decodes the JSON body (whose shape the error message shows) and applies
// change.
func apiUserChange[T any](s *Server, shape string, change func(ctx context.Context, actor *store.User, id int64, in T) (*store.User, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.badRequest(w, r, true, err.Error())
			return
		}
		var in T
		if err := decodeJSONBody(w, r, &in); err != nil {
			s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object "+shape+": "+err.Error())
			return
		}
		u, err := change(r.Context(), userFrom(r.Context()), id, in)
		if err != nil {
			s.userChangeError(w, r, true, err)
			return
		}
		writeJSON(w, http.StatusOK, newUserJSON(u))
	}
}

func (s *Server) apiUserRole() http.HandlerFunc {
	return apiUserChange(s, `{"role": ...}`, func(ctx context.Context, actor *store.User, id int64, in roleInput) (*store.User, error) {
		return s.setUserRole(ctx, actor, id, in.Role)
	})
}

func (s *Server) apiUserPhone() http.HandlerFunc {
	return apiUserChange(s, `{"phone": ...}`, func(ctx context.Context, actor *store.User, id int64, in phoneInput) (*store.User, error) {
		return s.setUserPhone(ctx, actor, id, in.Phone)
	})
}

func (s *Server) apiUserDisabled(disabled bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.badRequest(w, r, true, err.Error())
			return
		}
		u, err := s.setUserDisabled(r.Context(), userFrom(r.Context()), id, disabled)
		if err != nil {
			s.userChangeError(w, r, true, err)
			return
		}
		writeJSON(w, http.StatusOK, newUserJSON(u))
	}
}

func (s *Server) apiUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, true, err.Error())
		return
	}
	var in passwordInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, "The body must be a JSON object {\"password\": ...}: "+err.Error())
		return
	}
	u, generated, err := s.resetUserPassword(r.Context(), userFrom(r.Context()), id, in.Password, ownSession(r, id))
	if err != nil {
		s.userChangeError(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, userCredentials{User: newUserJSON(u), Password: generated})
}

// usersPage is the user management page.
type usersPage struct {
	Users  []userJSON
	Roles  []string
	SelfID int64
	// Notice reports the change just made; Password is a generated
	// password, shown once.
	Notice   string
	Password string
	// Error explains a refused addition; Form keeps what was typed
	// (never the password).
	Error     string
	Form      userInput
	MinLength int
}

var allRoles = []string{store.RoleAdmin, store.RoleCEO, store.RoleCFO, store.RoleSales, store.RoleOps, store.RoleViewer}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, code int, p usersPage) {
	u := userFrom(r.Context())
	users, err := s.cfg.Store.UserList(r.Context(), u.ConnectionID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	p.Users = make([]userJSON, 0, len(users))
	for _, x := range users {
		p.Users = append(p.Users, newUserJSON(x))
	}
	p.Roles, p.SelfID, p.MinLength = allRoles, u.ID, auth.MinPasswordLength
	if p.Form.Role == "" {
		p.Form.Role = store.RoleViewer
	}
	s.render(w, r, "users", code, p)
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, usersPage{Notice: userNotice(r.URL.Query())})
}

// userNotice is the sentence shown after a change redirected back.
func userNotice(q url.Values) string {
	name := q.Get("user")
	switch q.Get("done") {
	case "phone":
		return "The phone number of " + name + " is saved."
	case "added":
		return "User " + name + " is added."
	case "role":
		return "The role of " + name + " is now " + q.Get("role") + "."
	case "disabled":
		return name + " is disabled and signed out everywhere."
	case "enabled":
		return name + " may sign in again."
	case "password":
		return "The password of " + name + " is changed; their other sessions ended and their API tokens are revoked."
	}
	return ""
}

func (s *Server) doneRedirect(w http.ResponseWriter, r *http.Request, v url.Values) {
	// An administrator who just demoted themself may no longer see the
	// page; send them home instead of to a 403.
	if u, err := s.cfg.Store.UserByID(r.Context(), userFrom(r.Context()).ID); err == nil && u.Role != store.RoleAdmin {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/settings/users?"+v.Encode(), http.StatusSeeOther)
}

func (s *Server) postUserCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "Bad form.")
		return
	}
	f := r.PostForm
	in := userInput{Username: f.Get("username"), Email: f.Get("email"), Role: f.Get("role"), Password: f.Get("password"), Timezone: f.Get("timezone"),
		Phone: f.Get("phone")}
	if in.Password != f.Get("password2") {
		in.Password = ""
		s.renderUsers(w, r, http.StatusUnprocessableEntity, usersPage{Error: "The two passwords differ.", Form: in})
		return
	}
	u, generated, err := s.addUser(r.Context(), userFrom(r.Context()), in)
	var ue *userError
	if errors.As(err, &ue) {
		in.Password = ""
		s.renderUsers(w, r, http.StatusUnprocessableEntity, usersPage{Error: ue.msg, Form: in})
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if generated != "" {
		// Shown once, in this answer: never put it in a redirect URL.
		s.renderUsers(w, r, http.StatusOK, usersPage{Notice: "User " + u.Username + " is added. Their password is below; it is shown only now.", Password: generated})
		return
	}
	s.doneRedirect(w, r, url.Values{"done": {"added"}, "user": {u.Username}})
}

// pageUserChange answers a form changing the user in the path: change
// applies the form and returns the notice to redirect to. Input the person
// can fix is shown on the users page; other refusals get the error page.
func (s *Server) pageUserChange(change func(ctx context.Context, actor *store.User, id int64, form url.Values) (url.Values, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			s.badRequest(w, r, false, err.Error())
			return
		}
		if err := r.ParseForm(); err != nil {
			s.renderError(w, r, http.StatusBadRequest, "Bad form.")
			return
		}
		done, err := change(r.Context(), userFrom(r.Context()), id, r.PostForm)
		var ue *userError
		if errors.As(err, &ue) && ue.status == http.StatusBadRequest {
			s.renderUsers(w, r, http.StatusUnprocessableEntity, usersPage{Error: ue.msg})
			return
		}
		if err != nil {
			s.userChangeError(w, r, false, err)
			return
		}
		s.doneRedirect(w, r, done)
	}
}

func (s *Server) postUserRole() http.HandlerFunc {
	return s.pageUserChange(func(ctx context.Context, actor *store.User, id int64, form url.Values) (url.Values, error) {
		u, err := s.setUserRole(ctx, actor, id, form.Get("role"))
		if err != nil {
			return nil, err
		}
		return url.Values{"done": {"role"}, "user": {u.Username}, "role": {u.Role}}, nil
	})
}

func (s *Server) postUserPhone() http.HandlerFunc {
	return s.pageUserChange(func(ctx context.Context, actor *store.User, id int64, form url.Values) (url.Values, error) {
		u, err := s.setUserPhone(ctx, actor, id, form.Get("phone"))
		if err != nil {
			return nil, err
		}
		return url.Values{"done": {"phone"}, "user": {u.Username}}, nil
	})
}

func (s *Server) postUserDisabled(disabled bool) http.HandlerFunc {
	return s.pageUserChange(func(ctx context.Context, actor *store.User, id int64, _ url.Values) (url.Values, error) {
		u, err := s.setUserDisabled(ctx, actor, id, disabled)
		if err != nil {
			return nil, err
		}
		return url.Values{"done": {map[bool]string{true: "disabled", false: "enabled"}[disabled]}, "user": {u.Username}}, nil
	})
}

func (s *Server) postUserPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, false, err.Error())
		return
	}
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "Bad form.")
		return
	}
	u, generated, err := s.resetUserPassword(r.Context(), userFrom(r.Context()), id, r.PostForm.Get("password"), ownSession(r, id))
	if err != nil {
		s.userChangeError(w, r, false, err)
		return
	}
	if generated != "" {
		s.renderUsers(w, r, http.StatusOK, usersPage{Notice: "The password of " + u.Username + " is changed, their other sessions ended and their API tokens are revoked. The new password is below; it is shown only now.", Password: generated})
		return
	}
	s.doneRedirect(w, r, url.Values{"done": {"password"}, "user": {u.Username}})
}
