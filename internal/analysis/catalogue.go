package analysis

import (
	"slices"
	"sort"
)

// AreaInfo is what an analyzer declares about its area, so that rules,
// briefings, permissions and the dashboard read one catalogue instead of
// lists of their own.
type AreaInfo struct {
	Area  string
	Label string
	// Roles are the roles limited to some areas that see this one (roles
	// that see every area need not be named).
	Roles []string
	// Metrics are the figures with a label; an analyzer may emit others
	// (shown by name).
	Metrics      []MetricInfo
	InsightKinds []InsightKindInfo
}

// MetricInfo describes one metric.
type MetricInfo struct {
	// Name is the metric's dotted name; it starts with the area.
	Name string
	// Unit is "currency" (the company's), "days", "ratio", "count" or
	// "percent".
	Unit        string
	Label       string
	Description string
	// Good says which direction is good: "up", "down" or "" (neutral).
	Good string
}

// InsightKindInfo describes one kind of insight.
type InsightKindInfo struct {
	Kind  string
	Label string
}

// Catalogued is an analyzer that declares its catalogue; an analyzer that
// does not is catalogued by its area name alone.
type Catalogued interface {
	Catalogue() AreaInfo
}

// Catalogue is the areas, metrics and insight kinds of a set of analyzers.
// It is read-only once built.
type Catalogue struct {
	areas   []AreaInfo
	metrics map[string]MetricInfo
	kinds   map[string][]string // insight kind -> areas
}

// NewCatalogue gathers the declarations of the analyzers, in their order.
func NewCatalogue(analyzers ...Analyzer) *Catalogue {
	c := &Catalogue{metrics: map[string]MetricInfo{}, kinds: map[string][]string{}}
	for _, a := range analyzers {
		info := AreaInfo{Area: a.Area(), Label: a.Area()}
		if ca, ok := a.(Catalogued); ok {
			info = ca.Catalogue()
		}
		c.areas = append(c.areas, info)
		for _, m := range info.Metrics {
			c.metrics[m.Name] = m
		}
		for _, k := range info.InsightKinds {
			if !slices.Contains(c.kinds[k.Kind], info.Area) {
				c.kinds[k.Kind] = append(c.kinds[k.Kind], info.Area)
			}
		}
	}
	return c
}

// Areas returns the area names, in the analyzers' order.
func (c *Catalogue) Areas() []string {
	out := make([]string, len(c.areas))
	for i, a := range c.areas {
		out[i] = a.Area
	}
	return out
}

// Area returns the declaration of an area.
func (c *Catalogue) Area(name string) (AreaInfo, bool) {
	for _, a := range c.areas {
		if a.Area == name {
			return a, true
		}
	}
	return AreaInfo{}, false
}

// IsArea reports whether name is an area of the catalogue.
func (c *Catalogue) IsArea(name string) bool {
	_, ok := c.Area(name)
	return ok
}

// Metric returns the description of a metric by name.
func (c *Catalogue) Metric(name string) (MetricInfo, bool) {
	m, ok := c.metrics[name]
	return m, ok
}

// InsightKinds returns the insight kinds, sorted.
func (c *Catalogue) InsightKinds() []string {
	out := make([]string, 0, len(c.kinds))
	for k := range c.kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// AreasOfKind returns the areas that emit an insight kind.
func (c *Catalogue) AreasOfKind(kind string) []string { return c.kinds[kind] }

// AreasOfRole returns the areas that name role among their Roles.
func (c *Catalogue) AreasOfRole(role string) []string {
	var out []string
	for _, a := range c.areas {
		if slices.Contains(a.Roles, role) {
			out = append(out, a.Area)
		}
	}
	return out
}
