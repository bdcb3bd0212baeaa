package odoosim

import (
	"sort"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoo/domain"
)

// idFloor returns the smallest id a record must have to match d, read from
// ('id', '>', n) and ('id', '>=', n) conditions joined by AND at the top of
// the domain (the keyset paging a sync sends on every page), or 0 when
// there is none. Odoo answers such a search from the primary key's index;
// without the floor the simulator tested every record of the model on
// every page, which made a first sync of a large model quadratic.
func idFloor(d domain.Domain) int64 {
	switch d.Kind {
	case domain.KindAnd:
		var floor int64
		for _, c := range d.Children {
			floor = max(floor, idFloor(c))
		}
		return floor
	case domain.KindCond:
		if d.Cond.Path != "id" {
			return 0
		}
		n, ok := d.Cond.Value.(int64)
		if !ok {
			return 0
		}
		switch d.Cond.Op {
		case domain.OpGt:
			return n + 1
		case domain.OpGe:
			return n
		}
	}
	return 0
}

// recordsFrom returns model's records from id floor on, in id order (a
// view of the table, not a copy). Call with s.mu held.
func (s *Server) recordsFrom(model string, floor int64) []dataset.Record {
	recs := s.records(model)
	if floor <= 0 {
		return recs
	}
	return recs[sort.Search(len(recs), func(i int) bool { return recs[i].ID() >= floor }):]
}

// inIDOrder reports whether keys order by id ascending alone, the order
// match already returns.
func inIDOrder(keys []orderKey) bool {
	return len(keys) == 1 && keys[0].f != nil && keys[0].f.name == "id" && !keys[0].desc
}
