package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/numfmt"
	"github.com/aicoo/aicoo/internal/store"
)

// pageNames lists the views; each is parsed together with the layout.
var pageNames = []string{"login", "overview", "setup", "error", "alerts", "alert", "jobs", "analytics", "settings", "briefings", "rules", "actions", "users", "thresholds", "tokens", "operations", "inbox", "rule_form", "forecast", "scenario_form", "search", "ask", "escalation", "notify_prefs"}

var funcs = template.FuncMap{
	// can, sees, metricLabel, areaLabel and expression read the server's
	// catalogue and permissions; each server binds them (New).
	"can":  func(*store.User, string) bool { panic("web: can is not bound to a server") },
	"sees": func(*store.User, string) bool { panic("web: sees is not bound to a server") },
	"odoo": odooLink,
	"list": func(v ...string) []string { return v },
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"dur": humanDuration,
	// metricLabel, expression and roleName put keys into words;
	// metricLabel, areaLabel and expression read the server's catalogue,
	// so each server binds them (New).
	"metricLabel": func(string) string { panic("web: metricLabel is not bound to a server") },
	"metricPath":  metricPath,
	"areaLabel":   func(string) string { panic("web: areaLabel is not bound to a server") },
	"expression":  func(string) string { panic("web: expression is not bound to a server") },
	"roleName":    roleName,
	// number and metricValue format floats for people (no 1.0e+07 or
	// 320.84999999999997); words puts a fact's key into words.
	"number": thousands,
	"metricValue": func(v float64, unit string) string {
		return formatMetric(metricValue{Value: v, Unit: unit, Available: true})
	},
	"words": words,
	// round and sub are arithmetic for the forecast's figures.
	"round": math.Round,
	"sub":   func(a, b int) int { return a - b },
	"add":   func(a, b int) int { return a + b },
	// hasChannel checks a channel box of the rule editor.
	"hasChannel": hasChannel,
	"hasID":      hasID,
	// channel names a notification channel kind; each server binds it to
	// its registry (New).
	"channel": func(string) string { panic("web: channel is not bound to a server") },
	// count formats a whole number with thousands separators.
	"modelLabel": modelLabel,
	// prose names the server's action types: each server binds it (New).
	"prose": func(string) string { panic("web: prose is not bound to a server") },
	// idFact says a fact is a record id (partner_id), not a figure to show.
	"idFact": func(k string) bool { return strings.HasSuffix(k, "_id") },
	"count":  func(n int64) string { return thousands(float64(n)) },
	// money formats an amount with its currency: "34,456.00 EUR".
	"money": numfmt.Money,
	// dict builds the argument of a shared template: dict "Key" value ...
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	// whenp is when for an optional time.
	"whenp": func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return "never"
		}
		return t.UTC().Format("2006-01-02 15:04:05 UTC")
	},
	"num":     analysis.FormatThreshold,
	"usd":     usd,
	"percent": percent,
	"ms": func(d time.Duration) string {
		if d < time.Second {
			return fmt.Sprintf("%d ms", d.Milliseconds())
		}
		return d.Round(100 * time.Millisecond).String()
	},
}

// parsePages parses the views with funcs and own, the functions bound to
// one server.
func parsePages(own template.FuncMap) (map[string]*template.Template, error) {
	pages := make(map[string]*template.Template, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New("layout.html").Funcs(funcs).Funcs(own).ParseFS(templatesFS, "templates/layout.html", "templates/charts.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// render executes a page into a buffer first, so a template error becomes a
// clean 500 rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, code int, data any) {
	var buf bytes.Buffer
	u := userFrom(r.Context())
	var loc *time.Location
	if u != nil {
		loc = userZone(u.Timezone)
	}
	t, err := s.zoned.page(s.pages, name, loc)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := t.Execute(&buf, map[string]any{"Page": data, "User": u, "Unread": s.unreadLabel(r, u), "Version": s.cfg.Version}); err != nil {
		s.serverError(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	buf.WriteTo(w)
}

type errorPage struct {
	Code    int
	Status  string
	Message string
}

// renderError shows an error page with a message for people.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	s.render(w, r, "error", code, errorPage{Code: code, Status: http.StatusText(code), Message: msg})
}
