package demodata

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// product is a product and, for storable goods, its stock state.
type product struct {
	id, tmplID int64
	name, code string
	service    bool
	list, cost float64 // EUR
	typQty     float64 // typical quantity on an order line
	uom        int64
	income     int64 // income account
	popularity float64

	vendor   *vendor
	sellerID int64
	lead     int

	rate       float64 // expected units per day
	onHand     float64 // done moves in - out
	incoming   float64 // ordered, not received
	waiting    float64 // demand of pickings not yet delivered
	min, max   float64
	op         Record
	quant      Record
	manualFrom day       // the reordering rule is manual from this day (0: never)
	stockout   bool      // planned to run short at Today
	counted    bool      // its stock count was done
	outByDay   []float64 // delivered quantity per day offset
}

// expenseProduct is an expense category.
type expenseProduct struct {
	id      int64
	key     string
	account int64
}

// catalogCategory describes the goods of one product category.
type catalogCategory struct {
	name, prefix string
	patterns     []string
	price        [2]float64
	qty          [2]float64
}

var catalog = []catalogCategory{
	{"Fasteners", "FAS", []string{"Hex Bolt M{6|8|10|12|16}x{30|40|60|80} DIN 933 (100 pcs)", "Lock Nut M{6|8|10|12|16} DIN 985 (200 pcs)",
		"Washer {6.4|8.4|10.5|13} DIN 125 (500 pcs)", "Socket Screw M{4|5|6|8}x{16|20|25|35} ISO 4762 (100 pcs)", "Threaded Rod M{8|10|12} 1 m (10 pcs)",
		"Anchor Bolt {M8|M10|M12} Stainless (50 pcs)"}, [2]float64{7, 45}, [2]float64{10, 40}},
	{"Bearings and Power Transmission", "BRG", []string{"Ball Bearing {6203|6204|6205|6206|6305|6308}-2RS", "Taper Roller Bearing {30205|30206|32008|32210}",
		"Timing Belt HTD {600|800|1200}-{5M|8M} {15|20|30} mm", "V-Belt SPZ {1000|1250|1600|2000}", "Roller Chain {08B|10B|12B}-1 5 m",
		"Pillow Block UCP{204|205|206|208}"}, [2]float64{6, 95}, [2]float64{4, 24}},
	{"Hydraulics and Pneumatics", "HYD", []string{"Hydraulic Hose {1/4|3/8|1/2|3/4}\" {1|2|3} m", "Pneumatic Cylinder Ø{32|40|50|63} x {100|160|200}",
		"Solenoid Valve 5/2 {24V DC|230V AC} G{1/8|1/4}", "Pressure Gauge {0-10|0-16|0-250} bar", "Quick Coupling {DN6|DN10|DN13}",
		"Gear Pump {4|8|11|16} cc"}, [2]float64{25, 480}, [2]float64{1, 8}},
	{"Electrical", "ELE", []string{"Proximity Sensor M{12|18|30} PNP {NO|NC}", "Contactor {9|12|18|25|32} A 24V", "Circuit Breaker C{10|16|20|32} 3P",
		"Cable H07RN-F {3G1.5|3G2.5|5G1.5|5G2.5} (50 m)", "Motor Protection Switch {1-1.6|2.5-4|6-10} A", "LED Machine Light {12|24} W"},
		[2]float64{12, 320}, [2]float64{2, 15}},
	{"Safety Equipment", "SAF", []string{"Safety Gloves Size {8|9|10|11} (12 pairs)", "Safety Goggles {Clear|Tinted} (10 pcs)", "Ear Defenders SNR {28|32|35}",
		"Hard Hat {White|Yellow|Blue}", "Hi-Vis Vest {M|L|XL} (5 pcs)", "FFP{2|3} Mask (20 pcs)"}, [2]float64{9, 85}, [2]float64{4, 30}},
	{"Tools", "TOO", []string{"Torque Wrench {5-25|20-100|40-200} Nm", "Cordless Drill {12|18} V", "Socket Set {1/4|1/2}\" {25|46|94} pcs",
		"Angle Grinder {115|125} mm", "Digital Caliper {150|200} mm", "Hex Key Set {9|12} pcs"}, [2]float64{18, 590}, [2]float64{1, 5}},
}

var serviceCatalog = []struct {
	name  string
	price float64
	hours bool
	qty   float64
}{
	{"On-site Installation", 95, true, 6}, {"Preventive Maintenance Visit", 450, false, 1}, {"Operator Training (day)", 980, false, 1},
	{"Repair Service", 110, true, 4}, {"Express Delivery Surcharge", 45, false, 1}, {"Hydraulic System Inspection", 620, false, 1},
	{"Engineering Consulting", 140, true, 8}, {"Calibration Service", 180, false, 2}, {"Spare Parts Kitting", 60, true, 3},
	{"Extended Warranty (1 year)", 390, false, 1},
}

var expenseCatalog = []struct {
	key, name string
	price     float64
}{
	{"travel", "Travel", 0}, {"hotel", "Hotel", 0}, {"meals", "Meals", 0}, {"mileage", "Mileage", 0.30}, {"office", "Office Supplies", 0},
	{"phone", "Phone and Internet", 39.99}, {"gifts", "Client Gifts", 0}, {"conference", "Conferences and Training", 0},
}

// expand replaces each {a|b|c} group of pattern by one of its choices.
func expand(r *rand.Rand, pattern string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		j := strings.IndexByte(pattern[i:], '}') + i
		b.WriteString(pattern[:i])
		b.WriteString(pick(r, strings.Split(pattern[i+1:j], "|")))
		pattern = pattern[j+1:]
	}
}

func (g *gen) productsSetup() {
	r := g.rStock
	created := g.dt(g.start-120, 8*3600)
	uid := g.ref.admin
	categ := func(name, complete string, parent int64) int64 {
		return g.add("product.category", stamp(Record{"name": name, "complete_name": complete, "parent_id": m2o(parent)}, created, uid))
	}
	all := categ("All", "All", 0)
	saleable := categ("Saleable", "All / Saleable", all)
	servicesCat := categ("Services", "All / Services", all)
	expensesCat := categ("Expenses", "All / Expenses", all)
	book := newNameBook()
	catIDs := make([]int64, len(catalog))
	for i, c := range catalog {
		catIDs[i] = categ(c.name, "All / Saleable / "+c.name, saleable)
	}
	for i := range g.p.products {
		ci := i % len(catalog)
		c := catalog[ci]
		name := expand(r, pick(r, c.patterns))
		for tries := 0; book.used[name] && tries < 30; tries++ {
			name = expand(r, pick(r, c.patterns))
		}
		name = book.unique(name)
		price := f2(math.Exp(uniform(r, math.Log(c.price[0]), math.Log(c.price[1]))))
		p := &product{name: name, code: c.prefix + "-" + pad4(g.next("code/"+c.prefix)), list: price,
			cost: f2(price * uniform(r, 0.55, 0.68)), typQty: math.Round(uniform(r, c.qty[0], c.qty[1])), uom: g.ref.uomUnit, income: g.ref.acc.sales}
		g.createProduct(p, catIDs[ci], created, true)
		p.outByDay = make([]float64, HistoryDays+1)
		g.goods = append(g.goods, p)
	}
	for i := range g.p.services {
		s := serviceCatalog[i%len(serviceCatalog)]
		p := &product{name: book.unique(s.name), code: "SRV-" + pad4(i+1), list: s.price, cost: 0, typQty: s.qty, service: true,
			uom: g.ref.uomUnit, income: g.ref.acc.services}
		if s.hours {
			p.uom = g.ref.uomHour
		}
		g.createProduct(p, servicesCat, created, false)
		g.services = append(g.services, p)
	}
	for _, e := range expenseCatalog {
		acc := map[string]int64{"office": g.ref.acc.office, "phone": g.ref.acc.it, "gifts": g.ref.acc.marketing, "conference": g.ref.acc.fees}[e.key]
		if acc == 0 {
			acc = g.ref.acc.travel
		}
		tmpl := g.add("product.template", stamp(Record{"name": e.name, "type": "service", "is_storable": false, "categ_id": expensesCat,
			"list_price": e.price, "standard_price": e.price, "default_code": "EXP_" + strings.ToUpper(e.key), "barcode": false,
			"uom_id": g.ref.uomUnit, "uom_po_id": g.ref.uomUnit, "sale_ok": false, "purchase_ok": true, "can_be_expensed": true,
			"invoice_policy": "order", "sale_delay": 0.0, "priority": int64(0), "description_sale": false,
			"property_account_income_id": false, "property_account_expense_id": acc, "company_id": false, "active": true}, created, uid))
		if e.key == "mileage" {
			g.ds.Get("product.template", tmpl)["uom_id"] = g.ref.uomKm
			g.ds.Get("product.template", tmpl)["uom_po_id"] = g.ref.uomKm
		}
		id := g.add("product.product", stamp(Record{"product_tmpl_id": tmpl, "default_code": "EXP_" + strings.ToUpper(e.key), "barcode": false,
			"lst_price": e.price, "standard_price": e.price, "active": true}, created, uid))
		g.expenseProducts = append(g.expenseProducts, &expenseProduct{id: id, key: e.key, account: acc})
	}
	// Popularity: a long tail in random order.
	perm := r.Perm(len(g.goods))
	for i, p := range g.goods {
		p.popularity = 1 / math.Pow(float64(perm[i]+2), 0.75)
	}
	g.products = append(append([]*product(nil), g.goods...), g.services...)
}

func pad4(n int) string {
	s := itoa(n)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

func (g *gen) createProduct(p *product, categ int64, created string, storable bool) {
	uid := g.ref.admin
	typ, policy := "consu", "delivery"
	if p.service {
		typ, policy = "service", "order"
	}
	p.tmplID = g.add("product.template", stamp(Record{"name": p.name, "type": typ, "is_storable": storable, "categ_id": categ,
		"list_price": p.list, "standard_price": p.cost, "default_code": p.code, "barcode": false, "uom_id": p.uom, "uom_po_id": p.uom,
		"sale_ok": true, "purchase_ok": !p.service, "can_be_expensed": false, "invoice_policy": policy, "sale_delay": 2.0,
		"priority": int64(0), "description_sale": false, "property_account_income_id": p.income, "property_account_expense_id": m2o(g.ref.acc.purchases),
		"company_id": false, "active": true}, created, uid))
	p.id = g.add("product.product", stamp(Record{"product_tmpl_id": p.tmplID, "default_code": p.code, "barcode": false,
		"lst_price": p.list, "standard_price": p.cost, "active": true}, created, uid))
}

// assignVendors gives every good a usual vendor (and sometimes a second
// one): the sliding vendor supplies about 15% of the goods.
func (g *gen) assignVendors() {
	r := g.rStock
	created := g.dt(g.start-100, 9*3600)
	for i, p := range g.goods {
		var v *vendor
		switch {
		case i%7 == 3:
			v = g.vendors[0] // sliding
		case i%10 == 5:
			v = g.vendors[1] // steady
		default:
			v = g.vendors[2+r.IntN(len(g.vendors)-2)]
		}
		p.vendor, p.lead = v, v.lead
		v.products = append(v.products, p)
		p.sellerID = g.seller(p, v, 1, 1, created)
		if chance(r, 0.25) {
			alt := g.vendors[2+r.IntN(len(g.vendors)-2)]
			if alt != v {
				g.seller(p, alt, 2, 1.06, created)
			}
		}
	}
}

func (g *gen) seller(p *product, v *vendor, seq int, markup float64, created string) int64 {
	price := f2(p.cost * markup * g.rateOf(v.usd, g.start))
	return g.add("product.supplierinfo", stamp(Record{"partner_id": v.id, "product_tmpl_id": p.tmplID, "product_id": p.id,
		"product_name": false, "product_code": str(strings.ReplaceAll(p.code, "-", "") + "-" + itoa(int(v.id))), "sequence": int64(seq),
		"min_qty": 0.0, "price": price, "currency_id": g.currencyID(v.usd), "delay": int64(v.lead + (seq-1)*3),
		"date_start": false, "date_end": false, "company_id": false}, created, g.ref.buyer))
}

// assignPreferences gives each customer the products they usually buy.
func (g *gen) assignPreferences(c *customer, r *rand.Rand) {
	n := between(r, 4, 10)
	if len(g.goods) > 100 {
		n = between(r, g.p.maxLines, 14)
	}
	c.prefs = weightedSample(r, g.goods, n)
	if chance(r, 0.35) {
		c.prefs = append(c.prefs, pick(r, g.services))
	}
}

// weightedSample draws n distinct goods with probability proportional to
// popularity.
func weightedSample(r *rand.Rand, goods []*product, n int) []*product {
	type kv struct {
		key float64
		p   *product
	}
	keys := make([]kv, len(goods))
	for i, p := range goods {
		// Efraimidis-Spirakis: key = u^(1/w); take the n largest.
		keys[i] = kv{math.Pow(r.Float64(), 1/p.popularity), p}
	}
	sort.SliceStable(keys, func(i, j int) bool { return keys[i].key > keys[j].key })
	if n > len(keys) {
		n = len(keys)
	}
	out := make([]*product, n)
	for i := range n {
		out[i] = keys[i].p
	}
	return out
}

// demandRates estimates the daily demand of each good from the customers'
// rhythms, then sets reordering rules and the opening stock.
func (g *gen) demandRates() {
	for _, c := range g.customers {
		goods := 0
		for _, p := range c.prefs {
			if !p.service {
				goods++
			}
		}
		if goods == 0 {
			continue
		}
		meanLines := (1 + math.Min(float64(g.p.maxLines), float64(goods))) / 2
		for _, p := range c.prefs {
			if !p.service {
				p.rate += (1 / c.gap) * (meanLines / float64(goods)) * p.typQty * c.valueScale
			}
		}
	}
	r := g.rStock
	created := g.dt(g.start-1, 7*3600)
	for _, p := range g.goods {
		p.rate *= 1.3 // new customers won through CRM buy too
		p.min = math.Max(2, math.Ceil(p.rate*float64(p.lead+7)))
		p.max = p.min + math.Max(2, math.Ceil(p.rate*30))
		p.op = Record{"name": "OP/" + pad5(g.next("op")), "product_id": p.id, "warehouse_id": g.ref.wh, "location_id": g.ref.locStock,
			"product_min_qty": p.min, "product_max_qty": p.max, "qty_multiple": 1.0, "trigger": "auto", "qty_forecast": 0.0, "qty_to_order": 0.0,
			"snoozed_until": false, "supplier_id": p.sellerID, "company_id": g.ref.company, "active": true}
		g.add("stock.warehouse.orderpoint", stamp(p.op, created, g.ref.buyer))
		qty := math.Ceil(p.max * uniform(r, 0.8, 1))
		g.inventoryMove(p, qty, g.start, created)
	}
}

func pad5(n int) string {
	s := itoa(n)
	for len(s) < 5 {
		s = "0" + s
	}
	return s
}
