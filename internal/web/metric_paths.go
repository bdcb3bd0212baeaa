package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
)

// Metric pages are addressed by words (areas.MetricPath describes the
// design): /analytics/finance/overdue-receivables, a customer's part as
// /analytics/finance/overdue-receivables/alpen-industrieservice-kg-1205,
// ?company=2 only when the connection has several companies. The old
// addresses by stored key, /analytics/<area>/metrics/<key>, answer with a
// permanent redirect to the new one.

// metricPath is the page of a metric by name, the first company's: the
// links of charts and cards, which show one company.
func metricPath(area, name string) string { return areas.MetricPath(area, name, 0, "") }

// metricHref is the page of the metric stored under key in area: with its
// company when multi, and for a per-record metric with the record's name
// read from the synced records of its references.
func (s *Server) metricHref(ctx context.Context, connectionID int64, area, key string, m analysis.Metric, multi bool) (href, record string, err error) {
	name := m.Name
	if name == "" {
		name, _, _ = strings.Cut(key, "@")
	}
	var company int64
	if multi {
		company = m.CompanyID
	}
	if _, _, id, ok := areas.SplitRecord(name); ok {
		for _, ref := range m.Refs {
			if !slices.Contains(ref.IDs, id) {
				continue
			}
			n, err := s.recordName(ctx, connectionID, ref.Model, id)
			if err != nil {
				return "", "", fmt.Errorf("web: name of %s %d: %w", ref.Model, id, err)
			}
			record = n
			break
		}
	}
	return areas.MetricPath(area, name, company, record), record, nil
}

// namedLabel is the label of the metric key for people with its record
// named ("Overdue receivables — Alpen Industrieservice KG" rather than
// "— partner 1205"), the label alone when record is "".
func (v *vocab) namedLabel(key, record string) string {
	label := v.metricLabel(key)
	base, rest, ok := strings.Cut(label, " — ")
	if record == "" || !ok {
		return label
	}
	company := ""
	if i := strings.Index(rest, " (company "); i >= 0 {
		company = rest[i:]
	}
	return base + " — " + record + company
}

// multiCompany reports whether an area's metrics come from several
// companies, the one case where a metric's link names its company. A
// figure of no company (0) does not count.
func multiCompany(ms []metricJSON) bool {
	var first int64
	for _, m := range ms {
		switch {
		case m.CompanyID == 0:
		case first == 0:
			first = m.CompanyID
		case m.CompanyID != first:
			return true
		}
	}
	return false
}

// linkMetrics sets the Href of metrics of an area (the company named when
// multi).
func (s *Server) linkMetrics(ctx context.Context, connectionID int64, area string, ms []metricJSON, multi bool) error {
	for i := range ms {
		m := analysis.Metric{Name: ms[i].Name, CompanyID: ms[i].CompanyID, Refs: ms[i].Refs}
		href, record, err := s.metricHref(ctx, connectionID, area, ms[i].Key, m, multi)
		if err != nil {
			return err
		}
		ms[i].Href, ms[i].Label = href, s.namedLabel(ms[i].Key, record)
	}
	return nil
}

// bySlug picks the metric a page address names: the slug and record
// segment resolved among the names of the latest result, the company from
// ?company= (the first company's without it).
func bySlug(slug, record string, company int64) func(map[string]analysis.Metric) string {
	return func(byKey map[string]analysis.Metric) string {
		name := areas.ResolveSlug(areas.MetricNames(byKey), slug, record)
		if name == "" {
			return ""
		}
		if keys := analysis.MetricKeys(byKey, name, company); len(keys) > 0 {
			return keys[0]
		}
		return ""
	}
}

// byKey picks a metric by its stored key or name, as the API and the old
// addresses give it.
func byKey(key string) func(map[string]analysis.Metric) string {
	return func(metrics map[string]analysis.Metric) string {
		if _, ok := metrics[key]; ok {
			return key
		}
		if keys := analysis.MetricKeys(metrics, key, 0); len(keys) > 0 {
			return keys[0]
		}
		return ""
	}
}

// showMetricPage is the page of a metric at its address in words.
func (s *Server) showMetricPage(w http.ResponseWriter, r *http.Request) {
	area, ok := s.areaFromPath(w, r, false)
	if !ok {
		return
	}
	var company int64
	if c := r.URL.Query().Get("company"); c != "" {
		id, err := strconv.ParseInt(c, 10, 64)
		if err != nil || id <= 0 {
			s.renderError(w, r, http.StatusBadRequest, fmt.Sprintf("The company %q is not a company id.", c))
			return
		}
		company = id
	}
	slug, record := r.PathValue("metric"), r.PathValue("record")
	d, err := s.loadMetricDetail(r.Context(), userFrom(r.Context()), area, bySlug(slug, record, company))
	if errors.Is(err, errMetricNotFound) {
		s.renderError(w, r, http.StatusNotFound, fmt.Sprintf("The latest %s analysis has no figure at this address.", s.areaLabel(area)))
		return
	}
	if err != nil {
		s.areaError(w, r, false, area, err)
		return
	}
	s.renderMetric(w, r, d)
}

// showMetric answers the old address of a metric page, by stored key,
// with a permanent redirect to its address in words.
func (s *Server) showMetric(w http.ResponseWriter, r *http.Request) {
	area, ok := s.areaFromPath(w, r, false)
	if !ok {
		return
	}
	key := r.PathValue("metric")
	d, err := s.loadMetricDetail(r.Context(), userFrom(r.Context()), area, byKey(key))
	if errors.Is(err, errMetricNotFound) {
		s.renderError(w, r, http.StatusNotFound, fmt.Sprintf("The latest %s analysis has no figure %s.", s.areaLabel(area), s.metricLabel(key)))
		return
	}
	if err != nil {
		s.areaError(w, r, false, area, err)
		return
	}
	http.Redirect(w, r, d.Href, http.StatusMovedPermanently)
}
