package fields

import (
	"context"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

func TestLenientReads(t *testing.T) {
	t.Parallel()
	r := odoo.Record{"id": 7, "amount": 12.5, "partner_id": []any{3, "Azure"}, "name": false, "date": "2026-01-31", "active": false}
	if Float(r, "amount") != 12.5 || Float(r, "missing") != 0 {
		t.Error("Float")
	}
	if M2OID(r, "partner_id") != 3 || M2OName(r, "partner_id") != "Azure" || M2OID(r, "missing") != 0 {
		t.Error("many2one")
	}
	if String(r, "name") != "" || Date(r, "date").String() != "2026-01-31" || !Date(r, "missing").IsZero() {
		t.Error("String/Date")
	}
	if Active(r) || !Active(odoo.Record{"id": 1}) {
		t.Error("Active: archived record, and a model without the field")
	}
	if Clamp01(-1) != 0 || Clamp01(2) != 1 || Clamp01(0.3) != 0.3 {
		t.Error("Clamp01")
	}
	n := NameIndex([]odoo.Record{{"id": 3, "name": "Azure Interior"}}, "name")
	if n.Of(r, "partner_id") != "Azure Interior" || n.Of(odoo.Record{"partner_id": []any{9, "Gemini"}}, "partner_id") != "Gemini" ||
		n.Of(odoo.Record{"partner_id": 12}, "partner_id") != "#12" || n.Of(odoo.Record{"partner_id": false}, "partner_id") != "(no partner)" {
		t.Error("Names.Of fallbacks")
	}
}

func TestCompanies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := analysis.MapSource{
		"res.company":  {{"id": 1, "name": "Nordwind", "currency_id": []any{1, "EUR"}}, {"id": 2, "name": "US", "currency_id": 9}},
		"res.currency": {{"id": 1, "name": "EUR"}},
	}
	cs, err := Companies(ctx, src)
	if err != nil || len(cs) != 2 || cs[1].Currency != "EUR" || cs[1].Name != "Nordwind" {
		t.Fatalf("companies = %+v, %v", cs, err)
	}
	if cs[2].Currency != "" {
		t.Fatalf("unknown currency id without a name gives no code: %+v", cs[2])
	}
	if cs, err := Companies(ctx, analysis.MapSource{}); err != nil || len(cs) != 0 {
		t.Fatalf("no company model: %v %v", cs, err)
	}
}
