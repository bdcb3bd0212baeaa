package xmlrpc

import (
	"bytes"
	"io"
	"strconv"
	"testing"
)

// searchReadResult builds what search_read returns for n records of ten
// fields, with the value shapes Odoo sends: ints, strings, False for empty
// fields, many2one pairs, id lists, doubles and booleans.
func searchReadResult(n int) []any {
	records := make([]any, n)
	for i := range records {
		var email any = false
		if i%3 != 0 {
			email = "contact" + strconv.Itoa(i) + "@example.com"
		}
		records[i] = map[string]any{
			"id":           int64(i + 1),
			"name":         "INV/2024/" + strconv.Itoa(i+1),
			"partner_id":   []any{int64(i%50 + 1), "Partner " + strconv.Itoa(i%50+1)},
			"email":        email,
			"amount_total": float64(i) * 12.5,
			"invoice_date": "2024-05-06",
			"write_date":   "2024-05-06 07:08:09",
			"state":        "posted",
			"active":       i%7 != 0,
			"tag_ids":      []any{int64(1), int64(2), int64(i%10 + 3)},
		}
	}
	return records
}

func BenchmarkDecodeResponseSearchRead1000(b *testing.B) {
	var doc bytes.Buffer
	if err := EncodeResponse(&doc, searchReadResult(1000)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(doc.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeResponse(bytes.NewReader(doc.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeResponseSearchRead1000(b *testing.B) {
	result := searchReadResult(1000)
	b.ReportAllocs()
	for b.Loop() {
		if err := EncodeResponse(io.Discard, result); err != nil {
			b.Fatal(err)
		}
	}
}
