package odoo_test

import (
	"fmt"

	"github.com/aicoo/aicoo/internal/odoo"
)

// Values come back as Odoo sends them; Record decodes them safely.
func ExampleRecord() {
	rec := odoo.Record{
		"id":               42.0, // JSON numbers may arrive as float64
		"partner_id":       []any{7.0, "Azure Interior"},
		"journal_id":       false, // empty many2one
		"invoice_date_due": "2025-03-02",
		"create_date":      "2025-02-28 17:45:03", // naive UTC
		"ref":              false,                 // empty char
	}
	partner, _ := rec.Many2One("partner_id")
	journal, _ := rec.Many2One("journal_id")
	due, _ := rec.Date("invoice_date_due")
	created, _ := rec.Datetime("create_date")
	ref, _ := rec.String("ref")
	fmt.Println(rec.ID(), partner.ID, partner.Name, journal.IsZero())
	fmt.Println(due, created, fmt.Sprintf("%q", ref))
	// Output:
	// 42 7 Azure Interior true
	// 2025-03-02 2025-02-28 17:45:03 +0000 UTC ""
}
