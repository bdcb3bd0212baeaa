package ask_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// TestMeasureTools times the record tools on the demo company (set
// AICOO_ASK_MEASURE=1): a whole-model aggregate and a direct answer.
func TestMeasureTools(t *testing.T) {
	if os.Getenv("AICOO_ASK_MEASURE") == "" {
		t.Skip("set AICOO_ASK_MEASURE=1 to measure")
	}
	d := sharedDemo(t)
	ctx := context.Background()
	for _, c := range []struct{ tool, input string }{
		{"aggregate", `{"model":"account.move.line","group_by":["product_id","date:month"],"measures":["quantity:sum"]}`},
		{"aggregate", `{"model":"account.move","domain":[["move_type","=","out_invoice"]],"group_by":["invoice_date:month"],"measures":["amount_total_signed:sum"]}`},
		{"search_records", `{"model":"res.partner","domain":[["name","ilike","a"]]}`},
	} {
		start := time.Now()
		const n = 5
		for range n {
			if _, err := d.reg.Call(ctx, d.caller(store.RoleCEO), c.tool, json.RawMessage(c.input)); err != nil {
				t.Fatal(err)
			}
		}
		count, _ := d.st.OdooRecordCount(ctx, d.conn.ID, "account.move.line")
		t.Logf("%s %s: %v per call (%d journal items)", c.tool, c.input[:40], time.Since(start)/n, count)
	}
}
