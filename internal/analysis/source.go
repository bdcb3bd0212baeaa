package analysis

import (
	"context"
	"fmt"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo"
)

// DatasetSource reads records straight from an in-memory dataset, for
// evaluation against its ground truth and for tests. Many2one values are
// bare ids there, which odoo.Record decodes like Odoo's [id, name] pairs.
type DatasetSource struct {
	DS *dataset.Dataset
}

// Records implements Source. A model the dataset's schema lacks, that the
// dataset's Odoo version does not have, or whose module is not installed, is
// unavailable.
func (s DatasetSource) Records(_ context.Context, model string) ([]odoo.Record, error) {
	m, ok := s.DS.Schema().Model(model)
	if !ok {
		return nil, fmt.Errorf("model %s: %w", model, ErrUnavailable)
	}
	if !m.InVersion(dataset.MajorVersion(s.DS.Meta.OdooVersion)) {
		return nil, fmt.Errorf("model %s (not in Odoo %s): %w", model, s.DS.Meta.OdooVersion, ErrUnavailable)
	}
	if m.Module != "" && len(s.DS.Meta.Modules) > 0 && !s.DS.Meta.HasModule(m.Module) {
		return nil, fmt.Errorf("model %s (module %s not installed): %w", model, m.Module, ErrUnavailable)
	}
	recs := s.DS.Records(model)
	out := make([]odoo.Record, len(recs))
	for i, r := range recs {
		out[i] = odoo.Record(r)
	}
	return out, nil
}

// MapSource is a Source over records held in a map, for unit tests. A model
// missing from the map is unavailable.
type MapSource map[string][]odoo.Record

// Records implements Source.
func (s MapSource) Records(_ context.Context, model string) ([]odoo.Record, error) {
	recs, ok := s[model]
	if !ok {
		return nil, fmt.Errorf("model %s: %w", model, ErrUnavailable)
	}
	return recs, nil
}
