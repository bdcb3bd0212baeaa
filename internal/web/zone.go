package web

import (
	"fmt"
	"html/template"
	"sync"
	"time"
)

// Dates on the pages are in the signed-in user's time zone (users.timezone,
// UTC by default). The templates' "when" and "whenp" format in UTC; a page
// for a user elsewhere is rendered from a copy of its template whose
// functions format in that zone. html/template escapes a template on its
// first execution and a copy cannot be made after it, so the copies are made
// from never-executed originals, once per page and zone.
type zonedPages struct {
	pristine map[string]*template.Template // parsed, never executed
	mu       sync.Mutex
	byZone   map[string]*template.Template // "page|zone"
}

// whenIn formats a time in loc the way "when" does in UTC.
func whenIn(loc *time.Location) func(time.Time) string {
	return func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return t.In(loc).Format("2006-01-02 15:04:05 MST")
	}
}

// userZone returns the location of a time zone name, or nil for UTC, an
// empty or an unknown name.
func userZone(name string) *time.Location {
	if name == "" || name == "UTC" {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || loc == time.UTC {
		return nil
	}
	return loc
}

// page returns the template of a page for a time zone (nil: UTC, the
// shared template).
func (z *zonedPages) page(shared map[string]*template.Template, name string, loc *time.Location) (*template.Template, error) {
	if loc == nil || z == nil || z.pristine[name] == nil {
		return shared[name], nil
	}
	key := name + "|" + loc.String()
	z.mu.Lock()
	defer z.mu.Unlock()
	if t, ok := z.byZone[key]; ok {
		return t, nil
	}
	if len(z.byZone) > 2000 {
		clear(z.byZone) // bounded: pages × the zones users have
	}
	t, err := z.pristine[name].Clone()
	if err != nil {
		return nil, fmt.Errorf("web: page %s in %s: %w", name, loc, err)
	}
	when := whenIn(loc)
	t.Funcs(template.FuncMap{
		"when": when,
		"whenp": func(p *time.Time) string {
			if p == nil {
				return "never"
			}
			return when(*p)
		},
	})
	if z.byZone == nil {
		z.byZone = map[string]*template.Template{}
	}
	z.byZone[key] = t
	return t, nil
}
