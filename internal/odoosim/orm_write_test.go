package odoosim_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoosim"
)

// field reads one field of one record as admin.
func field(t *testing.T, url, model string, id int64, name string) any {
	t.Helper()
	v := mustExec(t, url, model, "read", list(list(id), list(name)), nil)
	recs := v.([]any)
	if len(recs) == 0 {
		return nil
	}
	return recs[0].(map[string]any)[name]
}

func TestWriteDateMonotonic(t *testing.T) {
	t.Parallel()
	// A clock that goes backwards: write_date must not.
	var mu sync.Mutex
	now := "2025-04-01 10:00:00"
	set := func(v string) {
		mu.Lock()
		now = v
		mu.Unlock()
	}
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tm, _ := time.Parse(dataset.DatetimeLayout, now)
		return tm
	}
	_, url := start(t, startOpts{version: "17.0", opts: odoosim.Options{NowFunc: clock}})
	id := mustExec(t, url, "res.partner", "create", list(kw("name", "Clocked")), nil).(int64)
	if got := field(t, url, "res.partner", id, "create_date"); got != "2025-04-01 10:00:00" {
		t.Errorf("create_date = %v", got)
	}
	set("2025-04-01 09:00:00")
	mustExec(t, url, "res.partner", "write", list(list(id), kw("phone", "1")), nil)
	if got := field(t, url, "res.partner", id, "write_date"); got != "2025-04-01 10:00:00" {
		t.Errorf("write_date after the clock went back = %v, want it kept at 10:00", got)
	}
	set("2025-04-01 11:00:00")
	mustExec(t, url, "res.partner", "write", list(list(id), kw("phone", "2")), nil)
	if got := field(t, url, "res.partner", id, "write_date"); got != "2025-04-01 11:00:00" {
		t.Errorf("write_date = %v", got)
	}
	if got := field(t, url, "res.partner", id, "write_uid"); !reflect.DeepEqual(got, list(adminUID, "Mitchell Admin")) {
		t.Errorf("write_uid = %v", got)
	}
	// A cursor on write_date finds the change.
	got := ids(t, mustExec(t, url, "res.partner", "search", list(list(list("write_date", ">=", "2025-04-01 11:00:00"))), nil))
	if !reflect.DeepEqual(got, []int64{id}) {
		t.Errorf("write_date cursor = %v", got)
	}
	// The fixture's own dates are older than the clock: no clamping there,
	// but a dataset dated after the clock clamps to its latest date.
	ds := fixture(t)
	ds.Get("res.partner", 5)["write_date"] = "2030-01-01 00:00:00"
	_, url2 := start(t, startOpts{version: "17.0", ds: ds})
	mustExec(t, url2, "res.partner", "write", list(list(int64(6)), kw("phone", "1")), nil)
	if got := field(t, url2, "res.partner", 6, "write_date"); got != "2030-01-01 00:00:00" {
		t.Errorf("write_date below the dataset's latest = %v", got)
	}
}

func TestCreateVariants(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	v := mustExec(t, url, "res.partner", "create", list(list(kw("name", "A"), kw("name", "B"))), nil)
	if got := ids(t, v); len(got) != 2 {
		t.Errorf("create list on 17 = %v", v)
	}
	_, url16 := start(t, startOpts{version: "16.0"})
	before := mustExec(t, url16, "res.partner", "search_count", list(list()), nil)
	_, f := execKw(t, url16, adminUID, "admin", "res.partner", "create", list(list(kw("name", "A"), kw("name", "B"))), nil)
	if f == nil || !strings.Contains(f.String, "ValueError: Expected singleton: res.partner(") {
		t.Errorf("create list on 16 = %v", f)
	}
	if after := mustExec(t, url16, "res.partner", "search_count", list(list()), nil); after != before {
		t.Errorf("failed create left records: %v -> %v", before, after)
	}
	// A failing record rolls back the whole call.
	_, f = execKw(t, url, adminUID, "admin", "project.task", "create", list(list(kw("name", "ok"), kw("priority", "1"))), nil)
	if f == nil || f.Code != 2 {
		t.Fatalf("create with a missing name: %v", f)
	}
	if n := mustExec(t, url, "project.task", "search_count", list(list(list("name", "=", "ok"))), nil); n != int64(0) {
		t.Errorf("the valid record of a failed call was kept: %v", n)
	}
	// One2many commands: an RFQ with lines; order numbers are generated.
	po := mustExec(t, url, "purchase.order", "create", list(kw("partner_id", 5, "order_line", list(
		list(0, 0, kw("name", "Boxes", "product_qty", 5.0, "price_unit", 12.5)),
		list(0, 0, kw("name", "Tape", "product_qty", 2.0, "price_unit", 3.0)),
	))), nil).(int64)
	rec := mustExec(t, url, "purchase.order", "read", list(list(po), list("name", "state", "order_line", "company_id", "currency_id")), nil).([]any)[0].(map[string]any)
	if rec["state"] != "draft" || len(rec["order_line"].([]any)) != 2 || !strings.HasPrefix(rec["name"].(string), "P0") ||
		!reflect.DeepEqual(rec["company_id"], list(int64(1), "Nordwind GmbH")) || !reflect.DeepEqual(rec["currency_id"], list(int64(1), "EUR")) {
		t.Errorf("purchase order = %v", rec)
	}
	lines := rec["order_line"].([]any)
	mustExec(t, url, "purchase.order", "write", list(list(po), kw("order_line", list(list(1, lines[0], kw("product_qty", 6.0)), list(2, lines[1], 0)))), nil)
	rec = mustExec(t, url, "purchase.order", "read", list(list(po), list("order_line")), nil).([]any)[0].(map[string]any)
	if !reflect.DeepEqual(rec["order_line"], list(lines[0])) || field(t, url, "purchase.order.line", lines[0].(int64), "product_qty") != 6.0 {
		t.Errorf("after line commands: %v", rec)
	}
	// Unlinking the draft order deletes its lines.
	mustExec(t, url, "purchase.order", "unlink", list(list(po)), nil)
	if n := mustExec(t, url, "purchase.order.line", "search_count", list(list()), nil); n != int64(0) {
		t.Errorf("lines left after unlink: %v", n)
	}
	// Many2many commands on calendar events.
	ev := mustExec(t, url, "calendar.event", "create", list(kw("name", "Review", "start", "2025-04-03 10:00:00", "stop", "2025-04-03 11:00:00",
		"partner_ids", list(list(6, 0, list(3, 5))))), nil).(int64)
	mustExec(t, url, "calendar.event", "write", list(list(ev), kw("partner_ids", list(list(4, 6, 0), list(3, 3, 0)))), nil)
	if got := field(t, url, "calendar.event", ev, "partner_ids"); !reflect.DeepEqual(got, list(int64(5), int64(6))) {
		t.Errorf("partner_ids = %v", got)
	}
	if got := field(t, url, "calendar.event", ev, "user_id"); !reflect.DeepEqual(got, list(adminUID, "Mitchell Admin")) {
		t.Errorf("event organiser default = %v", got)
	}
	mustExec(t, url, "calendar.event", "unlink", list(list(ev)), nil)
	if got := field(t, url, "calendar.event", ev, "name"); got != nil {
		t.Errorf("event still there: %v", got)
	}
	// Unlinking ids that are gone is a no-op.
	if v := mustExec(t, url, "calendar.event", "unlink", list(list(ev)), nil); v != true {
		t.Errorf("unlink of a deleted id = %v", v)
	}
}

func TestActions(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"16.0", "17.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			s, url := start(t, startOpts{version: version})
			// Activity through context default_res_model, as aicoo schedules them.
			act := mustExec(t, url, "mail.activity", "create", list(kw("res_id", 1, "activity_type_id", 1, "summary", "Call about payment",
				"date_deadline", "2025-03-01")), kw("context", kw("default_res_model", "account.move"))).(int64)
			rec := mustExec(t, url, "mail.activity", "read", list(list(act), list("res_model", "res_name", "state", "user_id")), nil).([]any)[0].(map[string]any)
			if rec["res_model"] != "account.move" || rec["res_name"] != "INV/2025/00001" || rec["state"] != "overdue" || !reflect.DeepEqual(rec["user_id"], list(adminUID, "Mitchell Admin")) {
				t.Errorf("activity = %v", rec)
			}
			if got := field(t, url, "account.move", 1, "activity_ids"); !reflect.DeepEqual(got, list(act)) {
				t.Errorf("invoice activity_ids = %v", got)
			}
			msg := mustExec(t, url, "mail.activity", "action_feedback", list(list(act)), kw("feedback", "Paid tomorrow"))
			body := field(t, url, "mail.message", msg.(int64), "body").(string)
			if !strings.Contains(body, "To Do done") || !strings.Contains(body, "Paid tomorrow") {
				t.Errorf("feedback message = %q", body)
			}
			archived := mustExec(t, url, "mail.activity", "search", list(list(list("active", "=", false))), nil)
			if version == "16.0" && len(archived.([]any)) != 0 || version == "17.0" && len(archived.([]any)) != 1 {
				t.Errorf("done activities kept: %v (16 deletes, 17 archives keep_done types)", archived)
			}
			// Purchase buttons.
			if v := mustExec(t, url, "purchase.order", "button_confirm", list(list(int64(1))), nil); v != true {
				t.Errorf("button_confirm = %v", v)
			}
			if got := field(t, url, "purchase.order", 1, "state"); got != "purchase" {
				t.Errorf("state after confirm = %v", got)
			}
			// Tasks are archived by write.
			mustExec(t, url, "project.task", "write", list(list(int64(2)), kw("active", false)), nil)
			if got := ids(t, mustExec(t, url, "project.task", "search", list(list()), nil)); !reflect.DeepEqual(got, []int64{1}) {
				t.Errorf("active tasks = %v", got)
			}
			// message_post escapes plain text on 17+.
			id := mustExec(t, url, "res.partner", "message_post", list(list(int64(5))), kw("body", "<b>Hi</b>", "message_type", "comment", "subtype_xmlid", "mail.mt_note"))
			want := "&lt;b&gt;Hi&lt;/b&gt;"
			if version == "16.0" {
				want = "<b>Hi</b>"
			}
			if got := field(t, url, "mail.message", id.(int64), "body"); got != want {
				t.Errorf("body = %v, want %v", got, want)
			}
			// The dataset stays valid after the changes.
			if err := s.ReadDataset(func(ds *dataset.Dataset) error { return ds.Validate() }); err != nil {
				t.Errorf("dataset invalid after writes: %v", err)
			}
		})
	}
}

func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	_, url := start(t, startOpts{version: "17.0"})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				if i%2 == 0 {
					mustExec(t, url, "res.partner", "create", list(kw("name", "P")), nil)
				} else {
					mustExec(t, url, "res.partner", "search_read", list(list()), kw("fields", list("name", "parent_id"), "limit", j+1))
				}
			}
		}()
	}
	wg.Wait()
	if n := mustExec(t, url, "res.partner", "search_count", list(list(list("name", "=", "P"))), nil); n != int64(40) {
		t.Errorf("created %v partners, want 40", n)
	}
}

func TestSaveAfterWrites(t *testing.T) {
	t.Parallel()
	s, url := start(t, startOpts{version: "17.0"})
	mustExec(t, url, "res.partner", "create", list(kw("name", "Saved Co", "is_company", true)), nil)
	mustExec(t, url, "res.partner", "unlink", list(list(int64(9))), nil)
	dir := t.TempDir()
	if err := s.ReadDataset(func(ds *dataset.Dataset) error { return ds.Save(dir) }); err != nil {
		t.Fatal(err)
	}
	ds, err := dataset.Load(dir)
	if err != nil {
		t.Fatalf("Load after Save: %v", err)
	}
	if ds.Get("res.partner", 9) != nil || ds.Len("ir.model") == 0 {
		t.Errorf("saved dataset: partner 9 = %v, ir.model = %d", ds.Get("res.partner", 9), ds.Len("ir.model"))
	}
}
