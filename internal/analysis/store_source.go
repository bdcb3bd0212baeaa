package analysis

import (
	"context"
	"errors"
	"fmt"

	"github.com/aicoo/aicoo/internal/odoo"
	"github.com/aicoo/aicoo/internal/store"
)

// StoreSource reads the records package odoosync copied into the store for
// one connection. A model the sync found not installed, or does not sync,
// is unavailable; before the connection's first sync every read is an error,
// so an analysis then fails visibly rather than reporting an empty company.
// It knows whether each model's copy is complete (Complete), so Run
// withholds the figures of an analysis that read an incomplete one.
type StoreSource struct {
	Store        *store.Store
	ConnectionID int64
	// Fields, when set, lists per model the fields each record keeps
	// (with "id" and "active"); a model not listed keeps every field.
	Fields map[string][]string
}

// decoder returns a decoder of model's records keeping s.Fields[model].
func (s StoreSource) decoder(model string) *recordDecoder {
	if keep, ok := s.Fields[model]; ok {
		return newRecordDecoder(keep)
	}
	return newRecordDecoder(nil)
}

// Records implements Source.
func (s StoreSource) Records(ctx context.Context, model string) ([]odoo.Record, error) {
	st, err := s.Store.OdooSyncStateGet(ctx, s.ConnectionID, model)
	if errors.Is(err, store.ErrNotFound) {
		states, lerr := s.Store.OdooSyncStateList(ctx, s.ConnectionID)
		if lerr != nil {
			return nil, lerr
		}
		if len(states) == 0 {
			return nil, fmt.Errorf("nothing has been synced from Odoo yet (reading %s)", model)
		}
		return nil, fmt.Errorf("model %s is not synced: %w", model, ErrUnavailable)
	}
	if err != nil {
		return nil, err
	}
	if st.Status == store.OdooSyncNotInstalled {
		return nil, fmt.Errorf("model %s (module not installed): %w", model, ErrUnavailable)
	}
	out := make([]odoo.Record, 0, st.RecordCount)
	dec := s.decoder(model)
	for rec, err := range s.Store.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: s.ConnectionID, Model: model, DataOnly: true}) {
		if err != nil {
			return nil, err
		}
		r, err := dec.decode(rec)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
