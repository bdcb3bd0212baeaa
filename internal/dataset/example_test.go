package dataset_test

import (
	"fmt"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Load a hand-written dataset folder and read records, a one2many derived
// from its inverse, and the schema's version differences.
func ExampleLoad() {
	ds, err := dataset.Load("testdata/tiny")
	if err != nil {
		panic(err)
	}
	inv := ds.Get("account.move", 1)
	fmt.Println(inv.Str("name"), inv.Str("payment_state"), inv.Float("amount_residual"))
	lines, _ := ds.One2many("account.move", 1, "line_ids")
	fmt.Println("lines", lines)
	m, _ := ds.Schema().Model("stock.move")
	f, _ := m.Field("quantity")
	name16, _ := f.NameIn(16)
	fmt.Println("stock.move quantity is", name16, "in Odoo 16")

	// Output:
	// INV/2025/00001 not_paid 1200
	// lines [1 2]
	// stock.move quantity is quantity_done in Odoo 16
}
