package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/store"
)

// askPatterns are the questions answered without a model, as the help and
// the refusal list them.
const askPatterns = `  What is overdue from <customer>?   (or: overdue invoices of <customer>)
  What is overdue?   (the total, and the largest overdue invoices)
  cash
  top 10 customers by revenue this year   (this/last year, quarter or month)
  open alerts
  what needs approval?`

// askJSON is the --json document of ask.
type askJSON struct {
	Question string       `json:"question"`
	Answered bool         `json:"answered"`
	Pattern  string       `json:"pattern"`
	Text     string       `json:"text"`
	Calls    []ask.Call   `json:"calls"`
	Sources  []sourceJSON `json:"sources"`
}

// sourceJSON is a source with the Odoo link built from the connection.
type sourceJSON struct {
	ask.Source
	URL string `json:"url,omitempty"`
}

func askCommand() command {
	return command{
		name:  "ask",
		usage: ` "QUESTION"`,
		summary: `Answer a question from the synced data and aicoo's results, with the records it comes from.
Without a language model a few questions are answered directly:
` + askPatterns + `
Free-form questions need a model (llm.provider) and are asked on the /ask page.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			as := fs.String("as", "", "answer as this `user` of the connection, with their role (default: its first admin)")
			asJSON := fs.Bool("json", false, "print JSON: the answer, the tool calls and the sources (shape in docs/cli.md)")
			return func(ctx context.Context, e *env) error {
				question := strings.TrimSpace(strings.Join(e.args, " "))
				if question == "" {
					return usageErrorf(`missing the question: aicoo ask "What is overdue from <customer>?"`)
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				caller, err := o.askCaller(ctx, *as)
				if err != nil {
					return err
				}
				cat := areas.Catalogue()
				reg, err := ask.NewTools(ask.Deps{Store: o.s, Access: access.New(cat), Catalogue: cat, Now: time.Now})
				if err != nil {
					return err
				}
				reply, ok, err := ask.Answer(ctx, reg, caller, question)
				var refused *ask.RefusedError
				if errors.As(err, &refused) {
					return fmt.Errorf("%s cannot be answered for %s: %s", strconv.Quote(question), caller.Username, refused.Reason)
				}
				if err != nil {
					return err
				}
				if !ok {
					msg := "aicoo answers only these questions without a language model:\n" + askPatterns + "\n" +
						"Free-form questions need a model: set llm.provider to anthropic or openai (with llm.api_key, " +
						"or llm.base_url for a local OpenAI-compatible server such as Ollama) and ask on the /ask page; see docs/ask.md."
					if o.cfg.LLM.Provider != "" && o.cfg.LLM.Provider != "none" {
						msg = "aicoo ask answers only these questions from the command line:\n" + askPatterns + "\n" +
							"Free-form questions go to the configured model (" + o.cfg.LLM.Provider + ") on the /ask page."
					}
					if *asJSON {
						return writeJSON(e.stdout, askJSON{Question: question, Text: msg, Calls: []ask.Call{}, Sources: []sourceJSON{}})
					}
					return errors.New(msg)
				}
				sources := make([]sourceJSON, 0, len(reply.Sources))
				for _, s := range reply.Sources {
					sources = append(sources, sourceJSON{Source: s, URL: sourceURL(o.conn, s)})
				}
				if *asJSON {
					return writeJSON(e.stdout, askJSON{Question: question, Answered: true, Pattern: reply.Pattern, Text: reply.Text,
						Calls: reply.Calls, Sources: sources})
				}
				var b strings.Builder
				b.WriteString(reply.Text + "\n")
				if len(sources) > 0 {
					b.WriteString("\nSources:\n")
				}
				for _, s := range sources {
					fmt.Fprintf(&b, "  %s", s.Label)
					if s.URL != "" {
						fmt.Fprintf(&b, "  %s", s.URL)
					}
					b.WriteString("\n")
				}
				_, err = fmt.Fprint(e.stdout, b.String())
				return err
			}
		},
	}
}

// askCaller is the user the question is answered for: --as, or the
// connection's first active admin, or else the admin role for the
// operator who runs the command (who can read the store anyway).
func (o *opsEnv) askCaller(ctx context.Context, username string) (ask.Caller, error) {
	c := ask.Caller{ConnectionID: o.conn.ID, Via: "cli"}
	if username != "" {
		u, err := o.s.UserByUsername(ctx, o.conn.ID, username)
		if errors.Is(err, store.ErrNotFound) {
			return c, fmt.Errorf("--as %q: no such user on connection %q", username, o.conn.Name)
		}
		if err != nil {
			return c, err
		}
		if u.Disabled {
			return c, fmt.Errorf("--as %q: the user is disabled", username)
		}
		c.UserID, c.Username, c.Role = u.ID, u.Username, u.Role
		return c, nil
	}
	users, err := o.s.UserList(ctx, o.conn.ID)
	if err != nil {
		return c, err
	}
	for _, u := range users {
		if u.Role == store.RoleAdmin && !u.Disabled {
			c.UserID, c.Username, c.Role = u.ID, u.Username, u.Role
			return c, nil
		}
	}
	c.Username, c.Role = "cli", store.RoleAdmin
	return c, nil
}

// sourceURL is the aicoo page (relative) or the Odoo form of a record, as
// the dashboard links them.
func sourceURL(conn *store.Connection, s ask.Source) string {
	if s.Model != "" && s.ID != 0 && (strings.HasPrefix(conn.OdooURL, "https://") || strings.HasPrefix(conn.OdooURL, "http://")) {
		return strings.TrimRight(conn.OdooURL, "/") + "/web#id=" + strconv.FormatInt(s.ID, 10) + "&model=" + s.Model + "&view_type=form"
	}
	return s.Path
}
