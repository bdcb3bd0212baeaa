// Package askeval measures how well aicoo answers the questions a CEO, CFO,
// sales or operations lead asks of their company: a fixed question set
// (docs/ask-eval.md, embedded here), each question with the tool call
// whose result answers it. A run asks each question through the chat as a
// user of its role, computes the expected figure with the same tool, and
// counts the answers given, grounded (no number without a source) and
// correct (the expected figure appears in the answer, as written or
// rounded).
package askeval

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aicoo/aicoo/internal/ask"
	"github.com/aicoo/aicoo/internal/chat"
	"github.com/aicoo/aicoo/internal/grounding"
)

// Questions is the question set, the table of docs/ask-eval.md.
//
//go:embed questions.md
var Questions string

// Case is one question of the set.
type Case struct {
	N        int
	Role     string
	Question string
	// Tool and Input are the call whose result answers the question: the
	// first number of its text is the expected figure.
	Tool  string
	Input json.RawMessage
}

// Parse reads the cases of a question set: the rows of its Markdown table
// "| N | role | question | tool | input |".
func Parse(md string) ([]Case, error) {
	var out []Case
	for i, line := range strings.Split(md, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), " | ")
		n, err := strconv.Atoi(strings.TrimSpace(cells[0]))
		if err != nil {
			continue // the header and the separator row
		}
		if len(cells) != 5 {
			return nil, fmt.Errorf("askeval: line %d: want 5 cells (n, role, question, tool, input), got %d", i+1, len(cells))
		}
		c := Case{N: n, Role: strings.TrimSpace(cells[1]), Question: strings.TrimSpace(cells[2]), Tool: strings.Trim(strings.TrimSpace(cells[3]), "`"),
			Input: json.RawMessage(strings.Trim(strings.TrimSpace(cells[4]), "`"))}
		if !json.Valid(c.Input) {
			return nil, fmt.Errorf("askeval: question %d: input %s is not JSON", n, c.Input)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("askeval: no question found")
	}
	return out, nil
}

// Result is the outcome of one question.
type Result struct {
	Case
	// Expected is the figure the check tool gives (HasExpected false when
	// its text states none, or the role may not call it).
	Expected    float64
	HasExpected bool
	Answered    bool
	Grounded    bool
	Correct     bool
	// UsedTool reports whether the answer called the check's tool.
	UsedTool bool
	Text     string
	Err      string
	Tokens   int64
	Cost     float64
}

// Report is a run over the set.
type Report struct {
	Results                     []Result
	Answered, Grounded, Correct int
	Tokens                      int64
	Cost                        float64
}

// Asker answers a question (*chat.Service).
type Asker interface {
	Ask(ctx context.Context, q chat.Question, onEvent func(chat.Event)) (*chat.Answer, error)
}

// Run asks every case as callers[case.Role] and scores the answers; the
// expected figures come from reg, called as the same caller.
func Run(ctx context.Context, a Asker, reg *ask.Registry, callers map[string]ask.Caller, cases []Case) (*Report, error) {
	rep := &Report{}
	for _, c := range cases {
		caller, ok := callers[c.Role]
		if !ok {
			return nil, fmt.Errorf("askeval: question %d: no user of role %q to ask as", c.N, c.Role)
		}
		r := Result{Case: c}
		if out, err := reg.Call(ctx, caller, c.Tool, c.Input); err == nil {
			if ns := grounding.Numbers(out.Text); len(ns) > 0 {
				r.Expected, r.HasExpected = ns[0].Value*ns[0].Scale, true
			}
		}
		ans, err := a.Ask(ctx, chat.Question{Caller: caller, Text: c.Question}, nil)
		if err != nil {
			r.Err = err.Error()
			rep.Results = append(rep.Results, r)
			continue
		}
		r.Text, r.Tokens, r.Cost = ans.Text, ans.Usage.InputTokens+ans.Usage.OutputTokens, ans.Cost
		r.Answered = strings.TrimSpace(ans.Text) != "" && ans.Stopped == ""
		r.Grounded = r.Answered && len(ans.Ungrounded) == 0
		r.UsedTool = slices.ContainsFunc(ans.Tools, func(t chat.ToolUse) bool { return t.Name == c.Tool && t.Error == "" })
		if r.HasExpected {
			for _, n := range grounding.Numbers(ans.Text) {
				if grounding.Matches(n, []float64{r.Expected}) {
					r.Correct = true
					break
				}
			}
		}
		rep.Results = append(rep.Results, r)
		rep.Tokens += r.Tokens
		rep.Cost += r.Cost
		if r.Answered {
			rep.Answered++
		}
		if r.Grounded {
			rep.Grounded++
		}
		if r.Correct {
			rep.Correct++
		}
	}
	return rep, nil
}

// Write prints the report: one line per question, then the totals.
func (rep *Report) Write(w io.Writer) error {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tROLE\tANSWERED\tGROUNDED\tCORRECT\tEXPECTED\tQUESTION")
	yes := map[bool]string{true: "yes", false: "no"}
	for _, r := range rep.Results {
		exp := "—"
		if r.HasExpected {
			exp = strconv.FormatFloat(r.Expected, 'f', -1, 64)
		}
		q := r.Question
		if r.Err != "" {
			q += " (error: " + r.Err + ")"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.N, r.Role, yes[r.Answered], yes[r.Grounded], yes[r.Correct], exp, q)
	}
	tw.Flush()
	n := len(rep.Results)
	fmt.Fprintf(&b, "\n%d questions: %d answered, %d grounded, %d correct; %d tokens", n, rep.Answered, rep.Grounded, rep.Correct, rep.Tokens)
	if rep.Cost > 0 {
		fmt.Fprintf(&b, ", %.4f USD", rep.Cost)
	}
	b.WriteString("\n")
	_, err := w.Write(b.Bytes())
	return err
}
