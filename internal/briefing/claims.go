package briefing

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aicoo/aicoo/internal/store"
)

// A claim is a sweeping statement about the state of things the facts
// settle: that none is left of something (no overdue invoice, no pending
// action, no open alert), that all of it is dealt with (every invoice paid,
// every action approved, every alert resolved), or that all is clear. Such
// a sentence reassures the reader more than any figure, so the narrative
// may make it only when the facts say so, as with numbers: a claim the
// facts contradict, or cannot support (the role's briefing has no such
// figure), rejects the narrative. Claims that something is wrong ("all
// invoices are overdue") are not checked: they send the reader to look,
// where the figures and alerts below the paragraph tell the truth.
type claimTopic struct {
	// name says what the claim is about, for the rejection.
	name string
	// nouns, open and settled are regexp alternations: the words naming
	// the items, their states while outstanding ("no invoice is overdue")
	// and once dealt with ("all invoices are paid").
	nouns, open, settled string
	// bare are the nouns for which "no <noun>" is a claim without a state
	// ("no alerts", "no stock-outs").
	bare string
	// none reports whether the facts say nothing is left, and if not,
	// what they say instead. matched is the claim's text, lower case.
	none func(f *Facts, matched string) (bool, string)
}

// claimTopics are the states the facts settle: receivables (the overdue
// figure and the overdue-invoice findings), actions waiting for approval
// (DecisionsWaiting), open alerts (AlertsOpen, by priority), and the
// counts of products at stock-out risk or out of stock, stalled deals and
// customers at churn risk (their figures).
var claimTopics = []claimTopic{
	{
		name:    "overdue invoices",
		nouns:   `invoices?|receivables?|debtors?|customer\s+payments?`,
		open:    `overdue|unpaid|outstanding|late|past[\s-]due|open|uncollected`,
		settled: `paid|settled|collected|cleared|recovered|resolved|closed`,
		none:    noOverdueInvoices,
	},
	{
		name:    "actions waiting for approval",
		nouns:   `actions?|decisions?|approvals?|proposals?|requests?|reminders?`,
		open:    `pending|waiting|awaiting|open|outstanding|undecided|unapproved|left`,
		settled: `approved|decided|handled|done|executed|processed|cleared|signed\s+off`,
		none:    noDecisionsWaiting,
	},
	{
		name:    "open alerts",
		nouns:   `alerts?|warnings?|alarms?|issues?|problems?|red\s+flags?`,
		open:    `open|active|firing|unresolved|outstanding|pending|critical|urgent|high[\s-]priority|medium[\s-]priority|low[\s-]priority|high|medium|low`,
		settled: `resolved|closed|cleared|handled|addressed|fixed|gone`,
		bare:    `alerts?|warnings?|alarms?|issues?|problems?|red\s+flags?`,
		none:    noOpenAlerts,
	},
	{
		name:    "stock-outs",
		nouns:   `products?|items?|skus?|articles?|references?`,
		open:    `out\s+of\s+stock|at\s+risk|running\s+(?:out|low)|short|in\s+short\s+supply`,
		settled: `in\s+stock|available|covered|replenished`,
		bare:    `stock-?outs?|shortages?`,
		none:    noStockouts,
	},
	{
		name:    "stalled deals",
		nouns:   `deals?|opportunities|opportunity|leads?`,
		open:    `stalled|stuck|stale|idle|inactive|dormant`,
		settled: `moving|progressing|active|on\s+track|advancing`,
		none:    figureNone("sales.deals.stalled"),
	},
	{
		name:    "customers at churn risk",
		nouns:   `customers?|clients?|accounts?`,
		open:    `at\s+risk|churning|likely\s+to\s+(?:churn|leave)|about\s+to\s+leave|slipping\s+away`,
		settled: `healthy|safe|loyal|retained`,
		none:    figureNone("customers.churn_risk.count"),
	},
}

// allClearRE finds claims that nothing needs the reader: they hold only
// with no open alert and no decision waiting.
var allClearRE = regexp.MustCompile(`(?i)\b(?:all\s+clear|nothing\s+(?:else\s+)?(?:needs|requires|demands|calls\s+for)\s+(?:your\s+|any\s+)?(?:immediate\s+|urgent\s+)?(?:attention|action)` +
	`|nothing\s+to\s+(?:worry\s+about|report|approve|decide)|nothing\s+(?:is\s+)?(?:urgent|critical|alarming|pressing)` +
	`|no\s+(?:immediate\s+|urgent\s+)?(?:action|attention)\s+(?:is\s+)?(?:needed|required|necessary)` +
	`|everything\s+is\s+(?:fine|ok|okay|on\s+track|in\s+order|under\s+control|settled|resolved))\b`)

// claimRE is a topic's patterns, compiled once.
type claimRE struct {
	topic *claimTopic
	res   []*regexp.Regexp
}

var claimREs = compileClaims()

func compileClaims() []claimRE {
	// gap(n) is up to n plain words: punctuation ends a claim, so "no
	// reply, but 3 invoices are overdue" claims nothing about invoices, and
	// the short reach keeps "no decision on the overdue invoices" from
	// reading as "no overdue invoices".
	gap := func(n int) string { return fmt.Sprintf(`(?:[a-z'-]+\s+){0,%d}?`, n) }
	// neg opens a claim of none; all a claim of all. A leading "not"
	// ("not all invoices are paid") is captured so the match is dropped.
	const neg = `\b(not\s+)?(?:no\s+|zero\s+|none\s+of\s+(?:the\s+|our\s+|your\s+|its\s+|these\s+)?|not\s+(?:a\s+single|one|any)\s+)`
	const all = `\b(not\s+)?(?:all|every|each)\s+(?:of\s+)?(?:the\s+|our\s+|your\s+|its\s+|these\s+)?`
	out := make([]claimRE, len(claimTopics))
	for i := range claimTopics {
		t := &claimTopics[i]
		n, o, s := `(?:`+t.nouns+`)\b`, `(?:`+t.open+`)\b`, `(?:`+t.settled+`)\b`
		pats := []string{
			neg + gap(1) + o + `\s+` + gap(2) + n,                                     // no overdue invoices
			neg + gap(2) + n + `\s+` + gap(3) + o,                                     // no invoice is overdue
			all + gap(2) + n + `\s+` + gap(3) + s,                                     // all overdue invoices have been paid
			`\b()` + n + `\s+(?:have|has|are|were)\s+(?:all|each)\s+(?:been\s+)?` + s, // the invoices have all been paid
		}
		if t.bare != "" {
			pats = append(pats, neg+gap(1)+`(?:`+t.bare+`)\b`) // no alerts
		}
		for _, p := range pats {
			out[i].res = append(out[i].res, regexp.MustCompile(`(?i)`+p))
		}
		out[i].topic = t
	}
	// "nothing is overdue", "nothing awaits approval": the state names the
	// topic.
	out[0].res = append(out[0].res, regexp.MustCompile(`(?i)\b()nothing\s+(?:is\s+|remains\s+)?(?:still\s+)?(?:overdue|unpaid|past[\s-]due)\b`))
	out[1].res = append(out[1].res, regexp.MustCompile(`(?i)\b()nothing\s+(?:is\s+|remains\s+)?(?:still\s+)?(?:pending|awaits|awaiting|waits|waiting)(?:\s+(?:for\s+)?(?:your\s+)?(?:approval|decision))?\b`))
	return out
}

// qualifierRE marks a claim about some of the items only ("no new alerts",
// "no other invoices"), which the facts cannot settle either way.
var qualifierRE = regexp.MustCompile(`(?i)\b(?:new|more|further|additional|other|recent|similar|longer)\b`)

// checkClaims returns an error for the first claim in text the facts do
// not support.
func checkClaims(text string, f *Facts) error {
	if m := allClearRE.FindString(text); m != "" {
		if f.AlertsOpen > 0 || f.DecisionsWaiting > 0 {
			return fmt.Errorf("briefing: narrative claims %q but %d alerts are open and %d decisions wait for approval", m, f.AlertsOpen, f.DecisionsWaiting)
		}
	}
	for _, c := range claimREs {
		for _, re := range c.res {
			for _, loc := range re.FindAllStringSubmatchIndex(text, -1) {
				if loc[2] >= 0 && loc[3] > loc[2] { // "not all ...", "not no ..."
					continue
				}
				m := text[loc[0]:loc[1]]
				if qualifierRE.MatchString(m) {
					continue
				}
				if ok, why := c.topic.none(f, strings.ToLower(m)); !ok {
					return fmt.Errorf("briefing: narrative claims %q about %s but %s", m, c.topic.name, why)
				}
			}
		}
	}
	return nil
}

// overdueKinds are the findings about overdue receivables.
var overdueKinds = []string{"overdue_invoice", "top_overdue_invoices"}

func noOverdueInvoices(f *Facts, _ string) (bool, string) {
	for _, list := range [][]Item{f.Alerts, f.Recommendations} {
		for _, it := range list {
			for _, k := range overdueKinds {
				if it.Kind == k {
					return false, fmt.Sprintf("the briefing lists %q", it.Text)
				}
			}
		}
	}
	fig, ok := figureNamed(f, "finance.ar.overdue")
	switch {
	case !ok:
		return false, "this briefing has no overdue receivables figure"
	case !fig.Available:
		return false, "the overdue receivables are not known"
	case fig.Value >= 0.005:
		return false, "overdue receivables are " + fig.Display
	}
	return true, ""
}

// figureNone is the check of a claim that a count figure is zero: the
// figure must be in the briefing, known, and zero.
func figureNone(names ...string) func(f *Facts, matched string) (bool, string) {
	return func(f *Facts, _ string) (bool, string) {
		for _, name := range names {
			fig, ok := figureNamed(f, name)
			switch {
			case !ok:
				return false, "this briefing has no " + name + " figure"
			case !fig.Available:
				return false, strings.ToLower(fig.Label) + " is not known"
			case fig.Value != 0:
				return false, strings.ToLower(fig.Label) + " is " + fig.Display
			}
		}
		return true, ""
	}
}

func figureNamed(f *Facts, name string) (Figure, bool) {
	for _, fig := range f.Figures {
		if fig.Name == name {
			return fig, true
		}
	}
	return Figure{}, false
}

var (
	outOfStockRE    = regexp.MustCompile(`\b(?:out\s+of\s+stock|in\s+stock|available)\b`)
	noneOutOfStock  = figureNone("operations.stock.out_of_stock")
	noneAtStockRisk = figureNone("operations.stock.stockout_risk")
)

// noStockouts checks "out of stock" and "in stock" claims against the
// products out of stock, any other (at risk, running low, no stock-outs)
// against the products at stock-out risk.
func noStockouts(f *Facts, matched string) (bool, string) {
	if outOfStockRE.MatchString(matched) {
		return noneOutOfStock(f, matched)
	}
	return noneAtStockRisk(f, matched)
}

func noDecisionsWaiting(f *Facts, _ string) (bool, string) {
	if f.DecisionsWaiting > 0 {
		return false, fmt.Sprintf("%d actions wait for approval", f.DecisionsWaiting)
	}
	return true, ""
}

// prioWords maps the words of a claim about some priorities to them.
var prioWords = []struct {
	word  string
	re    *regexp.Regexp
	prios []string
}{
	{"critical", regexp.MustCompile(`\bcritical\b`), []string{store.PriorityCritical}},
	{"urgent", regexp.MustCompile(`\burgent\b`), []string{store.PriorityCritical, store.PriorityHigh}},
	{"high-priority", regexp.MustCompile(`\bhigh\b`), []string{store.PriorityCritical, store.PriorityHigh}},
	{"medium-priority", regexp.MustCompile(`\bmedium\b`), []string{store.PriorityMedium}},
	{"low-priority", regexp.MustCompile(`\blow\b`), []string{store.PriorityLow}},
}

func noOpenAlerts(f *Facts, matched string) (bool, string) {
	for _, pw := range prioWords {
		if !pw.re.MatchString(matched) {
			continue
		}
		n := 0
		for _, p := range pw.prios {
			n += f.AlertsByPrio[p]
		}
		if n > 0 {
			return false, fmt.Sprintf("%d %s alerts are open", n, pw.word)
		}
		return true, ""
	}
	if f.AlertsOpen > 0 || len(f.Alerts) > 0 {
		return false, fmt.Sprintf("%d alerts are open", max(f.AlertsOpen, len(f.Alerts)))
	}
	return true, ""
}
