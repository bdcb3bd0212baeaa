package dataset

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const tinyDir = "testdata/tiny"

// copyDir copies the flat folder src into a new temporary folder.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func TestDefaultSchema(t *testing.T) {
	t.Parallel()
	s := DefaultSchema()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{
		"res.partner", "res.company", "res.currency", "res.currency.rate", "res.users", "account.account", "account.journal",
		"account.move", "account.move.line", "account.payment", "crm.lead", "crm.stage", "crm.lost.reason", "sale.order",
		"sale.order.line", "product.template", "product.product", "product.category", "uom.uom", "stock.location",
		"stock.warehouse", "stock.quant", "stock.warehouse.orderpoint", "stock.picking", "stock.picking.type", "stock.move",
		"purchase.order", "purchase.order.line", "hr.employee", "hr.expense", "hr.expense.sheet", "mail.activity",
		"mail.activity.type", "project.project", "project.task", "calendar.event", "helpdesk.ticket", "helpdesk.team",
		"helpdesk.stage", "mail.message", "ir.model", "aicoo.budget", "product.supplierinfo",
	} {
		m, ok := s.Model(name)
		if !ok {
			t.Errorf("model %s missing", name)
			continue
		}
		for _, f := range []string{"id", "display_name", "create_date", "write_date", "create_uid", "write_uid"} {
			if _, ok := m.Field(f); !ok {
				t.Errorf("%s.%s missing", name, f)
			}
		}
	}
	if m, _ := s.Model("res.partner"); m != nil {
		if f, ok := m.Field("active"); !ok || f.Default != true {
			t.Errorf("res.partner.active missing or not defaulting to true")
		}
	}
}

func TestVersionDifferences(t *testing.T) {
	t.Parallel()
	s := DefaultSchema()
	field := func(model, name string) *Field {
		m, ok := s.Model(model)
		if !ok {
			t.Fatalf("no model %s", model)
		}
		f, ok := m.Field(name)
		if !ok {
			t.Fatalf("no field %s.%s", model, name)
		}
		return f
	}
	tests := []struct {
		model, field string
		version      int
		want         string // "" means absent
	}{
		{"stock.move", "quantity", 16, "quantity_done"},
		{"stock.move", "quantity", 17, "quantity"},
		{"stock.move", "picked", 16, ""},
		{"product.template", "is_storable", 17, ""},
		{"product.template", "is_storable", 18, "is_storable"},
		{"product.template", "detailed_type", 17, "detailed_type"},
		{"product.template", "detailed_type", 18, ""},
		{"account.move", "checked", 17, "to_check"},
		{"account.move", "origin_payment_id", 16, "payment_id"},
		{"sale.order.line", "product_uom", 19, "product_uom_id"},
		{"sale.order.line", "tax_id", 19, "tax_ids"},
		{"res.partner", "mobile", 19, ""},
		{"crm.lead", "won_status", 18, ""},
		{"crm.lead", "won_status", 19, "won_status"},
		{"hr.expense", "price_unit", 16, "unit_amount"},
		{"hr.expense", "total_amount", 16, "total_amount_company"},
		{"hr.expense", "total_amount_currency", 16, "total_amount"},
		{"hr.expense", "sheet_id", 19, ""},
		{"account.account", "company_id", 17, "company_id"},
		{"account.account", "company_ids", 17, ""},
	}
	for _, tt := range tests {
		got, ok := field(tt.model, tt.field).NameIn(tt.version)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("%s.%s in %d: got %q, want %q", tt.model, tt.field, tt.version, got, tt.want)
		}
	}
	if got := field("project.task", "date_deadline").TypeIn(16); got != Date {
		t.Errorf("project.task.date_deadline in 16: got %s, want date", got)
	}
	if m, _ := s.Model("hr.expense.sheet"); m.InVersion(19) || !m.InVersion(17) {
		t.Errorf("hr.expense.sheet should exist in 17 and not in 19")
	}
	st := field("account.move", "payment_state")
	has := func(opts []Option, v string) bool {
		for _, o := range opts {
			if o.Value == v {
				return true
			}
		}
		return false
	}
	if has(st.SelectionIn(17), "blocked") || !has(st.SelectionIn(18), "blocked") {
		t.Errorf("payment_state blocked should exist in 18 only")
	}
	m, _ := s.Model("stock.move")
	names := map[string]bool{}
	for _, vf := range m.FieldsIn(16) {
		names[vf.Name] = true
	}
	if !names["quantity_done"] || names["quantity"] {
		t.Errorf("FieldsIn(16) of stock.move should expose quantity_done, not quantity")
	}
	if MajorVersion("17.0") != 17 || MajorVersion("saas~18.2") != 18 || MajorVersion("x") != CanonicalVersion {
		t.Errorf("MajorVersion parses wrongly")
	}
}

func TestLoadTiny(t *testing.T) {
	t.Parallel()
	d, err := Load(tinyDir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Meta.OdooVersion != "17.0" || d.Meta.Major() != 17 || !d.Meta.HasModule("sale") {
		t.Errorf("meta: %+v", d.Meta)
	}
	if got := d.Len("account.move.line"); got != 2 {
		t.Fatalf("move lines: got %d", got)
	}
	line := d.Get("account.move.line", 1)
	if v, ok := line["quantity"].(float64); !ok || v != 12 {
		t.Errorf("quantity: got %#v, want float64 12", line["quantity"])
	}
	if v, ok := line["move_id"].(int64); !ok || v != 1 {
		t.Errorf("move_id: got %#v, want int64 1", line["move_id"])
	}
	if line["product_id"] != false || line["date_maturity"] != false {
		t.Errorf("empty fields not filled with false: %#v %#v", line["product_id"], line["date_maturity"])
	}
	if v, ok := line["tax_ids"].([]int64); !ok || len(v) != 0 {
		t.Errorf("empty many2many: got %#v", line["tax_ids"])
	}
	if _, ok := line["display_name"]; ok {
		t.Errorf("derived display_name should not be filled")
	}
	if p := d.Get("res.partner", 3); p["active"] != true {
		t.Errorf("active default: got %#v", p["active"])
	}
	if u := d.Get("res.users", 2); !reflect.DeepEqual(u.IDs("company_ids"), []int64{1}) {
		t.Errorf("company_ids: %#v", u["company_ids"])
	}
	o2m := func(model string, id int64, field string) []int64 {
		ids, err := d.One2many(model, id, field)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	if got := o2m("account.move", 1, "line_ids"); !reflect.DeepEqual(got, []int64{1, 2}) {
		t.Errorf("line_ids: %v", got)
	}
	if got := o2m("account.move", 1, "invoice_line_ids"); !reflect.DeepEqual(got, []int64{1}) {
		t.Errorf("invoice_line_ids: %v", got)
	}
	if got := o2m("res.partner", 3, "child_ids"); !reflect.DeepEqual(got, []int64{4}) {
		t.Errorf("child_ids: %v", got)
	}
	if _, err := d.One2many("account.move", 1, "partner_id"); err == nil {
		t.Errorf("One2many on a many2one should fail")
	}
	if d.GroundTruth == nil || len(d.GroundTruth.Items) != 1 || !d.GroundTruth.Items[0].NearMiss {
		t.Errorf("ground truth: %+v", d.GroundTruth)
	}
	if got := d.GroundTruth.ByKind(KindOverdueInvoice, true); len(got) != 1 {
		t.Errorf("ByKind: %v", got)
	}
	if err := d.Validate(); err != nil {
		t.Errorf("Validate after Load: %v", err)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	d1, err := Load(tinyDir)
	if err != nil {
		t.Fatal(err)
	}
	dir1, dir2 := t.TempDir(), t.TempDir()
	if err := d1.Save(dir1); err != nil {
		t.Fatal(err)
	}
	d2, err := Load(dir1)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d1.Meta, d2.Meta) {
		t.Errorf("meta differs:\n%+v\n%+v", d1.Meta, d2.Meta)
	}
	if !reflect.DeepEqual(d1.GroundTruth, d2.GroundTruth) {
		t.Errorf("ground truth differs")
	}
	if !reflect.DeepEqual(d1.Models(), d2.Models()) {
		t.Fatalf("models differ: %v vs %v", d1.Models(), d2.Models())
	}
	for _, m := range d1.Models() {
		if !reflect.DeepEqual(d1.Records(m), d2.Records(m)) {
			t.Errorf("%s differs after round trip", m)
		}
	}
	if err := d2.Save(dir2); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir1)
	for _, e := range entries {
		a, _ := os.ReadFile(filepath.Join(dir1, e.Name()))
		b, err := os.ReadFile(filepath.Join(dir2, e.Name()))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s is not byte-identical after a second save", e.Name())
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir1, "account.move.line.json"))
	if !bytes.HasPrefix(b, []byte("[\n{\"id\":1,\"move_id\":1,")) {
		t.Errorf("unexpected layout: %.60s", b)
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		file  string
		from  string // text to replace ("" writes content as the whole file)
		to    string
		wants []string
	}{
		{"unknown field", "account.move.line.json", `"name": "Widgets"`, `"nmae": "Widgets"`,
			[]string{"account.move.line.json: record 0 (id 1)", `field "nmae"`, "unknown field"}},
		{"wrong type", "account.move.line.json", `"price_unit": 100`, `"price_unit": "100"`,
			[]string{"record 0 (id 1)", `field "price_unit"`, "want a number"}},
		{"dangling many2one", "account.move.json", `"partner_id": 3`, `"partner_id": 99`,
			[]string{"account.move.json: record 0 (id 1)", `field "partner_id"`, "res.partner id 99 does not exist"}},
		{"dangling many2many", "res.users.json", `"company_ids": [1]`, `"company_ids": [1, 7]`,
			[]string{"res.users.json: record 0 (id 2)", `field "company_ids"`, "res.company id 7 does not exist"}},
		{"bad date", "account.move.json", `"invoice_date": "2025-01-15"`, `"invoice_date": "15/01/2025"`,
			[]string{`field "invoice_date"`, "not a date"}},
		{"impossible date", "account.move.json", `"invoice_date": "2025-01-15"`, `"invoice_date": "2025-02-30"`,
			[]string{`field "invoice_date"`, "not a date"}},
		{"nested object", "res.partner.json", `"name": "Acme Corp"`, `"name": {"x": 1}`,
			[]string{"res.partner.json: record 2 (id 3)", `field "name"`, "want a string or false, got an object"}},
		{"duplicate key", "res.partner.json", `{"id": 4,`, `{"id": 4, "id": 4,`,
			[]string{"res.partner.json", "record 3", `"id" appears twice`}},
		{"trailing data", "res.partner.json", "}\n]", "}\n] x",
			[]string{"res.partner.json", "unexpected data after the array"}},
		{"bad number", "account.move.line.json", `"price_unit": 100`, `"price_unit": 01`,
			[]string{"account.move.line.json", "record 0: line 3", "invalid number"}},
		{"bad datetime", "account.move.json", `"create_date": "2025-01-15 09:30:00"`, `"create_date": "2025-01-15T09:30:00Z"`,
			[]string{`field "create_date"`, "not a datetime"}},
		{"bad selection", "account.move.json", `"state": "posted"`, `"state": "open"`,
			[]string{`field "state"`, `"open" is not one of draft, posted, cancel`}},
		{"null", "account.move.json", `"invoice_user_id": 2`, `"invoice_user_id": null`,
			[]string{`field "invoice_user_id"`, "use false"}},
		{"one2many stored", "account.move.json", `"journal_id": 1,`, `"journal_id": 1, "line_ids": [1, 2],`,
			[]string{`field "line_ids"`, "derived from account.move.line.move_id"}},
		{"missing required", "account.move.line.json", `"account_id": 2, `, ``,
			[]string{"record 0 (id 1)", `field "account_id"`, "required"}},
		{"duplicate id", "res.partner.json", `{"id": 4,`, `{"id": 3,`,
			[]string{"res.partner.json", "ids must be unique"}},
		{"bad id", "res.partner.json", `{"id": 4,`, `{"id": "4",`,
			[]string{"res.partner.json: record 3", `field "id"`}},
		{"unknown model", "res.widget.json", "", `[]`,
			[]string{"res.widget.json", `no model "res.widget"`}},
		{"not an array", "res.partner.json", "", `{"id": 1}`,
			[]string{"res.partner.json", "JSON array"}},
		{"manifest version", "manifest.json", `"format_version": 1`, `"format_version": 9`,
			[]string{"manifest.json", "format_version 9"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := copyDir(t, tinyDir)
			path := filepath.Join(dir, tt.file)
			content := tt.to
			if tt.from != "" {
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(b, []byte(tt.from)) {
					t.Fatalf("%s does not contain %q", tt.file, tt.from)
				}
				content = strings.Replace(string(b), tt.from, tt.to, 1)
			}
			if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, w := range tt.wants {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if !strings.HasPrefix(err.Error(), "dataset: ") {
				t.Errorf("error lacks the package prefix: %q", err)
			}
		})
	}
}

func TestParseRecords(t *testing.T) {
	t.Parallel()
	in := `[ {"id": 1, "name": "Caf\u00e9 \"Q\"\n\ud83d\ude00", "x": -12.5e1, "ids": [1, 2], "mix": [1, "a"], "n": null, "b": true} ]`
	recs, err := parseRecords([]byte(in), []string{"id", "name"}, 4)
	if err != nil {
		t.Fatal(err)
	}
	r := recs[0]
	if r["name"] != "Café \"Q\"\n😀" || r["x"] != -125.0 || r["id"] != int64(1) || r["b"] != true || r["n"] != nil {
		t.Errorf("parsed %#v", r)
	}
	if !reflect.DeepEqual(r["ids"], []int64{1, 2}) || !reflect.DeepEqual(r["mix"], []any{int64(1), "a"}) {
		t.Errorf("lists: %#v %#v", r["ids"], r["mix"])
	}
	for _, bad := range []string{`[`, `[{"id":1}`, `[{"id":1,}]`, `[{"id":tru}]`, `[{"id":"a\x"}]`, `[1]`, `[{"id":1}] 2`, `[{"id":-}]`} {
		if _, err := parseRecords([]byte(bad), nil, 1); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if recs, err := parseRecords([]byte(" [ ] "), nil, 1); err != nil || len(recs) != 0 {
		t.Errorf("empty array: %v %v", recs, err)
	}
}

func TestValidationErrorsAs(t *testing.T) {
	t.Parallel()
	d := New(Meta{OdooVersion: "17.0"}, nil)
	if _, err := d.Add("res.partner", Record{"name": "A", "country_id": int64(5)}); err != nil {
		t.Fatal(err)
	}
	err := d.Validate()
	var ves ValidationErrors
	if !errors.As(err, &ves) || len(ves) != 1 {
		t.Fatalf("want one ValidationError, got %v", err)
	}
	if ves[0].File != "res.partner.json" || ves[0].Index != 0 || ves[0].ID != 1 || ves[0].Field != "country_id" {
		t.Errorf("unexpected error fields: %+v", ves[0])
	}
}

func TestAddGetDelete(t *testing.T) {
	t.Parallel()
	d := New(Meta{OdooVersion: "18.0"}, nil)
	id1, err := d.Add("res.partner", Record{"name": "A"})
	if err != nil || id1 != 1 {
		t.Fatalf("first id: %d %v", id1, err)
	}
	if _, err := d.Add("res.partner", Record{"id": int64(10), "name": "B", "parent_id": int64(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Add("res.partner", Record{"id": int64(5), "name": "C"}); err == nil {
		t.Errorf("adding a lower id should fail")
	}
	if _, err := d.Add("res.nothing", Record{}); err == nil {
		t.Errorf("adding to an unknown model should fail")
	}
	if got := d.NextID("res.partner"); got != 11 {
		t.Errorf("NextID: %d", got)
	}
	if ids, _ := d.One2many("res.partner", 1, "child_ids"); !reflect.DeepEqual(ids, []int64{10}) {
		t.Errorf("child_ids: %v", ids)
	}
	if !d.Delete("res.partner", 10) || d.Delete("res.partner", 10) {
		t.Errorf("Delete should succeed once")
	}
	if ids, _ := d.One2many("res.partner", 1, "child_ids"); len(ids) != 0 {
		t.Errorf("child_ids after delete: %v", ids)
	}
	if d.Get("res.partner", 1).Str("name") != "A" || d.Get("res.partner", 10) != nil {
		t.Errorf("Get after delete")
	}
}
