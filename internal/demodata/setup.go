package demodata

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/dataset"
)

// refs holds the ids of the master records other records point to.
type refs struct {
	company, companyPartner, eur, usd int64
	countries                         map[string]int64
	system, admin                     int64
	sales                             []int64 // salespeople (res.users)
	buyer, accountant, warehouse      int64
	support                           []int64
	team                              int64

	acc   accounts
	jr    journals
	tax   taxes
	terms map[int]int64

	uomUnit, uomHour, uomKm int64

	wh, locView, locStock, locCustomers, locVendors, locInventory int64
	ptIn, ptOut                                                   int64

	actTodo, actCall, actEmail, actMeeting int64
	irModel                                map[string]int64

	stages      []int64 // New, Qualified, Proposition, Negotiation
	stageWon    int64
	lostReasons []int64

	hdTeam                          int64
	hdNew, hdProgress, hdSolved     int64
	project                         int64
	taskNew, taskProgress, taskDone int64
}

type accounts struct {
	bank, cash, outRec, outPay, recv, pay, vatOut, vatIn, capital, equipment           int64
	sales, services, fxGain, fxLoss, purchases                                         int64
	salaries, rent, utilities, marketing, it, travel, office, insurance, freight, fees int64
}

type journals struct{ sale, purchase, bank, cash, misc, exch int64 }

type taxes struct{ sale19, sale0, purch19, purch0 int64 }

const companyName = "Nordwind Industrial Supply GmbH"

// modules returns the installed Odoo modules.
func (g *gen) modules() []string {
	m := []string{"account", "account_budget", "aicoo", "analytic", "base", "calendar", "contacts", "crm", "hr", "hr_expense", "mail", "product", "project",
		"purchase", "purchase_stock", "sale", "sale_management", "sale_stock", "sales_team", "stock", "stock_account", "uom"}
	if !g.opt.NoHelpdesk {
		m = append(m, "helpdesk")
	}
	sort.Strings(m)
	return m
}

func (g *gen) setup() {
	created := g.dt(g.start-30, 8*3600)
	sys := int64(1)
	add := func(model string, rec Record) int64 { return g.add(model, stamp(rec, created, sys)) }

	g.ref.eur = add("res.currency", Record{"name": "EUR", "full_name": "Euro", "symbol": "€", "decimal_places": int64(2), "rounding": 0.01, "active": true})
	g.ref.usd = add("res.currency", Record{"name": "USD", "full_name": "United States dollar", "symbol": "$", "decimal_places": int64(2), "rounding": 0.01, "active": true})
	add("res.currency", Record{"name": "GBP", "full_name": "Pound sterling", "symbol": "£", "decimal_places": int64(2), "rounding": 0.01, "active": false})

	g.ref.countries = map[string]int64{}
	for _, c := range [][2]string{{"AT", "Austria"}, {"BE", "Belgium"}, {"CN", "China"}, {"DK", "Denmark"}, {"FR", "France"}, {"DE", "Germany"},
		{"NL", "Netherlands"}, {"PL", "Poland"}, {"GB", "United Kingdom"}, {"US", "United States"}} {
		g.ref.countries[c[0]] = add("res.country", Record{"name": c[1], "code": c[0]})
	}

	// Partners 1-3 and users 1-2 mirror a fresh Odoo database.
	g.ref.companyPartner = add("res.partner", g.partnerRec(companyName, true, "DE", "Hamburg", "info@nordwind-supply.example", 0))
	botPartner := add("res.partner", g.partnerRec("OdooBot", false, "", "", "odoobot@example.com", 0))
	adminPartner := add("res.partner", g.partnerRec("Mitchell Admin", false, "DE", "Hamburg", "admin@nordwind-supply.example", 0))
	g.ref.company = add("res.company", Record{"name": companyName, "partner_id": g.ref.companyPartner, "currency_id": g.ref.eur,
		"country_id": g.ref.countries["DE"], "parent_id": false, "email": "info@nordwind-supply.example", "phone": "+49 40 5550100",
		"vat": "DE812345678", "street": "Hafenweg 12", "zip": "20457", "city": "Hamburg", "sequence": int64(10),
		"fiscalyear_last_day": int64(31), "fiscalyear_last_month": "12", "active": true})
	for _, id := range []int64{g.ref.companyPartner, adminPartner} {
		g.ds.Get("res.partner", id)["company_id"] = g.ref.company
	}
	g.ref.system = g.add("res.users", stamp(g.userRec("OdooBot", "__system__", botPartner, false), created, sys))
	g.ref.admin = add("res.users", g.userRec("Mitchell Admin", "admin", adminPartner, true))

	g.rates()
	g.chartOfAccounts(add)
	g.ref.terms = map[int]int64{}
	for _, d := range []int{0, 14, 30, 45, 60} {
		name := "Immediate Payment"
		if d > 0 {
			name = strconv.Itoa(d) + " Days"
		}
		g.ref.terms[d] = add("account.payment.term", Record{"name": name, "days": int64(d), "sequence": int64(10 + d), "active": true, "company_id": false, "note": false})
	}

	g.ref.uomUnit = add("uom.uom", Record{"name": "Units", "uom_type": "reference", "category_name": "Unit", "factor": 1.0, "rounding": 0.01, "active": true})
	add("uom.uom", Record{"name": "Dozens", "uom_type": "bigger", "category_name": "Unit", "factor": 1.0 / 12, "rounding": 0.01, "active": true})
	add("uom.uom", Record{"name": "kg", "uom_type": "reference", "category_name": "Weight", "factor": 1.0, "rounding": 0.01, "active": true})
	g.ref.uomHour = add("uom.uom", Record{"name": "Hours", "uom_type": "reference", "category_name": "Working Time", "factor": 1.0, "rounding": 0.01, "active": true})
	g.ref.uomKm = add("uom.uom", Record{"name": "km", "uom_type": "reference", "category_name": "Length / Distance", "factor": 1.0, "rounding": 0.01, "active": true})

	g.irModels(add)
	for _, a := range []struct {
		name, cat string
		delay     int
		ref       *int64
	}{{"To-Do", "default", 5, &g.ref.actTodo}, {"Call", "phonecall", 2, &g.ref.actCall}, {"Email", "default", 2, &g.ref.actEmail},
		{"Meeting", "meeting", 3, &g.ref.actMeeting}, {"Upload Document", "upload_file", 5, nil}} {
		id := add("mail.activity.type", Record{"name": a.name, "summary": false, "category": a.cat, "delay_count": int64(a.delay),
			"delay_unit": "days", "res_model": false, "sequence": int64(10), "keep_done": a.name == "Meeting", "active": true})
		if a.ref != nil {
			*a.ref = id
		}
	}
	g.warehouse(add)
	g.users(add)
	g.crmSetup(add)
	g.supportSetup(add)
}

// partnerRec returns a partner record with the usual empty fields set.
func (g *gen) partnerRec(name string, isCompany bool, country, city, email string, parent int64) Record {
	rec := Record{
		"name": name, "complete_name": name, "is_company": isCompany, "parent_id": m2o(parent), "commercial_partner_id": false,
		"type": "contact", "email": str(email), "phone": false, "mobile": false, "website": false, "lang": "en_US", "tz": "Europe/Berlin",
		"street": false, "street2": false, "zip": false, "city": str(city), "country_id": m2o(g.ref.countries[country]),
		"vat": false, "ref": false, "function": false, "user_id": false, "company_id": false, "customer_rank": int64(0),
		"supplier_rank": int64(0), "active": true,
	}
	if country == "DE" || country == "AT" {
		rec["lang"] = "de_DE"
	}
	return rec
}

func (g *gen) userRec(name, login string, partner int64, active bool) Record {
	return Record{"name": name, "login": login, "partner_id": partner, "email": str(g.ds.Get("res.partner", partner).Str("email")),
		"company_id": g.ref.company, "company_ids": []int64{g.ref.company}, "share": false, "active": active}
}

// rates builds the USD rate history: a mean-reverting walk around 1.09 USD
// per EUR, one res.currency.rate per working day.
func (g *gen) rates() {
	r := g.rMaster
	n := HistoryDays + 1
	g.usdRates = make([]float64, n)
	rate := 1.06 + r.Float64()*0.06
	for i := range n {
		d := g.start + day(i)
		if i == 0 || !d.weekend() {
			rate += 0.04*(1.09-rate) + r.NormFloat64()*0.0045
			rate = math.Round(rate*1e6) / 1e6
			g.add("res.currency.rate", stamp(Record{"name": g.date(d), "rate": rate, "currency_id": g.ref.usd, "company_id": g.ref.company},
				g.dt(d, 6*3600), g.ref.system))
		}
		g.usdRates[i] = rate
	}
}

func (g *gen) chartOfAccounts(add func(string, Record) int64) {
	acc := func(code, name, typ string, reconcile bool) int64 {
		group := strings.SplitN(typ, "_", 2)[0]
		if typ == "off_balance" {
			group = "off"
		}
		return add("account.account", Record{"code": code, "name": name, "account_type": typ, "internal_group": group, "reconcile": reconcile,
			"currency_id": false, "company_ids": []int64{g.ref.company}, "deprecated": false, "active": true})
	}
	a := &g.ref.acc
	a.bank = acc("101401", "Bank", "asset_cash", false)
	a.cash = acc("101501", "Cash", "asset_cash", false)
	a.outRec = acc("101402", "Outstanding Receipts", "asset_current", true)
	a.outPay = acc("101403", "Outstanding Payments", "asset_current", true)
	a.recv = acc("121000", "Account Receivable", "asset_receivable", true)
	a.vatIn = acc("131000", "Input VAT 19%", "asset_current", false)
	a.equipment = acc("151000", "Machinery and Equipment", "asset_fixed", false)
	a.pay = acc("211000", "Account Payable", "liability_payable", true)
	a.vatOut = acc("251000", "Output VAT 19%", "liability_current", false)
	a.capital = acc("301000", "Share Capital", "equity", false)
	acc("999999", "Undistributed Profits/Losses", "equity_unaffected", false)
	a.sales = acc("400000", "Product Sales", "income", false)
	a.services = acc("400100", "Service Revenue", "income", false)
	a.fxGain = acc("441000", "Foreign Exchange Gain", "income_other", false)
	a.purchases = acc("500000", "Cost of Goods Purchased", "expense_direct_cost", false)
	a.salaries = acc("600000", "Salaries and Wages", "expense", false)
	a.rent = acc("610000", "Rent", "expense", false)
	a.utilities = acc("611000", "Energy and Utilities", "expense", false)
	a.marketing = acc("620000", "Marketing and Advertising", "expense", false)
	a.it = acc("630000", "IT and Software", "expense", false)
	a.travel = acc("640000", "Travel and Entertainment", "expense", false)
	a.office = acc("650000", "Office Supplies", "expense", false)
	a.insurance = acc("660000", "Insurance", "expense", false)
	a.freight = acc("670000", "Freight and Logistics", "expense", false)
	a.fees = acc("680000", "Legal and Professional Fees", "expense", false)
	a.fxLoss = acc("641000", "Foreign Exchange Loss", "expense", false)

	j := &g.ref.jr
	jr := func(name, code, typ string, account int64, seq int) int64 {
		return add("account.journal", Record{"name": name, "code": code, "type": typ, "default_account_id": m2o(account),
			"suspense_account_id": false, "currency_id": false, "company_id": g.ref.company, "sequence": int64(seq), "active": true})
	}
	j.sale = jr("Customer Invoices", "INV", "sale", a.sales, 5)
	j.purchase = jr("Vendor Bills", "BILL", "purchase", a.purchases, 6)
	j.bank = jr("Bank", "BNK1", "bank", a.bank, 7)
	j.cash = jr("Cash", "CSH1", "cash", a.cash, 8)
	j.misc = jr("Miscellaneous Operations", "MISC", "general", 0, 9)
	j.exch = jr("Exchange Difference", "EXCH", "general", 0, 10)

	t := &g.ref.tax
	tax := func(name, use string, amount float64, account int64) int64 {
		return add("account.tax", Record{"name": name, "type_tax_use": use, "amount_type": "percent", "amount": amount,
			"price_include": false, "account_id": m2o(account), "sequence": int64(1), "company_id": g.ref.company, "active": true})
	}
	t.sale19 = tax("19%", "sale", 19, a.vatOut)
	t.sale0 = tax("0% EU/Export", "sale", 0, 0)
	t.purch19 = tax("19% (purchase)", "purchase", 19, a.vatIn)
	t.purch0 = tax("0% EU/Import (purchase)", "purchase", 0, 0)
}

// irModels registers an ir.model record per schema model whose module is
// installed.
func (g *gen) irModels(add func(string, Record) int64) {
	g.ref.irModel = map[string]int64{}
	installed := map[string]bool{}
	for _, m := range g.modules() {
		installed[m] = true
	}
	deps := map[string]string{"sales_team": "crm", "hr_expense": "hr_expense"}
	major := dataset.MajorVersion(g.opt.OdooVersion)
	for _, m := range g.ds.Schema().Models() {
		if !m.InVersion(major) {
			continue
		}
		mod := m.Module
		if alt, ok := deps[mod]; ok && !installed[mod] {
			mod = alt
		}
		if !installed[mod] {
			continue
		}
		state := "base"
		if m.Custom {
			state = "manual"
		}
		g.ref.irModel[m.Name] = add("ir.model", Record{"name": m.Description, "model": m.Name, "info": false, "state": state,
			"transient": false, "modules": m.Module})
	}
}

func (g *gen) warehouse(add func(string, Record) int64) {
	loc := func(name, complete string, parent int64, usage string) int64 {
		return add("stock.location", Record{"name": name, "complete_name": complete, "location_id": m2o(parent), "usage": usage,
			"warehouse_id": false, "company_id": m2o(g.ref.company), "active": true})
	}
	partners := loc("Partners", "Partners", 0, "view")
	virtual := loc("Virtual Locations", "Virtual Locations", 0, "view")
	g.ref.locCustomers = loc("Customers", "Partners/Customers", partners, "customer")
	g.ref.locVendors = loc("Vendors", "Partners/Vendors", partners, "supplier")
	g.ref.locInventory = loc("Inventory adjustment", "Virtual Locations/Inventory adjustment", virtual, "inventory")
	g.ref.locView = loc("WH", "WH", 0, "view")
	g.ref.locStock = loc("Stock", "WH/Stock", g.ref.locView, "internal")
	g.ref.wh = add("stock.warehouse", Record{"name": "Hamburg Warehouse", "code": "WH", "lot_stock_id": g.ref.locStock,
		"view_location_id": g.ref.locView, "partner_id": g.ref.companyPartner, "sequence": int64(10), "company_id": g.ref.company, "active": true})
	for _, id := range []int64{g.ref.locView, g.ref.locStock} {
		g.ds.Get("stock.location", id)["warehouse_id"] = g.ref.wh
	}
	pt := func(name, code, prefix string, src, dst int64, seq int) int64 {
		return add("stock.picking.type", Record{"name": name, "code": code, "sequence_code": prefix, "sequence": int64(seq),
			"warehouse_id": g.ref.wh, "default_location_src_id": m2o(src), "default_location_dest_id": m2o(dst), "company_id": g.ref.company, "active": true})
	}
	g.ref.ptIn = pt("Receipts", "incoming", "IN", g.ref.locVendors, g.ref.locStock, 1)
	g.ref.ptOut = pt("Delivery Orders", "outgoing", "OUT", g.ref.locStock, g.ref.locCustomers, 2)
	pt("Internal Transfers", "internal", "INT", g.ref.locStock, g.ref.locStock, 3)
}

func (g *gen) crmSetup(add func(string, Record) int64) {
	g.ref.team = add("crm.team", Record{"name": "Sales", "user_id": m2o(g.ref.sales[0]), "member_ids": append([]int64(nil), g.ref.sales...),
		"sequence": int64(10), "company_id": g.ref.company, "active": true})
	for i, s := range crmStages {
		id := add("crm.stage", Record{"name": s.name, "sequence": int64(i + 1), "is_won": s.won, "fold": s.won, "team_id": false,
			"requirements": false})
		if s.won {
			g.ref.stageWon = id
		} else {
			g.ref.stages = append(g.ref.stages, id)
		}
	}
	for _, n := range lostReasonNames {
		g.ref.lostReasons = append(g.ref.lostReasons, add("crm.lost.reason", Record{"name": n, "active": true}))
	}
}

func (g *gen) supportSetup(add func(string, Record) int64) {
	if !g.opt.NoHelpdesk {
		g.ref.hdTeam = add("helpdesk.team", Record{"name": "Customer Care", "member_ids": append([]int64(nil), g.ref.support...),
			"sequence": int64(10), "use_sla": true, "company_id": g.ref.company, "active": true})
		st := func(name string, seq int, fold bool) int64 {
			return add("helpdesk.stage", Record{"name": name, "sequence": int64(seq), "fold": fold, "team_ids": []int64{g.ref.hdTeam}, "active": true})
		}
		g.ref.hdNew = st("New", 0, false)
		g.ref.hdProgress = st("In Progress", 1, false)
		st("On Hold", 2, false)
		g.ref.hdSolved = st("Solved", 3, true)
		st("Cancelled", 4, true)
		return
	}
	g.ref.project = add("project.project", Record{"name": "Customer Support", "partner_id": false, "user_id": m2o(g.ref.support[0]),
		"description": false, "sequence": int64(10), "type_ids": []int64{}, "company_id": g.ref.company, "active": true})
	st := func(name string, seq int, fold bool) int64 {
		return add("project.task.type", Record{"name": name, "sequence": int64(seq), "fold": fold, "project_ids": []int64{g.ref.project}, "active": true})
	}
	g.ref.taskNew = st("New", 1, false)
	g.ref.taskProgress = st("In Progress", 2, false)
	g.ref.taskDone = st("Done", 3, true)
	cancelled := st("Cancelled", 4, true)
	g.ds.Get("project.project", g.ref.project)["type_ids"] = []int64{g.ref.taskNew, g.ref.taskProgress, g.ref.taskDone, cancelled}
}

// users creates the internal users (salespeople, buyer, accountant,
// warehouse and support staff), each with a partner.
func (g *gen) users(add func(string, Record) int64) {
	r := g.rMaster
	book := newNameBook()
	mk := func(role string) int64 {
		name := book.unique(person(r))
		login := strings.ToLower(asciiOnly(strings.ReplaceAll(name, " ", "."))) + "@nordwind-supply.example"
		p := add("res.partner", g.partnerRec(name, false, "DE", "Hamburg", login, 0))
		g.ds.Get("res.partner", p)["company_id"] = g.ref.company
		g.ds.Get("res.partner", p)["function"] = role
		return add("res.users", g.userRec(name, login, p, true))
	}
	for range g.p.salespeople {
		g.ref.sales = append(g.ref.sales, mk("Sales Representative"))
	}
	g.ref.buyer = mk("Purchasing Manager")
	g.ref.accountant = mk("Accountant")
	g.ref.warehouse = mk("Warehouse Manager")
	for range g.p.supportAgents {
		g.ref.support = append(g.ref.support, mk("Customer Care Agent"))
	}
}
