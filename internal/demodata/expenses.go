package demodata

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// expense is an employee expense before it becomes a record.
type expense struct {
	emp       *employee
	prod      *expenseProduct
	d         day
	qty       float64
	price     float64
	name      string
	rec       Record
	injected  string // "", "dup", "anomaly", "near"
	pairIndex int
}

func (e *expense) amount() int64 { return cents(e.qty * e.price) }

var expenseMix = map[string][]struct {
	key string
	w   float64
}{
	"Sales":         {{"travel", 22}, {"hotel", 15}, {"meals", 33}, {"mileage", 22}, {"gifts", 5}, {"conference", 3}},
	"Field Service": {{"mileage", 40}, {"meals", 25}, {"hotel", 15}, {"travel", 12}, {"office", 8}},
	"Management":    {{"travel", 25}, {"hotel", 15}, {"meals", 25}, {"conference", 15}, {"office", 10}, {"mileage", 10}},
	"Purchasing":    {{"travel", 25}, {"hotel", 15}, {"meals", 25}, {"conference", 15}, {"office", 10}, {"mileage", 10}},
	"":              {{"office", 45}, {"meals", 30}, {"travel", 10}, {"conference", 15}},
}

var conferences = []string{"Hannover Messe ticket", "SPS fair Nuremberg, entrance", "Hydraulics training course", "Sales negotiation workshop",
	"Logistics summit ticket", "Spreadsheet training"}
var officeBits = []string{"USB cables and adapters", "Notebooks and pens", "Headset", "Printer cartridges", "Laptop bag", "Mouse and keyboard"}

func (g *gen) expenseProduct(key string) *expenseProduct {
	for _, e := range g.expenseProducts {
		if e.key == key {
			return e
		}
	}
	return g.expenseProducts[0]
}

// drawExpense returns a normal expense of emp on d, of a category that suits
// the department. Amounts are capped at three times the category median.
func (g *gen) drawExpense(r *rand.Rand, emp *employee, d day) *expense {
	mix, ok := expenseMix[emp.dept]
	if !ok {
		mix = expenseMix[""]
	}
	total := 0.0
	for _, m := range mix {
		total += m.w
	}
	x := r.Float64() * total
	key := mix[len(mix)-1].key
	for _, m := range mix {
		if x < m.w {
			key = m.key
			break
		}
		x -= m.w
	}
	e := &expense{emp: emp, prod: g.expenseProduct(key), d: d, qty: 1}
	city := pick(r, cities["DE"][1:]) // not Hamburg, the home town
	cust := pick(r, g.customers).name
	switch key {
	case "travel":
		e.price = f2(lognormal(r, 140, 0.45, 2.8))
		mode := "Train"
		if e.price > 220 {
			mode = "Flight"
		}
		e.name = mode + " Hamburg - " + city
	case "hotel":
		e.qty = float64(between(r, 1, 3))
		e.price = f2(lognormal(r, 115, 0.2, 1.6))
		e.name = "Hotel " + city + ", " + itoa(int(e.qty)) + " night(s)"
	case "meals":
		e.price = f2(lognormal(r, 38, 0.45, 2.8))
		e.name = pick(r, []string{"Lunch with " + cust, "Dinner with " + cust + " team", "Team lunch", "Coffee meeting with " + cust})
	case "mileage":
		e.qty = float64(between(r, 30, 420))
		e.price = 0.30
		e.name = "Mileage: visit to " + cust + " (" + itoa(int(e.qty)) + " km)"
	case "office":
		e.price = f2(lognormal(r, 35, 0.5, 3))
		e.name = pick(r, officeBits)
	case "gifts":
		e.price = f2(lognormal(r, 45, 0.35, 2.2))
		e.name = "Gift for " + cust
	case "conference":
		e.price = f2(lognormal(r, 420, 0.35, 2.4))
		e.name = pick(r, conferences)
	}
	return e
}

// expenses generates the employees' expenses month by month, injects the
// expense problems, and groups them in monthly expense reports.
func (g *gen) expenses() {
	r := g.rExp
	var all []*expense
	for m := g.monthStart(g.start); m <= g.today; m = g.addMonths(m, 1) {
		end := g.addMonths(m, 1) - 1
		for _, emp := range g.employees {
			n := int(emp.claims)
			if chance(r, emp.claims-float64(n)) {
				n++
			}
			for range n {
				d := (m + day(r.IntN(int(end-m)+1))).nextWorkday()
				if d > g.today || d < g.start {
					continue
				}
				all = append(all, g.drawExpense(r, emp, d))
			}
			if emp.phonePlan {
				d := (m + 2).nextWorkday()
				if d <= g.today && d >= g.start {
					all = append(all, &expense{emp: emp, prod: g.expenseProduct("phone"), d: d, qty: 1, price: 39.99,
						name: "Mobile phone plan " + g.monthName(d)})
				}
			}
		}
	}
	all = g.injectExpenses(r, all)
	g.fixAccidentalDuplicates(r, all)
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	for _, e := range all {
		amt := money(e.amount())
		created := e.d + day(between(r, 0, 3))
		if created > g.today {
			created = g.today
		}
		mode := "own_account"
		if e.prod.key == "conference" && chance(r, 0.3) {
			mode = "company_account"
		}
		e.rec = Record{"name": e.name, "employee_id": e.emp.id, "product_id": e.prod.id, "date": g.date(e.d), "quantity": e.qty,
			"price_unit": e.price, "total_amount_currency": amt, "total_amount": amt, "tax_amount_currency": 0.0, "currency_id": g.ref.eur,
			"company_currency_id": g.ref.eur, "company_id": g.ref.company, "payment_mode": mode, "description": false,
			"account_id": e.prod.account, "state": "draft", "sheet_id": false}
		uid := e.emp.userID
		if uid == 0 {
			uid = g.ref.admin
		}
		g.add("hr.expense", stamp(e.rec, g.dt(created, workTime(r)), uid))
	}
	g.expenseSheets(r, all)
	g.expenseTruth(all)
}

// injectExpenses adds the anomalous expense, the duplicate pairs and the
// near misses.
func (g *gen) injectExpenses(r *rand.Rand, all []*expense) []*expense {
	var sales []*employee
	for _, e := range g.employees {
		if e.dept == "Sales" || e.dept == "Field Service" {
			sales = append(sales, e)
		}
	}
	// Anomaly: a hotel bill far above the category.
	d := (g.today - day(between(r, 15, 35))).nextWorkday()
	all = append(all, &expense{emp: sales[0], prod: g.expenseProduct("hotel"), d: d, qty: 1, price: 4850,
		name: "Hotel Zürich, conference week (suite)", injected: "anomaly"})
	// Near miss: a big conference ticket, normal for its category.
	all = append(all, &expense{emp: sales[len(sales)-1], prod: g.expenseProduct("conference"), d: (g.today - 40).nextWorkday(), qty: 1,
		price: 985, name: "Hannover Messe exhibitor pass", injected: "nearbig"})
	// Duplicate pairs.
	pairs := 0
	for _, emp := range sales {
		if pairs == g.p.problems {
			break
		}
		for _, e := range all {
			if e.emp != emp || e.injected != "" || e.prod.key == "phone" || e.prod.key == "mileage" || e.d < g.today-75 || e.d > g.today-10 {
				continue
			}
			dup := *e
			dup.d = (e.d + day(between(r, 0, 2))).nextWorkday()
			if pairs%2 == 1 {
				dup.price = f2(e.price * 1.005)
			}
			dup.name = strings.Replace(e.name, ", ", " - ", 1)
			if dup.name == e.name {
				dup.name = e.name + " (receipt)"
			}
			e.injected, dup.injected = "dup", "dup"
			e.pairIndex, dup.pairIndex = pairs+1, pairs+1
			all = append(all, &dup)
			pairs++
			break
		}
	}
	// Near miss: two colleagues on the same train.
	if len(sales) >= 3 {
		d := (g.today - day(between(r, 20, 50))).nextWorkday()
		for _, emp := range sales[1:3] {
			all = append(all, &expense{emp: emp, prod: g.expenseProduct("travel"), d: d, qty: 1, price: 89.90,
				name: "Train Hamburg - Berlin", injected: "near"})
		}
	}
	return all
}

// fixAccidentalDuplicates changes the amount of random expenses that look
// like duplicates (same employee and category, amounts within 1%, dates
// within 3 days) but were not injected.
func (g *gen) fixAccidentalDuplicates(r *rand.Rand, all []*expense) {
	byEmp := map[*employee][]*expense{}
	for _, e := range all {
		byEmp[e.emp] = append(byEmp[e.emp], e)
	}
	for _, emp := range g.employees {
		xs := byEmp[emp]
		for pass := 0; pass < 3; pass++ {
			changed := false
			for i := range xs {
				for j := i + 1; j < len(xs); j++ {
					a, b := xs[i], xs[j]
					if !looksDuplicate(a.prod.id, b.prod.id, a.d, b.d, a.amount(), b.amount()) {
						continue
					}
					if a.injected == "dup" && b.injected == "dup" && a.pairIndex == b.pairIndex {
						continue
					}
					victim := b
					if b.injected != "" {
						victim = a
					}
					if victim.injected != "" {
						continue
					}
					if victim.prod.key == "mileage" {
						victim.qty = math.Round(victim.qty * uniform(r, 1.2, 1.4))
					} else {
						victim.price = f2(victim.price * uniform(r, 1.15, 1.4))
					}
					changed = true
				}
			}
			if !changed {
				break
			}
		}
	}
}

// looksDuplicate is the duplicate rule: same category, dates at most 3
// days apart and amounts within 1% of the larger one.
func looksDuplicate(prodA, prodB int64, da, db day, amtA, amtB int64) bool {
	if prodA != prodB {
		return false
	}
	if dd := da - db; dd > 3 || dd < -3 {
		return false
	}
	hi := max(amtA, amtB)
	return float64(abs64(amtA-amtB)) <= 0.01*float64(hi)
}

// expenseSheets groups each employee's expenses of a finished month into a
// report and sets report and expense states by age.
func (g *gen) expenseSheets(r *rand.Rand, all []*expense) {
	type key struct {
		emp   *employee
		month day
	}
	groups := map[key][]*expense{}
	var order []key
	for _, e := range all {
		k := key{e.emp, g.monthStart(e.d)}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], e)
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].month != order[j].month {
			return order[i].month < order[j].month
		}
		return order[i].emp.id < order[j].emp.id
	})
	current := g.monthStart(g.today)
	for _, k := range order {
		if k.month == current {
			continue
		}
		es := groups[k]
		submit := (g.addMonths(k.month, 1) + day(between(r, 0, 4))).nextWorkday()
		approve := (submit + day(between(r, 1, 5))).nextWorkday()
		paid := (approve + day(between(r, 2, 8))).nextWorkday()
		injected := false
		var total int64
		for _, e := range es {
			total += e.amount()
			injected = injected || e.injected != ""
		}
		state, pay, expState := "done", "paid", "done"
		switch {
		case submit > g.today:
			state, pay, expState = "draft", "not_paid", "reported"
		case approve > g.today:
			state, pay, expState = "submit", "not_paid", "submitted"
		case !injected && chance(r, 0.02):
			state, pay, expState = "cancel", "not_paid", "refused"
		case paid > g.today:
			state, pay, expState = "approve", "not_paid", "approved"
		}
		created := submit
		if created > g.today {
			created = g.today
		}
		uid := k.emp.userID
		if uid == 0 {
			uid = g.ref.admin
		}
		rec := Record{"name": "Expenses " + g.monthName(k.month) + " - " + k.emp.name, "employee_id": k.emp.id, "user_id": g.ref.admin,
			"total_amount": money(total), "currency_id": g.ref.eur, "state": state, "payment_state": pay, "accounting_date": false,
			"approval_date": false, "account_move_ids": []int64{}, "company_id": g.ref.company}
		if state == "approve" || state == "done" {
			rec["approval_date"] = g.date(approve)
		}
		if state == "done" {
			rec["accounting_date"] = g.date(paid)
		}
		id := g.add("hr.expense.sheet", stamp(rec, g.dt(created, workTime(r)), uid))
		for _, e := range es {
			e.rec["sheet_id"] = id
			e.rec["state"] = expState
			touch(e.rec, g.dt(created, 23*3600), uid)
		}
	}
}
