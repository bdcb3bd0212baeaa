package domain

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

type evalCase struct {
	name   string
	model  string // defaults to account.move
	domain string // JSON wire form
	want   []int64
	active bool // EvalOpts.ActiveTest
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	src := newFakeSource()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			model := tc.model
			if model == "" {
				model = "account.move"
			}
			d, err := ParseJSON([]byte(tc.domain))
			if err != nil {
				t.Fatalf("ParseJSON(%s): %v", tc.domain, err)
			}
			m, err := d.Compile(src, model, &EvalOpts{ActiveTest: tc.active})
			if err != nil {
				t.Fatalf("Compile(%s): %v", tc.domain, err)
			}
			got := m.Search()
			want := tc.want
			if want == nil {
				want = []int64{}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s on %s = %v, want %v", tc.domain, model, got, want)
			}
			// Match must agree with Filter record by record.
			for _, id := range src.IDs(model) {
				if m.Match(id) != slices.Contains(want, id) {
					t.Errorf("Match(%d) = %v, disagrees with want %v", id, m.Match(id), want)
				}
			}
		})
	}
}

func TestEvalScalarOperators(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{name: "empty domain", domain: `[]`, want: []int64{10, 11, 12, 13, 14}},
		{name: "eq selection", domain: `[["state","=","posted"]]`, want: []int64{10, 12}},
		{name: "ne selection", domain: `[["state","!=","posted"]]`, want: []int64{11, 13, 14}},
		{name: "diamond ne", domain: `[["state","<>","posted"]]`, want: []int64{11, 13, 14}},
		{name: "upper-case operator", domain: `[["state","IN",["posted"]]]`, want: []int64{10, 12}},
		{name: "in", domain: `[["state","in",["draft","cancel"]]]`, want: []int64{11, 13, 14}},
		{name: "not in", domain: `[["state","not in",["draft"]]]`, want: []int64{10, 12, 14}},
		{name: "in empty list", domain: `[["state","in",[]]]`, want: nil},
		{name: "not in empty list", domain: `[["state","not in",[]]]`, want: []int64{10, 11, 12, 13, 14}},
		{name: "eq list becomes in", domain: `[["state","=",["draft","cancel"]]]`, want: []int64{11, 13, 14}},

		// Null semantics on char.
		{name: "eq false matches unset", domain: `[["ref","=",false]]`, want: []int64{11, 13}},
		{name: "eq null matches unset", domain: `[["ref","=",null]]`, want: []int64{11, 13}},
		{name: "ne false matches set", domain: `[["ref","!=",false]]`, want: []int64{10, 12, 14}},
		{name: "ne value includes unset", domain: `[["ref","!=","PO-77"]]`, want: []int64{11, 12, 13, 14}},
		{name: "in with false", domain: `[["ref","in",["PO-77",false]]]`, want: []int64{10, 11, 13}},
		{name: "not in with false excludes unset", domain: `[["ref","not in",["PO-77",false]]]`, want: []int64{12, 14}},
		{name: "not in without false includes unset", domain: `[["ref","not in",["PO-77"]]]`, want: []int64{11, 12, 13, 14}},
		{name: "in with bool becomes eq", domain: `[["ref","in",false]]`, want: []int64{11, 13}},
		{name: "eq if set with false is true", domain: `[["invoice_date","=?",false]]`, want: []int64{10, 11, 12, 13, 14}},
		{name: "eq if set with value", domain: `[["state","=?","draft"]]`, want: []int64{11, 13}},
		{name: "html unset", domain: `[["narration","=",false]]`, want: []int64{10, 11, 12, 13, 14}},

		// Pattern operators.
		{name: "ilike substring", domain: `[["ref","ilike","po"]]`, want: []int64{10, 12}},
		{name: "like is case-sensitive", domain: `[["ref","like","PO"]]`, want: []int64{10}},
		{name: "not like includes unset", domain: `[["ref","not like","PO"]]`, want: []int64{11, 12, 13, 14}},
		{name: "not ilike includes unset", domain: `[["ref","not ilike","po"]]`, want: []int64{11, 13, 14}},
		{name: "=like uses pattern as given", domain: `[["ref","=like","PO%"]]`, want: []int64{10}},
		{name: "=like without wildcard is exact", domain: `[["ref","=like","PO"]]`, want: nil},
		{name: "=ilike with underscores", domain: `[["ref","=ilike","po-__"]]`, want: []int64{10, 12}},
		{name: "not =ilike", domain: `[["ref","not =ilike","po-__"]]`, want: []int64{11, 13, 14}},
		{name: "like wildcard inside value", domain: `[["name","like","INV%3"]]`, want: []int64{14}},
		{name: "like escaped percent", domain: `[["ref","like","100\\%"]]`, want: []int64{14}},
		{name: "like escaped underscore", domain: `[["ref","like","%\\_s"]]`, want: []int64{14}},
		{name: "like percent matches all", domain: `[["ref","like","%"]]`, want: []int64{10, 11, 12, 13, 14}},
		{name: "ilike empty matches all", domain: `[["ref","ilike",""]]`, want: []int64{10, 11, 12, 13, 14}},
		{name: "not ilike empty matches none", domain: `[["ref","not ilike",""]]`, want: nil},
		{name: "ilike false is empty pattern", domain: `[["ref","ilike",false]]`, want: []int64{10, 11, 12, 13, 14}},
		{name: "ilike on number", domain: `[["amount_total","ilike","25"]]`, want: []int64{11}},

		// Numbers: empty is 0.
		{name: "gt float", domain: `[["amount_total",">",50]]`, want: []int64{10, 11, 14}},
		{name: "lt counts empty as zero", domain: `[["amount_total","<",50]]`, want: []int64{12, 13}},
		{name: "eq false on number is zero", domain: `[["amount_total","=",false]]`, want: []int64{12}},
		{name: "eq zero", domain: `[["amount_total","=",0]]`, want: []int64{12}},
		{name: "ne zero", domain: `[["amount_total","!=",0]]`, want: []int64{10, 11, 13, 14}},
		{name: "ge fractional", domain: `[["amount_total",">=",250.5]]`, want: []int64{11}},
		{name: "le numeric string", domain: `[["amount_total","<=","100"]]`, want: []int64{10, 12, 13, 14}},
		{name: "integer lt", domain: `[["sequence","<",1]]`, want: []int64{11, 12, 13, 14}},
		{name: "integer eq false", domain: `[["sequence","=",false]]`, want: []int64{11, 12, 13}},
		{name: "lt false matches nothing", domain: `[["amount_total","<",false]]`, want: nil},

		// Booleans: empty is false.
		{name: "bool eq false", domain: `[["to_check","=",false]]`, want: []int64{11, 12, 13, 14}},
		{name: "bool ne true", domain: `[["to_check","!=",true]]`, want: []int64{11, 12, 13, 14}},
		{name: "bool eq true", domain: `[["to_check","=",true]]`, want: []int64{10}},
		{name: "bool eq 1", domain: `[["to_check","=",1]]`, want: []int64{10}},
		{name: "bool in both", domain: `[["to_check","in",[true,false]]]`, want: []int64{10, 11, 12, 13, 14}},

		// Dates and datetimes.
		{name: "date lt skips unset", domain: `[["invoice_date","<","2024-02-01"]]`, want: []int64{10}},
		{name: "date ge", domain: `[["invoice_date",">=","2024-02-01"]]`, want: []int64{12, 14}},
		{name: "not date lt is the complement", domain: `["!",["invoice_date","<","2024-02-01"]]`, want: []int64{11, 12, 13, 14}},
		{name: "date eq false", domain: `[["invoice_date","=",false]]`, want: []int64{11, 13}},
		{name: "date stored as datetime string", domain: `[["invoice_date","=","2024-03-01"]]`, want: []int64{14}},
		{name: "datetime le date is end of day", domain: `[["create_date","<=","2024-01-31"]]`, want: []int64{10, 11}},
		{name: "datetime gt date is end of day", domain: `[["create_date",">","2024-01-31"]]`, want: []int64{12, 13, 14}},
		{name: "datetime eq date is midnight", domain: `[["create_date","=","2024-02-01"]]`, want: []int64{12}},
		{name: "datetime ge date is midnight", domain: `[["create_date",">=","2024-02-01"]]`, want: []int64{12, 13, 14}},
		{name: "datetime lt datetime", domain: `[["create_date","<","2024-02-01 00:00:00"]]`, want: []int64{10, 11}},
		{name: "datetime with T separator", domain: `[["create_date","=","2024-02-10 12:00:00"]]`, want: []int64{13}},

		// id and display_name are built in.
		{name: "id in", domain: `[["id","in",[10,12]]]`, want: []int64{10, 12}},
		{name: "id gt", domain: `[["id",">",12]]`, want: []int64{13, 14}},
		{name: "id eq false", domain: `[["id","=",false]]`, want: nil},
		{name: "display_name ilike", domain: `[["display_name","ilike","bill"]]`, want: []int64{12}},
	})
}

func TestEvalLogic(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{name: "implicit and", domain: `[["state","=","posted"],["amount_total",">",50]]`, want: []int64{10}},
		{name: "or and nested", domain: `["|",["state","=","draft"],"&",["amount_total",">",80],["partner_id.country_id.code","=","BE"]]`, want: []int64{10, 11, 13}},
		{name: "not or", domain: `["!","|",["state","=","draft"],["state","=","cancel"]]`, want: []int64{10, 12}},
		{name: "and not or", domain: `["&","!",["state","=","draft"],"|",["ref","=",false],["amount_total","<",50]]`, want: []int64{12}},
		{name: "double not", domain: `["!","!",["state","=","draft"]]`, want: []int64{11, 13}},
		{name: "or with trailing implicit and", domain: `["|",["state","=","draft"],["state","=","cancel"],["amount_total",">",50]]`, want: []int64{11, 14}},
		{name: "true leaf", domain: `[[1,"=",1]]`, want: []int64{10, 11, 12, 13, 14}},
		{name: "false leaf", domain: `[[0,"=",1]]`, want: nil},
		{name: "or false leaf", domain: `["|",[0,"=",1],["state","=","cancel"]]`, want: []int64{14}},
		{name: "not true leaf", domain: `["!",[1,"=",1]]`, want: nil},
		{name: "not eq if set", domain: `["!",["state","=?","draft"]]`, want: []int64{10, 12, 14}},
	})
}

func TestEvalRelational(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		// many2one with ids.
		{name: "m2o eq id", domain: `[["partner_id","=",1]]`, want: []int64{10}},
		{name: "m2o ne id includes unset", domain: `[["partner_id","!=",1]]`, want: []int64{11, 12, 13, 14}},
		{name: "m2o eq false", domain: `[["partner_id","=",false]]`, want: []int64{13}},
		{name: "m2o ne false", domain: `[["partner_id","!=",false]]`, want: []int64{10, 11, 12, 14}},
		{name: "m2o in ids", domain: `[["partner_id","in",[1,4]]]`, want: []int64{10, 12}},
		{name: "m2o in ids and false", domain: `[["partner_id","in",[1,false]]]`, want: []int64{10, 13}},
		{name: "m2o not in ids", domain: `[["partner_id","not in",[1,4]]]`, want: []int64{11, 13, 14}},
		{name: "m2o gt id skips unset", domain: `[["partner_id",">",2]]`, want: []int64{12, 14}},
		// many2one with names.
		{name: "m2o ilike name", domain: `[["partner_id","ilike","azure"]]`, want: []int64{10}},
		{name: "m2o not ilike name includes unset", domain: `[["partner_id","not ilike","azure"]]`, want: []int64{11, 12, 13, 14}},
		{name: "m2o eq name", domain: `[["partner_id","=","Deco Addict"]]`, want: []int64{12}},
		{name: "m2o eq partial name", domain: `[["partner_id","=","Deco"]]`, want: nil},
		{name: "m2o in names", domain: `[["partner_id","in",["Deco Addict","Nicole Ford"]]]`, want: []int64{12, 14}},
		{name: "m2o ne name", domain: `[["partner_id","!=","Deco Addict"]]`, want: []int64{10, 11, 13, 14}},
		// Dotted paths.
		{name: "path m2o m2o", domain: `[["partner_id.country_id.code","=","BE"]]`, want: []int64{10, 11, 14}},
		{name: "path negative needs a partner", domain: `[["partner_id.country_id.code","!=","BE"]]`, want: []int64{12}},
		{name: "not path", domain: `["!",["partner_id.country_id.code","=","BE"]]`, want: []int64{12, 13}},
		{name: "path ilike", domain: `[["partner_id.name","ilike","a"]]`, want: []int64{10, 11, 12}},
		{name: "path m2o id", domain: `[["partner_id.id","=",4]]`, want: []int64{12}},
		{name: "path m2o eq false", domain: `[["partner_id.country_id","=",false]]`, want: nil},
		{name: "path o2m m2o field", domain: `[["line_ids.product_id.default_code","=","CHAIR"]]`, want: []int64{10, 11}},
		{name: "path o2m negative is some line", domain: `[["line_ids.product_id","!=",2]]`, want: []int64{10, 12, 14}},
		{name: "path o2m archived product", domain: `[["line_ids.product_id","=",3]]`, want: []int64{12}, active: true},
		// any / not any.
		{name: "any o2m", domain: `[["line_ids","any",[["quantity",">",1]]]]`, want: []int64{10, 11}},
		{name: "not any o2m", domain: `[["line_ids","not any",[["product_id","=",2]]]]`, want: []int64{12, 13, 14}},
		{name: "any m2o", domain: `[["partner_id","any",[["is_company","=",true]]]]`, want: []int64{10, 12}},
		{name: "not any m2o includes unset", domain: `[["partner_id","not any",[["is_company","=",true]]]]`, want: []int64{11, 13, 14}},
		{name: "any empty sub-domain", domain: `[["line_ids","any",[]]]`, want: []int64{10, 11, 12, 14}},
		{name: "any nested path", domain: `[["line_ids","any",[["product_id.name","ilike","lamp"]]]]`, want: []int64{12}},
		{name: "not of any flips", domain: `["!",["line_ids","any",[["quantity",">",1]]]]`, want: []int64{12, 13, 14}},
		// x2many compared with ids and False.
		{name: "o2m eq false is empty", domain: `[["line_ids","=",false]]`, want: []int64{13}},
		{name: "o2m ne false", domain: `[["line_ids","!=",false]]`, want: []int64{10, 11, 12, 14}},
		{name: "o2m in ids", domain: `[["line_ids","in",[103]]]`, want: []int64{12}},
		{name: "o2m not in ids", domain: `[["line_ids","not in",[100,103]]]`, want: []int64{11, 13, 14}},
		{name: "o2m ilike name", domain: `[["line_ids","ilike","chair"]]`, want: []int64{10, 11}},

		// res.partner: many2many, one2many on itself, active_test.
		{name: "m2m in", model: "res.partner", domain: `[["category_id","in",[1]]]`, want: []int64{1, 4}},
		{name: "m2m eq name", model: "res.partner", domain: `[["category_id","=","Prospect"]]`, want: []int64{4}},
		{name: "m2m ilike name", model: "res.partner", domain: `[["category_id","ilike","prospect"]]`, want: []int64{2, 4}},
		{name: "m2m not ilike name", model: "res.partner", domain: `[["category_id","not ilike","prospect"]]`, want: []int64{1, 3, 5, 6}},
		{name: "m2m eq false", model: "res.partner", domain: `[["category_id","=",false]]`, want: []int64{3, 5, 6}},
		{name: "m2m in with false", model: "res.partner", domain: `[["category_id","in",[2,false]]]`, want: []int64{3, 4, 5, 6}},
		{name: "m2m ne id", model: "res.partner", domain: `[["category_id","!=",1]]`, want: []int64{2, 3, 5, 6}},
		{name: "m2o eq name list value", model: "res.partner", domain: `[["country_id","=","Belgium"]]`, want: []int64{1, 2, 6}},
		{name: "m2o not in names", model: "res.partner", domain: `[["country_id","not in",["Belgium"]]]`, want: []int64{3, 4, 5}},
		{name: "m2o stored as pair", model: "res.partner", domain: `[["parent_id","=",1]]`, want: []int64{2, 3}},
		{name: "o2m self eq false", model: "res.partner", domain: `[["child_ids","=",false]]`, want: []int64{3, 5, 6}},
		{name: "o2m self path", model: "res.partner", domain: `[["child_ids.name","ilike","nicole"]]`, want: []int64{2}},
		{name: "o2m any archived child", model: "res.partner", domain: `[["child_ids","any",[["active","=",false]]]]`, want: []int64{4}},
		{name: "o2m path skips archived with active_test", model: "res.partner", domain: `[["child_ids.name","=","Addison Olson"]]`, want: nil, active: true},
		{name: "o2m path sees archived without active_test", model: "res.partner", domain: `[["child_ids.name","=","Addison Olson"]]`, want: []int64{4}},
		{name: "email =like", model: "res.partner", domain: `[["email","=like","%@azure.example"]]`, want: []int64{1, 2, 3}},
		{name: "float eq zero", model: "res.partner", domain: `[["credit_limit","=",0]]`, want: []int64{2, 5, 6}},
		{name: "char eq empty string is falsy", model: "res.partner", domain: `[["ref","=",""]]`, want: []int64{2, 3, 4, 5, 6}},
		{name: "char ne empty string", model: "res.partner", domain: `[["ref","!=",""]]`, want: []int64{1}},
		{name: "active eq false", model: "res.partner", domain: `[["active","=",false]]`, want: []int64{5}},

		// active_test.
		{name: "active_test hides archived", model: "res.partner", domain: `[]`, want: []int64{1, 2, 3, 4, 6}, active: true},
		{name: "active_test off", model: "res.partner", domain: `[]`, want: []int64{1, 2, 3, 4, 5, 6}},
		{name: "active_test skipped when domain mentions active", model: "res.partner", domain: `[["active","in",[true,false]]]`, want: []int64{1, 2, 3, 4, 5, 6}, active: true},
		{name: "active_test skipped for nested mention", model: "res.partner", domain: `["|",["active","=",false],["name","=","Azure Interior"]]`, want: []int64{1, 5}, active: true},
		{name: "active_test on model without active", domain: `[]`, want: []int64{10, 11, 12, 13, 14}, active: true},
	})
}

func TestEvalHierarchy(t *testing.T) {
	t.Parallel()
	runEvalCases(t, []evalCase{
		{name: "id child_of", model: "res.partner", domain: `[["id","child_of",1]]`, want: []int64{1, 2, 3, 6}},
		{name: "id child_of list", model: "res.partner", domain: `[["id","child_of",[2,4]]]`, want: []int64{2, 4, 5, 6}},
		{name: "id child_of name", model: "res.partner", domain: `[["id","child_of","azure"]]`, want: []int64{1, 2, 3, 6}},
		{name: "id child_of false", model: "res.partner", domain: `[["id","child_of",false]]`, want: nil},
		{name: "id parent_of", model: "res.partner", domain: `[["id","parent_of",6]]`, want: []int64{1, 2, 6}},
		{name: "id parent_of names", model: "res.partner", domain: `[["id","parent_of",["olson"]]]`, want: []int64{4, 5}},
		{name: "m2o self child_of", model: "res.partner", domain: `[["parent_id","child_of",1]]`, want: []int64{1, 2, 3, 6}},
		{name: "not child_of", model: "res.partner", domain: `["!",["id","child_of",1]]`, want: []int64{4, 5}},
		{name: "m2m child_of", model: "res.partner", domain: `[["category_id","child_of",2]]`, want: []int64{2, 4}},
		{name: "m2m parent_of", model: "res.partner", domain: `[["category_id","parent_of",2]]`, want: []int64{4}},
		{name: "m2m parent_of leaf", model: "res.partner", domain: `[["category_id","parent_of",3]]`, want: []int64{2, 4}},
		{name: "m2o other model child_of", domain: `[["partner_id","child_of",1]]`, want: []int64{10, 11, 14}},
		{name: "m2o other model child_of name", domain: `[["partner_id","child_of","Deco"]]`, want: []int64{12}},
		{name: "m2o other model parent_of", domain: `[["partner_id","parent_of",6]]`, want: []int64{10, 11, 14}},
	})
}

func TestEvalErrors(t *testing.T) {
	t.Parallel()
	src := newFakeSource()
	cases := []struct {
		name, domain, want string
		field              *FieldError
	}{
		{name: "unknown field", domain: `[["nope","=",1]]`, want: "domain: Invalid field 'nope' on model 'account.move'",
			field: &FieldError{Model: "account.move", Field: "nope"}},
		{name: "unknown field in path", domain: `[["partner_id.nope","=",1]]`, want: "domain: Invalid field 'nope' on model 'res.partner'",
			field: &FieldError{Model: "res.partner", Field: "nope"}},
		{name: "path through scalar", domain: `[["state.foo","=",1]]`, want: "domain: Invalid field 'state.foo' on model 'account.move'",
			field: &FieldError{Model: "account.move", Field: "state.foo"}},
		{name: "unknown field in any", domain: `[["line_ids","any",[["nope","=",1]]]]`, want: "Invalid field 'nope' on model 'account.move.line'",
			field: &FieldError{Model: "account.move.line", Field: "nope"}},
		{name: "unknown field under not", domain: `["!",["nope","=",1]]`, want: "Invalid field 'nope'",
			field: &FieldError{Model: "account.move", Field: "nope"}},
		{name: "any on char", domain: `[["state","any",[]]]`, want: `operator "any" needs a relational field`},
		{name: "child_of on char", domain: `[["state","child_of",1]]`, want: `operator "child_of" needs a relational field or "id"`},
		{name: "bad date", domain: `[["invoice_date","<","yesterday"]]`, want: `invalid date "yesterday" for date field 'invoice_date'`},
		{name: "number for date", domain: `[["invoice_date","=",5]]`, want: `invalid date`},
		{name: "bad datetime", domain: `[["create_date","<","2024-01-01T"]]`, want: `invalid datetime`},
		{name: "bad number", domain: `[["amount_total","=","abc"]]`, want: `invalid value "abc" for monetary field 'amount_total'`},
		{name: "list for inequality", domain: `[["amount_total","<",[1,2]]]`, want: `needs a single value`},
		{name: "string for bool", domain: `[["to_check","=","yes"]]`, want: `want a boolean`},
		{name: "true for m2o", domain: `[["partner_id","=",true]]`, want: `want a record id`},
		{name: "true for o2m", domain: `[["line_ids","=",true]]`, want: `want record ids`},
		{name: "unsupported type", domain: `[["weird","=",1]]`, want: `unsupported type "json"`},
		{name: "mixed child_of", domain: `[["partner_id","child_of",[1,"x"]]]`, want: `mixes ids and names`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := ParseJSON([]byte(tc.domain))
			if err != nil {
				t.Fatalf("ParseJSON: %v", err)
			}
			_, err = d.Filter(src, "account.move", src.IDs("account.move"))
			if err == nil {
				t.Fatalf("Filter(%s): no error, want %q", tc.domain, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "domain: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q, want it to contain %q", err, tc.want)
			}
			var fe *FieldError
			if got := errors.As(err, &fe); got != (tc.field != nil) {
				t.Fatalf("errors.As FieldError = %v, want %v", got, tc.field != nil)
			}
			if tc.field != nil && *fe != *tc.field {
				t.Errorf("FieldError = %+v, want %+v", *fe, *tc.field)
			}
		})
	}
}

func TestParentNamer(t *testing.T) {
	t.Parallel()
	src := newFakeSource()
	src.fields["res.partner"]["boss_id"] = m2o("res.partner")
	src.records["res.partner"][3]["boss_id"] = int64(6)
	src.parents = map[string]string{"res.partner": "boss_id"}
	got, err := Cond("id", OpChildOf, 6).Filter(src, "res.partner", src.IDs("res.partner"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{3, 6}; !slices.Equal(got, want) {
		t.Errorf("child_of through boss_id = %v, want %v", got, want)
	}
	src.parents = map[string]string{"res.partner": "email"}
	if _, err := Cond("id", OpChildOf, 6).Filter(src, "res.partner", nil); err == nil || !strings.Contains(err.Error(), "invalid parent field 'email'") {
		t.Errorf("child_of through a char parent field: err = %v", err)
	}
}

func TestMatch(t *testing.T) {
	t.Parallel()
	src := newFakeSource()
	ok, err := Cond("partner_id.country_id.code", OpEq, "BE").Match(src, "account.move", 14)
	if err != nil || !ok {
		t.Errorf("Match(14) = %v, %v; want true, nil", ok, err)
	}
	ok, err = Cond("partner_id.country_id.code", OpEq, "BE").Match(src, "account.move", 12)
	if err != nil || ok {
		t.Errorf("Match(12) = %v, %v; want false, nil", ok, err)
	}
	if _, err := Cond("nope", OpEq, 1).Match(src, "account.move", 12); err == nil {
		t.Error("Match with an unknown field: no error")
	}
	if _, err := Cond("state", "==", 1).Match(src, "account.move", 12); err == nil || !strings.Contains(err.Error(), `unknown operator "=="`) {
		t.Errorf("Match with ==: err = %v", err)
	}
}

// unsearchableSource marks account.move state and res.partner email as
// non-stored fields without a search method.
type unsearchableSource struct{ *fakeSource }

func (s unsearchableSource) Field(model, name string) (Field, bool) {
	f, ok := s.fakeSource.Field(model, name)
	if (model == "account.move" && name == "state") || (model == "res.partner" && name == "email") {
		f.Unsearchable = true
	}
	return f, ok
}

func TestEvalUnsearchableIgnored(t *testing.T) {
	t.Parallel()
	src := unsearchableSource{newFakeSource()}
	for _, tt := range []struct {
		domain  string
		want    []int64
		ignored []string
	}{
		{`[["state","=","posted"]]`, []int64{10, 11, 12, 13, 14}, []string{"account.move.state"}},
		{`[["state","!=","posted"],["amount_total",">",50]]`, []int64{10, 11, 14}, []string{"account.move.state"}},
		// The sub-search matches every partner: moves with a partner.
		{`[["partner_id.email","=","nobody"]]`, []int64{10, 11, 12, 14}, []string{"res.partner.email"}},
		{`[["amount_total",">",50]]`, []int64{10, 11, 14}, nil},
	} {
		d, err := ParseJSON([]byte(tt.domain))
		if err != nil {
			t.Fatal(err)
		}
		var ignored []string
		m, err := d.Compile(src, "account.move", &EvalOpts{Ignored: func(model, field string) { ignored = append(ignored, model+"."+field) }})
		if err != nil {
			t.Fatalf("%s: %v", tt.domain, err)
		}
		if got := m.Search(); !slices.Equal(got, tt.want) || !slices.Equal(ignored, tt.ignored) {
			t.Errorf("%s = %v (ignored %v), want %v (ignored %v)", tt.domain, got, ignored, tt.want, tt.ignored)
		}
	}
}
