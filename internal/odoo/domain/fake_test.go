package domain

import (
	"slices"
)

// fakeSource is a tiny in-memory Source for tests.
type fakeSource struct {
	fields  map[string]map[string]Field
	records map[string]map[int64]map[string]any
	parents map[string]string
}

func (s *fakeSource) Field(model, name string) (Field, bool) {
	f, ok := s.fields[model][name]
	return f, ok
}

func (s *fakeSource) IDs(model string) []int64 {
	ids := make([]int64, 0, len(s.records[model]))
	for id := range s.records[model] {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (s *fakeSource) Value(model string, id int64, name string) any {
	return s.records[model][id][name]
}

func (s *fakeSource) DisplayName(model string, id int64) string {
	name, _ := s.records[model][id]["name"].(string)
	return name
}

func (s *fakeSource) ParentName(model string) string { return s.parents[model] }

func char() Field          { return Field{Type: TypeChar} }
func m2o(rel string) Field { return Field{Type: TypeMany2one, Relation: rel} }
func o2m(rel, inverse string) Field {
	return Field{Type: TypeOne2many, Relation: rel, InverseName: inverse}
}
func m2m(rel string) Field    { return Field{Type: TypeMany2many, Relation: rel} }
func typed(t FieldType) Field { return Field{Type: t} }

// newFakeSource returns a small dataset: countries, partners in a hierarchy,
// partner tags in a hierarchy, products (one archived), and invoices with
// lines.
func newFakeSource() *fakeSource {
	return &fakeSource{
		fields: map[string]map[string]Field{
			"res.country": {"name": char(), "code": char()},
			"res.partner.category": {
				"name": char(), "parent_id": m2o("res.partner.category"),
			},
			"res.partner": {
				"name": char(), "email": char(), "ref": char(),
				"is_company": typed(TypeBoolean), "active": typed(TypeBoolean),
				"credit_limit": typed(TypeFloat),
				"country_id":   m2o("res.country"),
				"parent_id":    m2o("res.partner"),
				"child_ids":    o2m("res.partner", "parent_id"),
				"category_id":  m2m("res.partner.category"),
			},
			"product.product": {
				"name": char(), "default_code": char(), "active": typed(TypeBoolean),
			},
			"account.move": {
				"name": char(), "ref": char(),
				"state":        typed(TypeSelection),
				"move_type":    typed(TypeSelection),
				"partner_id":   m2o("res.partner"),
				"amount_total": typed(TypeMonetary),
				"invoice_date": typed(TypeDate),
				"create_date":  typed(TypeDatetime),
				"to_check":     typed(TypeBoolean),
				"line_ids":     o2m("account.move.line", "move_id"),
				"sequence":     typed(TypeInteger),
				"narration":    typed(TypeHTML),
				"weird":        typed("json"),
			},
			"account.move.line": {
				"name": char(), "quantity": typed(TypeFloat),
				"move_id":    m2o("account.move"),
				"product_id": m2o("product.product"),
			},
		},
		records: map[string]map[int64]map[string]any{
			"res.country": {
				1: {"name": "Belgium", "code": "BE"},
				2: {"name": "France", "code": "FR"},
				3: {"name": "Österreich", "code": "AT"},
			},
			"res.partner.category": {
				1: {"name": "Vendor"},
				2: {"name": "Prospect"},
				3: {"name": "Gold Prospect", "parent_id": int64(2)},
			},
			"res.partner": {
				1: {"name": "Azure Interior", "is_company": true, "active": true, "country_id": int64(1),
					"email": "info@azure.example", "credit_limit": 1000.0, "category_id": []int64{1}, "ref": "AZ"},
				2: {"name": "Brandon Freeman", "parent_id": int64(1), "active": true, "country_id": int64(1),
					"email": "brandon@azure.example", "credit_limit": false, "category_id": []any{float64(3)}, "ref": false},
				3: {"name": "Colleen Diaz", "parent_id": []any{int64(1), "Azure Interior"}, "active": true,
					"country_id": 2, "email": "colleen@azure.example", "credit_limit": 50, "category_id": []int64{}, "ref": ""},
				4: {"name": "Deco Addict", "is_company": true, "active": true, "country_id": int64(2),
					"email": "deco@addict.example", "credit_limit": int64(500), "category_id": []int{1, 2}},
				5: {"name": "Addison Olson", "parent_id": int64(4), "country_id": false, "active": false,
					"email": false, "category_id": nil},
				6: {"name": "Nicole Ford", "parent_id": int64(2), "country_id": int64(1), "active": true},
			},
			"product.product": {
				1: {"name": "Office Desk", "default_code": "DESK", "active": true},
				2: {"name": "Office Chair", "default_code": "CHAIR", "active": true},
				3: {"name": "Old Lamp", "default_code": "LAMP", "active": false},
			},
			"account.move": {
				10: {"name": "INV/2024/0001", "state": "posted", "move_type": "out_invoice", "partner_id": int64(1),
					"amount_total": 100.0, "invoice_date": "2024-01-15", "create_date": "2024-01-15 09:30:00",
					"ref": "PO-77", "to_check": true, "sequence": int64(3)},
				11: {"name": "INV/2024/0002", "state": "draft", "move_type": "out_invoice", "partner_id": int64(2),
					"amount_total": 250.5, "invoice_date": false, "create_date": "2024-01-31 23:00:00", "ref": false},
				12: {"name": "BILL/2024/0001", "state": "posted", "move_type": "in_invoice", "partner_id": int64(4),
					"amount_total": false, "invoice_date": "2024-02-01", "create_date": "2024-02-01 00:00:00", "ref": "po-78"},
				13: {"name": "/", "state": "draft", "move_type": "entry", "partner_id": false,
					"amount_total": 40, "create_date": "2024-02-10T12:00:00"},
				14: {"name": "INV/2024/0003", "state": "cancel", "move_type": "out_invoice", "partner_id": int64(6),
					"amount_total": 75.0, "invoice_date": "2024-03-01 00:00:00", "create_date": "2024-03-01 08:00:00",
					"ref": "100%_sure", "sequence": int64(-1)},
			},
			"account.move.line": {
				100: {"move_id": int64(10), "product_id": int64(1), "quantity": 2.0, "name": "Desk"},
				101: {"move_id": int64(10), "product_id": int64(2), "quantity": 1.0, "name": "Chair"},
				102: {"move_id": int64(11), "product_id": int64(2), "quantity": 5.0, "name": "Chair"},
				103: {"move_id": int64(12), "product_id": int64(3), "quantity": 1.0, "name": "Lamp"},
				104: {"move_id": int64(14), "product_id": false, "quantity": 0.0, "name": "Note"},
			},
		},
	}
}
