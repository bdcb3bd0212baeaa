package briefing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/llm"
	"github.com/aicoo/aicoo/internal/store"
)

// Feature names briefings in the usage ledger.
const Feature = "briefing"

// MaxOutputTokens bounds the model's narrative.
const MaxOutputTokens = 400

// Config configures a Generator.
type Config struct {
	// Roles override or extend DefaultRoles by name.
	Roles map[string]Role
	// At is the local time of day a briefing becomes due (default 06:00).
	At time.Duration
}

// Generator builds, stores and renders briefings. It is safe for concurrent
// use.
type Generator struct {
	store    *store.Store
	cat      *analysis.Catalogue
	llm      *llm.Client // nil or disabled: template narratives
	roles    map[string]Role
	at       time.Duration
	now      func() time.Time
	logger   *slog.Logger
	renderer *Renderer
}

// Options are a Generator's collaborators.
type Options struct {
	Store *store.Store // required
	// Catalogue names the areas a role may cover and labels the figures:
	// the app's one catalogue (areas.Catalogue() with any registered
	// area). Defaults to areas.Catalogue().
	Catalogue *analysis.Catalogue
	LLM       *llm.Client // optional
	Logger    *slog.Logger
	Now       func() time.Time
}

// New checks the roles and builds a Generator.
func New(cfg Config, opts Options) (*Generator, error) {
	if opts.Store == nil {
		return nil, errors.New("briefing: a store is required")
	}
	if opts.Catalogue == nil {
		opts.Catalogue = areas.Catalogue()
	}
	g := &Generator{store: opts.Store, cat: opts.Catalogue, llm: opts.LLM, roles: DefaultRoles(opts.Catalogue), at: cfg.At, now: opts.Now, logger: opts.Logger, renderer: NewRenderer()}
	if g.now == nil {
		g.now = time.Now
	}
	if g.logger == nil {
		g.logger = slog.New(slog.DiscardHandler)
	}
	if g.at == 0 {
		g.at = 6 * time.Hour
	}
	if g.at < 0 || g.at >= 24*time.Hour {
		return nil, fmt.Errorf("briefing: time of day must be within a day, got %s", g.at)
	}
	for name, r := range cfg.Roles {
		if r.Name == "" {
			r.Name = name
		}
		if base, ok := g.roles[name]; ok {
			if len(r.Areas) == 0 {
				r.Areas = base.Areas
			}
			if len(r.Figures) == 0 {
				r.Figures = base.Figures
			}
			if r.Title == "" {
				r.Title = base.Title
			}
			if r.Charts == nil {
				r.Charts = base.Charts
			}
		}
		g.roles[name] = r
	}
	for name, r := range g.roles {
		if err := r.normalise(g.cat.Areas()); err != nil {
			return nil, err
		}
		g.roles[name] = r
	}
	return g, nil
}

// Briefing is a generated briefing, stored or not.
type Briefing struct {
	Facts     *Facts
	Narrative string // the opening paragraph, by the model or the template
	Markdown  string
}

// HTML renders the briefing's Markdown to sanitised HTML.
func (g *Generator) HTML(markdown string) (string, error) { return g.renderer.HTML(markdown) }

// Build writes the briefing of a role for a connection and date without
// storing it: what `aicoo brief` prints. date is the reader's local date
// (midnight in loc); figures are the latest computed by the end of that day
// (or now, for today). Open alerts are those open now.
func (g *Generator) Build(ctx context.Context, connectionID int64, roleName string, date time.Time) (*Briefing, error) {
	role, ok := g.roles[roleName]
	if !ok {
		return nil, fmt.Errorf("briefing: unknown role %q", roleName)
	}
	conn, err := g.store.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, fmt.Errorf("briefing: %w", err)
	}
	y, m, d := date.Date()
	endOfDay := time.Date(y, m, d+1, 0, 0, 0, 0, date.Location())
	at := g.now()
	if endOfDay.Before(at) {
		at = endOfDay
	}
	f, err := buildFacts(ctx, g.store, g.cat, conn, role, date.Format(time.DateOnly), at)
	if err != nil {
		return nil, err
	}
	narrative := g.narrative(ctx, conn.ID, f)
	return &Briefing{Facts: f, Narrative: narrative, Markdown: Markdown(f, narrative)}, nil
}

// narrative asks the model for the opening paragraph and keeps it only if
// it is grounded; otherwise it records why and returns the template's.
func (g *Generator) narrative(ctx context.Context, connectionID int64, f *Facts) string {
	tmpl := templateNarrative(f)
	f.Narrative = Narrative{Source: "template"}
	if !g.llm.Enabled() {
		return tmpl
	}
	prompt, err := userPrompt(f)
	if err != nil {
		f.Narrative.Rejected = err.Error()
		return tmpl
	}
	res, err := g.llm.Complete(ctx, llm.Call{ConnectionID: connectionID, Feature: Feature, Use: llm.UseSummary,
		System: systemPrompt, Prompt: prompt, MaxTokens: MaxOutputTokens})
	if err != nil {
		f.Narrative.Rejected = err.Error()
		g.logger.Warn("briefing narrative: model unavailable, using the template", "role", f.Role, "error", err)
		return tmpl
	}
	f.Narrative.Model = res.Model
	if err := Ground(res.Text, f); err != nil {
		f.Narrative.Rejected, f.Narrative.RejectedText = err.Error(), res.Text
		g.logger.Warn("briefing narrative: grounding check failed, using the template", "role", f.Role, "model", res.Model, "error", err)
		return tmpl
	}
	f.Narrative.Source = "model"
	return res.Text
}

// UserDate returns the user's local date at now (midnight in their zone)
// and whether their briefing time of day has passed.
func (g *Generator) UserDate(u *store.User, now time.Time) (time.Time, bool, error) {
	loc, err := time.LoadLocation(u.Timezone)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("briefing: user %s: timezone %q: %w", u.Username, u.Timezone, err)
	}
	local := now.In(loc)
	y, m, d := local.Date()
	day := time.Date(y, m, d, 0, 0, 0, 0, loc)
	return day, !local.Before(day.Add(g.at)), nil
}

// GenerateForUser stores the user's briefing for their local date at now,
// unless one exists, and returns it with created true when this call wrote
// it. Safe to run twice (or concurrently): a user gets one briefing per day,
// and the model is not asked when the briefing already exists.
func (g *Generator) GenerateForUser(ctx context.Context, connectionID, userID int64, now time.Time) (*store.DailyBriefing, bool, error) {
	u, err := g.user(ctx, connectionID, userID)
	if err != nil {
		return nil, false, err
	}
	date, _, err := g.UserDate(u, now)
	if err != nil {
		return nil, false, err
	}
	return g.generate(ctx, u, date)
}

func (g *Generator) generate(ctx context.Context, u *store.User, date time.Time) (*store.DailyBriefing, bool, error) {
	if b, err := g.store.DailyBriefingByUserDate(ctx, u.ID, date); err == nil {
		return b, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, false, fmt.Errorf("briefing: %w", err)
	}
	role := RoleForUser(u.Role)
	br, err := g.Build(ctx, u.ConnectionID, role, date)
	if err != nil {
		return nil, false, err
	}
	facts, err := json.Marshal(br.Facts)
	if err != nil {
		return nil, false, fmt.Errorf("briefing: encode facts: %w", err)
	}
	b, created, err := g.store.DailyBriefingInsert(ctx, store.DailyBriefingParams{
		ConnectionID: u.ConnectionID, UserID: u.ID, Date: date, Role: role, Content: br.Markdown, Facts: facts,
		InsightsCount: br.Facts.Insights, AlertsCount: br.Facts.AlertsOpen, RecommendationsCount: len(br.Facts.Recommendations),
	})
	if err != nil {
		return nil, false, fmt.Errorf("briefing: %w", err)
	}
	return b, created, nil
}

// GenerateDue writes the briefing of every enabled user of the connection
// whose local briefing time has passed today and who has none yet. It is
// meant for a periodic job (every few minutes) and returns the briefings
// it created. One user's failure does not stop the others; the errors are
// joined. Nothing is written while an enabled analysis of the connection
// has never run (a new connection's first sync is still going): a
// briefing written then would report an empty company for the whole day.
func (g *Generator) GenerateDue(ctx context.Context, connectionID int64, now time.Time) ([]*store.DailyBriefing, error) {
	if ready, err := g.analysesRan(ctx, connectionID); err != nil || !ready {
		return nil, err
	}
	users, err := g.store.UserList(ctx, connectionID)
	if err != nil {
		return nil, fmt.Errorf("briefing: %w", err)
	}
	var (
		out  []*store.DailyBriefing
		errs []error
	)
	for _, u := range users {
		if u.Disabled {
			continue
		}
		date, due, err := g.UserDate(u, now)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !due {
			continue
		}
		b, created, err := g.generate(ctx, u, date)
		if err != nil {
			errs = append(errs, fmt.Errorf("user %s: %w", u.Username, err))
			continue
		}
		if created {
			out = append(out, b)
		}
	}
	return out, errors.Join(errs...)
}

// analysesRan reports whether every enabled analysis job of the connection
// has run at least once (successfully or not) or has a stored result. The
// wait is short even for a job added later with a rare schedule: every
// successful sync (each few minutes) runs all enabled analysis jobs.
func (g *Generator) analysesRan(ctx context.Context, connectionID int64) (bool, error) {
	jobs, err := g.store.MonitoringJobList(ctx, store.MonitoringJobListParams{ConnectionID: connectionID, EnabledOnly: true})
	if err != nil {
		return false, fmt.Errorf("briefing: %w", err)
	}
	for _, j := range jobs {
		if !strings.HasPrefix(j.AnalyzerType, "analysis.") || !j.LastRunAt.IsZero() {
			continue
		}
		_, err := g.store.AnalysisResultLatest(ctx, j.ID, time.Time{})
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("briefing: %w", err)
		}
	}
	return true, nil
}

func (g *Generator) user(ctx context.Context, connectionID, userID int64) (*store.User, error) {
	users, err := g.store.UserList(ctx, connectionID)
	if err != nil {
		return nil, fmt.Errorf("briefing: %w", err)
	}
	for _, u := range users {
		if u.ID == userID {
			return u, nil
		}
	}
	return nil, fmt.Errorf("briefing: user %d of connection %d: %w", userID, connectionID, store.ErrNotFound)
}
