package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/store"
)

// noModelText tells a person why free-form questions are not answered and
// how to change it.
const noModelText = "Free-form questions need a language model, and none is configured (llm.provider is \"none\"). " +
	"An administrator can set llm.provider to \"anthropic\" with an API key (llm.api_key), or to \"openai\" for any " +
	"OpenAI-compatible endpoint such as a local Ollama or llama.cpp server (llm.base_url), then restart aicoo."

// directText lists the questions answered without a model (package ask's
// patterns).
const directText = "Without a model aicoo answers a few questions directly from its own figures: " +
	"\u201cWhat is overdue from <customer>?\u201d, \u201cHow much cash do we have?\u201d, " +
	"\u201cTop 10 customers by revenue this year\u201d, \u201cOpen alerts\u201d and \u201cWhat needs my approval?\u201d."

// askKeepAlive is how often a streamed answer sends a comment while no
// event is due.
const askKeepAlive = 15 * time.Second

// threadsShown bounds the threads listed on the page and by the API.
const threadsShown = 100

// threadJSON is a conversation in the thread list.
type threadJSON struct {
	ID        int64     `json:"id"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// askSource is a link under an answer: an aicoo page and/or an Odoo record.
type askSource struct {
	Label string `json:"label"`
	// Path is the aicoo page, relative to the dashboard.
	Path string `json:"path,omitempty"`
	// OdooURL opens the record in Odoo, built from the connection's
	// current address.
	OdooURL string `json:"odoo_url,omitempty"`
}

// askMessageJSON is a question or an answer of a thread.
type askMessageJSON struct {
	ID   int64  `json:"id"`
	Role string `json:"role"`
	Text string `json:"text"`
	// Segments is Text with the numbers no tool result supports apart and
	// marked (answers only).
	Segments   []chat.Segment `json:"segments,omitempty"`
	Tools      []chat.ToolUse `json:"tools,omitempty"`
	Sources    []askSource    `json:"sources,omitempty"`
	Ungrounded []string       `json:"ungrounded,omitempty"`
	Note       string         `json:"note,omitempty"`
	CreatedAt  time.Time      `json:"created_at"`
}

type threadDetail struct {
	threadJSON
	Messages []askMessageJSON `json:"messages"`
}

// askAnswerJSON is the answer of POST /api/v1/ask (and the last event of
// its stream).
type askAnswerJSON struct {
	ThreadID    int64          `json:"thread_id"`
	ThreadTitle string         `json:"thread_title"`
	Message     askMessageJSON `json:"message"`
	// Stopped is empty for a complete answer, else why it was cut short:
	// tool_calls, tokens, time, budget or model_error (Message.Note says it
	// in words).
	Stopped string   `json:"stopped,omitempty"`
	Steps   int      `json:"steps"`
	Usage   askUsage `json:"usage"`
}

type askUsage struct {
	InputTokens      int64 `json:"input_tokens"`
	OutputTokens     int64 `json:"output_tokens"`
	CacheReadTokens  int64 `json:"cache_read_tokens"`
	CacheWriteTokens int64 `json:"cache_write_tokens"`
}

type askInput struct {
	Question string `json:"question"`
	// ThreadID continues one of your threads; 0 or absent starts one.
	ThreadID int64 `json:"thread_id,omitempty"`
}

type renameInput struct {
	Title string `json:"title"`
}

var odooModelRE = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// odooRecordURL links to an Odoo record from the connection's current
// address: /odoo/<model>/<id> on servers that speak JSON-2 (Odoo 19 and
// later), /web#id=&model= otherwise (every version opens it, 17 and 18
// redirect it).
func odooRecordURL(conn *store.Connection, model string, id int64) string {
	if conn == nil || id <= 0 || !odooModelRE.MatchString(model) || safeURL(conn.OdooURL) == "" {
		return ""
	}
	base := strings.TrimRight(conn.OdooURL, "/")
	if conn.OdooProtocol == "json2" {
		return base + "/odoo/" + model + "/" + strconv.FormatInt(id, 10)
	}
	return odooLink(base, model, id)
}

// askSources turns a tool's sources into links; paths that are not aicoo
// pages are dropped.
func askSources(conn *store.Connection, in []ask.Source) []askSource {
	var out []askSource
	for _, src := range in {
		v := askSource{Label: src.Label}
		if strings.HasPrefix(src.Path, "/") && !strings.HasPrefix(src.Path, "//") && !strings.Contains(src.Path, "\\") {
			v.Path = src.Path
		}
		if src.Model != "" {
			v.OdooURL = odooRecordURL(conn, src.Model, src.ID)
		}
		if v.Label == "" {
			v.Label = src.Model + " " + strconv.FormatInt(src.ID, 10)
		}
		out = append(out, v)
	}
	return out
}

func messageJSON(conn *store.Connection, m *store.AskMessage) askMessageJSON {
	v := askMessageJSON{ID: m.ID, Role: m.Role, Text: m.Content, Note: m.Note, CreatedAt: m.CreatedAt}
	if m.Role != store.AskRoleAssistant {
		return v
	}
	var sources []ask.Source
	_ = json.Unmarshal(m.Tools, &v.Tools)
	_ = json.Unmarshal(m.Sources, &sources)
	_ = json.Unmarshal(m.Ungrounded, &v.Ungrounded)
	v.Sources = askSources(conn, sources)
	v.Segments = chat.Segments(m.Content, v.Ungrounded)
	return v
}

func threadView(t *store.AskThread) threadJSON {
	return threadJSON{ID: t.ID, Title: t.Title, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func (s *Server) threadDetail(ctx context.Context, u *store.User, id int64) (*threadDetail, error) {
	t, err := s.cfg.Store.AskThreadGet(ctx, u.ID, id)
	if err != nil {
		return nil, err
	}
	msgs, err := s.cfg.Store.AskMessageList(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		return nil, err
	}
	d := &threadDetail{threadJSON: threadView(t), Messages: []askMessageJSON{}}
	for _, m := range msgs {
		d.Messages = append(d.Messages, messageJSON(conn, m))
	}
	return d, nil
}

func (s *Server) threadList(ctx context.Context, u *store.User) ([]threadJSON, error) {
	ts, err := s.cfg.Store.AskThreadList(ctx, u.ID, threadsShown)
	if err != nil {
		return nil, err
	}
	out := []threadJSON{}
	for _, t := range ts {
		out = append(out, threadView(t))
	}
	return out, nil
}

// askEnabled reports whether a model answers free-form questions.
func (s *Server) askEnabled() bool { return s.cfg.Ask != nil && s.cfg.Ask.Enabled() }

func callerOf(r *http.Request, u *store.User) ask.Caller {
	via := "web"
	if r.Header.Get("Authorization") != "" {
		via = "api"
	}
	return ask.Caller{UserID: u.ID, Username: u.Username, Role: u.Role, ConnectionID: u.ConnectionID, Via: via}
}

// answerView is the answer as the page and the API show it.
func (s *Server) answerView(ctx context.Context, u *store.User, a *chat.Answer) (askAnswerJSON, error) {
	conn, err := s.cfg.Store.ConnectionByID(ctx, u.ConnectionID)
	if err != nil {
		return askAnswerJSON{}, err
	}
	return askAnswerJSON{
		ThreadID: a.ThreadID, ThreadTitle: a.ThreadTitle, Stopped: a.Stopped, Steps: a.Steps,
		Usage: askUsage{InputTokens: a.Usage.InputTokens, OutputTokens: a.Usage.OutputTokens, CacheReadTokens: a.Usage.CacheReadTokens, CacheWriteTokens: a.Usage.CacheWriteTokens},
		Message: askMessageJSON{ID: a.MessageID, Role: store.AskRoleAssistant, Text: a.Text, Segments: chat.Segments(a.Text, a.Ungrounded),
			Tools: a.Tools, Sources: askSources(conn, a.Sources), Ungrounded: a.Ungrounded, Note: a.Note, CreatedAt: s.cfg.NowFunc().UTC()},
	}, nil
}

// askFail answers an error of Ask in the API's shape.
func (s *Server) askFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, chat.ErrNoModel):
		s.apiError(w, r, http.StatusNotImplemented, codeNotImplemented, noModelText+" "+directText)
	case errors.Is(err, chat.ErrEmptyQuestion):
		s.apiError(w, r, http.StatusBadRequest, codeBadRequest, fmt.Sprintf("Send a question of 1 to %d characters.", chat.QuestionMax))
	case errors.Is(err, store.ErrNotFound):
		s.apiError(w, r, http.StatusNotFound, codeNotFound, "You have no such thread.")
	default:
		s.apiServerError(w, r, err)
	}
}

// apiAsk answers a question: as Server-Sent Events when the client accepts
// text/event-stream (events thread, text, tool, then answer or error),
// else as one JSON answer.
func (s *Server) apiAsk(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var in askInput
	if err := decodeJSONBody(w, r, &in); err != nil {
		s.badRequest(w, r, true, "The body must be a JSON object {\"question\": ..., \"thread_id\": n}: "+err.Error())
		return
	}
	if s.cfg.Ask == nil {
		s.askFail(w, r, chat.ErrNoModel)
		return
	}
	q := chat.Question{Caller: callerOf(r, u), ThreadID: in.ThreadID, Text: in.Question}
	// Without a model only a question of a known pattern is answered, at
	// once: no stream.
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") || !s.askEnabled() {
		a, err := s.cfg.Ask.Ask(r.Context(), q, nil)
		if err != nil {
			s.askFail(w, r, err)
			return
		}
		v, err := s.answerView(r.Context(), u, a)
		if err != nil {
			s.apiServerError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, v)
		return
	}
	// What can be refused is refused before the stream starts, with a
	// status code.
	if q := strings.TrimSpace(in.Question); q == "" || utf8.RuneCountInString(q) > chat.QuestionMax {
		s.askFail(w, r, chat.ErrEmptyQuestion)
		return
	}
	if in.ThreadID != 0 {
		if _, err := s.cfg.Store.AskThreadGet(r.Context(), u.ID, in.ThreadID); err != nil {
			s.askFail(w, r, err)
			return
		}
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// Writes come from the answer's events and from the keep-alive below,
	// which holds the stream open through slow tool calls and model steps
	// (proxies close idle streams).
	var mu sync.Mutex
	write := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, format, args...)
		_ = rc.Flush()
	}
	send := func(event string, v any) {
		data, err := json.Marshal(v)
		if err != nil {
			return
		}
		write("event: %s\ndata: %s\n\n", event, data)
	}
	stop := make(chan struct{})
	var alive sync.WaitGroup
	alive.Go(func() {
		tick := time.NewTicker(askKeepAlive)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				write(": keep-alive\n\n")
			}
		}
	})
	defer func() { close(stop); alive.Wait() }()
	a, err := s.cfg.Ask.Ask(r.Context(), q, func(ev chat.Event) {
		switch ev.Type {
		case "thread":
			send("thread", map[string]any{"thread_id": ev.ThreadID, "title": ev.Title})
		case "text":
			send("text", map[string]string{"text": ev.Text})
		case "tool":
			send("tool", map[string]string{"name": ev.Tool})
		}
	})
	if err != nil {
		if !s.clientGone(r, err) {
			s.cfg.Logger.ErrorContext(r.Context(), "web: ask failed", "error", err)
		}
		send("error", map[string]string{"message": "The question could not be answered; the server log has the details."})
		return
	}
	v, err := s.answerView(r.Context(), u, a)
	if err != nil {
		send("error", map[string]string{"message": "The answer could not be shown; the server log has the details."})
		return
	}
	send("answer", v)
}

func (s *Server) apiThreadList(w http.ResponseWriter, r *http.Request) {
	ts, err := s.threadList(r.Context(), userFrom(r.Context()))
	if err != nil {
		s.apiServerError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Data []threadJSON `json:"data"`
	}{ts})
}

func (s *Server) apiThreadGet(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, true, err.Error())
		return
	}
	d, err := s.threadDetail(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.askFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) apiThreadRename(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, true, err.Error())
		return
	}
	var in renameInput
	if err := decodeJSONBody(w, r, &in); err != nil || strings.TrimSpace(in.Title) == "" {
		s.badRequest(w, r, true, "The body must be a JSON object {\"title\": ...} with a title that is not empty.")
		return
	}
	t, err := s.cfg.Store.AskThreadRename(r.Context(), userFrom(r.Context()).ID, id, in.Title)
	if err != nil {
		s.askFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, threadView(t))
}

func (s *Server) apiThreadDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, true, err.Error())
		return
	}
	if err := s.cfg.Store.AskThreadDelete(r.Context(), userFrom(r.Context()).ID, id); err != nil {
		s.askFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Deleted int64 `json:"deleted"`
	}{id})
}

// askPage is the /ask page: the user's threads, the open one, and whether
// questions can be asked.
type askPage struct {
	// Enabled is set when a model answers free-form questions; CanAsk when
	// the form is shown (with or without a model).
	Enabled   bool
	CanAsk    bool
	NoModel   string
	Direct    string
	Threads   []threadJSON
	CurrentID int64
	Current   *threadDetail
	// Error says why a question from the form was not answered.
	Error string
	// Draft fills the question box (from the search box's "Ask aicoo").
	Draft string
}

func (s *Server) renderAsk(w http.ResponseWriter, r *http.Request, code int, threadID int64, errMsg string) {
	u := userFrom(r.Context())
	p := askPage{Enabled: s.askEnabled(), CanAsk: s.cfg.Ask != nil, NoModel: noModelText, Direct: directText, CurrentID: threadID, Error: errMsg}
	if q := r.URL.Query().Get("question"); len(q) <= chat.QuestionMax {
		p.Draft = q
	}
	var err error
	if p.Threads, err = s.threadList(r.Context(), u); err != nil {
		s.serverError(w, r, err)
		return
	}
	if threadID != 0 {
		p.Current, err = s.threadDetail(r.Context(), u, threadID)
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r, false, "You have no such conversation.")
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	s.render(w, r, "ask", code, p)
}

func (s *Server) showAsk(w http.ResponseWriter, r *http.Request) {
	var id int64
	if v := r.URL.Query().Get("thread"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.badRequest(w, r, false, "The thread must be a positive number.")
			return
		}
		id = n
	}
	s.renderAsk(w, r, http.StatusOK, id, "")
}

// postAsk answers a question sent by the form without JavaScript: the
// answer is stored and the page shows the thread.
func (s *Server) postAsk(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	var threadID int64
	if v := r.PostFormValue("thread_id"); v != "" && v != "0" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			s.badRequest(w, r, false, "The thread must be a positive number.")
			return
		}
		threadID = n
	}
	if s.cfg.Ask == nil {
		s.renderAsk(w, r, http.StatusNotImplemented, threadID, noModelText)
		return
	}
	a, err := s.cfg.Ask.Ask(r.Context(), chat.Question{Caller: callerOf(r, u), ThreadID: threadID, Text: r.PostFormValue("question")}, nil)
	switch {
	case errors.Is(err, chat.ErrNoModel):
		s.renderAsk(w, r, http.StatusNotImplemented, threadID, "This question needs a language model. "+directText)
		return
	case errors.Is(err, chat.ErrEmptyQuestion):
		s.renderAsk(w, r, http.StatusBadRequest, threadID, fmt.Sprintf("Write a question of 1 to %d characters.", chat.QuestionMax))
		return
	case errors.Is(err, store.ErrNotFound):
		s.notFound(w, r, false, "You have no such conversation.")
		return
	case err != nil:
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/ask?thread=%d#m%d", a.ThreadID, a.MessageID), http.StatusSeeOther)
}

func (s *Server) postThreadRename(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, false, err.Error())
		return
	}
	if strings.TrimSpace(r.PostFormValue("title")) == "" {
		s.renderAsk(w, r, http.StatusBadRequest, id, "A conversation needs a title.")
		return
	}
	if _, err := s.cfg.Store.AskThreadRename(r.Context(), userFrom(r.Context()).ID, id, r.PostFormValue("title")); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r, false, "You have no such conversation.")
			return
		}
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/ask?thread=%d", id), http.StatusSeeOther)
}

func (s *Server) postThreadDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		s.badRequest(w, r, false, err.Error())
		return
	}
	if err := s.cfg.Store.AskThreadDelete(r.Context(), userFrom(r.Context()).ID, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			s.notFound(w, r, false, "You have no such conversation.")
			return
		}
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/ask", http.StatusSeeOther)
}
