package odoo

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRecordDecoding(t *testing.T) {
	t.Parallel()
	// One record as JSON-RPC sends it (numbers are json.Number) and as
	// XML-RPC sends it (int64, float64).
	jsonRec := func() Record {
		v, err := decodeJSONValue([]byte(`{"id": 42, "name": "INV/2025/0001", "ref": false,
			"partner_id": [7, "Azure Interior"], "journal_id": false, "user_id": 3,
			"invoice_date": "2025-02-28", "invoice_date_due": false,
			"create_date": "2025-02-28 17:45:03", "write_date": false,
			"amount_total": 1210.5, "amount_residual_signed": -300, "line_ids": [1, 2, 3],
			"tag_ids": [], "active": true, "big": 9007199254740993}`))
		if err != nil {
			t.Fatal(err)
		}
		return Record(v.(map[string]any))
	}
	xmlRec := Record{"id": int64(42), "name": "INV/2025/0001", "ref": false,
		"partner_id": []any{int64(7), "Azure Interior"}, "journal_id": false, "user_id": int64(3),
		"invoice_date": "2025-02-28", "invoice_date_due": false,
		"create_date": "2025-02-28 17:45:03", "write_date": false,
		"amount_total": 1210.5, "amount_residual_signed": float64(-300), "line_ids": []any{int64(1), int64(2), int64(3)},
		"tag_ids": []any{}, "active": true, "big": int64(9007199254740993)}

	for name, rec := range map[string]Record{"json": jsonRec(), "xmlrpc": xmlRec} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if rec.ID() != 42 {
				t.Errorf("ID = %d", rec.ID())
			}
			if s, err := rec.String("ref"); err != nil || s != "" {
				t.Errorf("False char = %q, %v; want \"\"", s, err)
			}
			if m, err := rec.Many2One("partner_id"); err != nil || m != (Many2One{ID: 7, Name: "Azure Interior"}) {
				t.Errorf("partner_id = %+v, %v", m, err)
			}
			if m, err := rec.Many2One("journal_id"); err != nil || !m.IsZero() {
				t.Errorf("False many2one = %+v, %v", m, err)
			}
			if m, err := rec.Many2One("user_id"); err != nil || m.ID != 3 {
				t.Errorf("bare id many2one (load=None) = %+v, %v", m, err)
			}
			if d, err := rec.Date("invoice_date"); err != nil || d != (Date{2025, time.February, 28}) || d.String() != "2025-02-28" {
				t.Errorf("date = %v, %v", d, err)
			}
			if d, err := rec.Date("invoice_date_due"); err != nil || !d.IsZero() || d.String() != "" {
				t.Errorf("False date = %v, %v", d, err)
			}
			want := time.Date(2025, 2, 28, 17, 45, 3, 0, time.UTC)
			if tm, err := rec.Datetime("create_date"); err != nil || !tm.Equal(want) || tm.Location() != time.UTC {
				t.Errorf("datetime = %v, %v", tm, err)
			}
			if tm, err := rec.Datetime("write_date"); err != nil || !tm.IsZero() {
				t.Errorf("False datetime = %v, %v", tm, err)
			}
			if f, err := rec.Float("amount_total"); err != nil || f != 1210.5 {
				t.Errorf("float = %v, %v", f, err)
			}
			if f, err := rec.Float("amount_residual_signed"); err != nil || f != -300 {
				t.Errorf("integral float = %v, %v", f, err)
			}
			if ids, err := rec.IDs("line_ids"); err != nil || !slices.Equal(ids, []int64{1, 2, 3}) {
				t.Errorf("ids = %v, %v", ids, err)
			}
			if ids, err := rec.IDs("tag_ids"); err != nil || len(ids) != 0 {
				t.Errorf("empty ids = %v, %v", ids, err)
			}
			if b, err := rec.Bool("active"); err != nil || !b {
				t.Errorf("bool = %v, %v", b, err)
			}
			if n, err := rec.Int("big"); err != nil || n != 9007199254740993 {
				t.Errorf("large int = %d, %v (must stay exact)", n, err)
			}
		})
	}
}

func TestRecordDecodingErrors(t *testing.T) {
	t.Parallel()
	rec := Record{"id": 1, "name": false, "partner_id": "Azure", "qty": "ten", "date": "28/02/2025", "ids": []any{1, "x"}, "n": 1.5}
	tests := []struct {
		name string
		get  func() error
		want string
	}{
		{"missing field", func() error { _, err := rec.String("email"); return err }, `field "email" missing`},
		{"many2one as string", func() error { _, err := rec.Many2One("partner_id"); return err }, `field "partner_id": expected [id, name]`},
		{"number as string", func() error { _, err := rec.Float("qty"); return err }, `field "qty": expected a number`},
		{"bad date", func() error { _, err := rec.Date("date"); return err }, "invalid date"},
		{"bad id list", func() error { _, err := rec.IDs("ids"); return err }, "list of ids"},
		{"fraction as int", func() error { _, err := rec.Int("n"); return err }, "expected an integer"},
		{"False is not an int", func() error { _, err := rec.Int("name"); return err }, "expected an integer, got false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.get()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestIsFalse(t *testing.T) {
	t.Parallel()
	for _, v := range []any{false, nil} {
		if !IsFalse(v) {
			t.Errorf("IsFalse(%v) = false", v)
		}
	}
	for _, v := range []any{true, 0, "", "False", []any{}, json.Number("0")} {
		if IsFalse(v) {
			t.Errorf("IsFalse(%#v) = true; only false and null are Odoo's empty value", v)
		}
	}
}

func TestDate(t *testing.T) {
	t.Parallel()
	d, err := ParseDate("2024-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.AddDays(2).String(); got != "2024-03-01" {
		t.Errorf("AddDays across leap day = %s", got)
	}
	if !d.Before(d.AddDays(1)) || d.Compare(d) != 0 || d.AddDays(-1).Compare(d) != -1 {
		t.Errorf("Compare is wrong")
	}
	if _, err := ParseDate("2024-02-30"); err == nil {
		t.Errorf("ParseDate accepted Feb 30")
	}
	if got := FormatDatetime(time.Date(2025, 3, 1, 1, 30, 0, 0, time.FixedZone("CET", 3600))); got != "2025-03-01 00:30:00" {
		t.Errorf("FormatDatetime = %s, want UTC", got)
	}
	if tm, err := ParseDatetime("2025-03-01 10:00:00.123456"); err != nil || tm.Nanosecond() != 123456000 {
		t.Errorf("fractional datetime = %v, %v", tm, err)
	}
	if _, err := ParseDatetime("2025-03-01T10:00:00Z"); err == nil {
		t.Errorf("ParseDatetime accepted an ISO string with T and Z")
	}
	// JSON: a date is a "YYYY-MM-DD" string; the zero Date "" (and left
	// out with omitzero).
	type doc struct {
		D Date `json:"d"`
		Z Date `json:"z,omitzero"`
	}
	b, err := json.Marshal(doc{D: d})
	if err != nil || string(b) != `{"d":"2024-02-28"}` {
		t.Errorf("marshal = %s %v", b, err)
	}
	var back doc
	if err := json.Unmarshal([]byte(`{"d":"2024-02-28","z":""}`), &back); err != nil || back.D != d || !back.Z.IsZero() {
		t.Errorf("unmarshal = %+v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"d":"2024-02-30"}`), &back); err == nil {
		t.Error("unmarshal accepted Feb 30")
	}
}

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in    string
		major int
		minor int
		saas  bool
		json2 bool
	}{
		{"16.0", 16, 0, false, false},
		{"17.0+e", 17, 0, false, false},
		{"18.0-20250101", 18, 0, false, false},
		{"saas~17.2", 17, 2, true, false},
		{"saas~18.4", 18, 4, true, true},
		{"19.0", 19, 0, false, true},
		{"20.0alpha1", 20, 0, false, true},
	}
	for _, tt := range tests {
		v, err := ParseVersion(tt.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", tt.in, err)
			continue
		}
		if v.Major != tt.major || v.Minor != tt.minor || v.SaaS != tt.saas || v.HasJSON2() != tt.json2 {
			t.Errorf("ParseVersion(%q) = %+v (json2 %v)", tt.in, v, v.HasJSON2())
		}
	}
	for _, bad := range []string{"", "master", "x.y"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) succeeded", bad)
		}
	}
	// server_version_info wins over the string, including saas lists.
	v, err := versionFromResult(map[string]any{"server_version": "saas~18.4+e", "server_version_info": []any{"saas~18", json.Number("4"), json.Number("0"), "final", json.Number("0"), "e"}})
	if err != nil || v.Major != 18 || v.Minor != 4 || !v.SaaS {
		t.Errorf("versionFromResult(saas) = %+v, %v", v, err)
	}
	v, err = versionFromResult(map[string]any{"version_info": []any{19.0, 0.0, 0.0, "final", 0.0, ""}, "version": "19.0"})
	if err != nil || v.Major != 19 || v.String() != "19.0" {
		t.Errorf("versionFromResult(/web/version) = %+v, %v", v, err)
	}
}
