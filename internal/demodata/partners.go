package demodata

import (
	"math/rand/v2"
	"strings"
)

// habit is how a customer pays.
type habit int

const (
	habitOnTime    habit = iota // pays around the due date
	habitEarly                  // pays well before the due date
	habitLate                   // pays up to about five weeks late
	habitSlider                 // pays later and later over the last year
	habitDefaulter              // stopped paying some months ago
)

// customer is a customer company and its buying and paying behaviour.
type customer struct {
	id        int64 // res.partner
	name      string
	country   string
	usd       bool
	termDays  int
	taxID     int64
	userID    int64
	contacts  []int64
	invoiceTo int64

	gap        float64 // mean days between orders
	valueScale float64 // order size factor
	prefs      []*product
	habit      habit
	lateMean   float64 // mean days late for habitLate
	partialP   float64 // probability to pay an invoice in two parts

	nextOrder  day // next ordering day
	stopDay    day // no orders from this day on
	firstOrder day
	orderDays  []day
	churner    bool
	longGap    bool
	lateSince  day // habitSlider: delays grow from this day; habitDefaulter: stops paying from it
}

// vendorKind tells the delivery behaviour of a goods vendor.
type vendorKind int

const (
	vendorReliable vendorKind = iota
	vendorSliding             // on-time rate falls in recent months
	vendorSteady              // mediocre but stable on-time rate
)

// vendor is a supplier of goods or of overhead services.
type vendor struct {
	id       int64
	name     string
	country  string
	usd      bool
	termDays int
	taxID    int64
	lead     int // days
	kind     vendorKind
	orders   int // purchase orders placed so far
	products []*product
	cash     bool // paid from the cash journal
}

// employee is an employee and how they file expenses.
type employee struct {
	id        int64
	name      string
	userID    int64
	partnerID int64
	dept      string
	claims    float64 // expenses per month
	phonePlan bool
	homeCity  string
}

var customerCountries = []struct {
	code string
	w    float64
}{{"DE", 55}, {"AT", 8}, {"NL", 8}, {"FR", 5}, {"BE", 4}, {"PL", 4}, {"DK", 3}, {"US", 11}, {"GB", 2}}

func weightedCountry(r *rand.Rand) string {
	total := 0.0
	for _, c := range customerCountries {
		total += c.w
	}
	x := r.Float64() * total
	for _, c := range customerCountries {
		if x < c.w {
			return c.code
		}
		x -= c.w
	}
	return "DE"
}

// newCustomer creates a customer company with one or two contacts. The
// partner is created at day d.
func (g *gen) newCustomer(r *rand.Rand, book *nameBook, d day, country string) *customer {
	if country == "" {
		country = weightedCountry(r)
	}
	name := book.companyName(r, country)
	city := pick(r, cities[country])
	c := &customer{name: name, country: country, usd: country == "US", userID: pick(r, g.ref.sales)}
	switch {
	case country == "US":
		c.termDays = pick(r, []int{45, 60})
	case country == "DE" || country == "AT":
		c.termDays = pick(r, []int{30, 30, 30, 30, 14, 14, 45})
	default:
		c.termDays = pick(r, []int{30, 30, 45})
	}
	c.taxID = g.ref.tax.sale0
	if country == "DE" {
		c.taxID = g.ref.tax.sale19
	}
	created := g.dt(d, workTime(r))
	rec := g.partnerRec(name, true, country, city, "info@"+asciiOnly(strings.ToLower(strings.Fields(name)[0]))+".example", 0)
	rec["phone"] = phone(r, country)
	rec["street"] = pick(r, streets) + " " + itoa(between(r, 1, 120))
	rec["zip"] = itoa(between(r, 10000, 99999))
	rec["website"] = "https://www." + asciiOnly(strings.ToLower(strings.Fields(name)[0])) + ".example"
	rec["vat"] = country + itoa(between(r, 100000000, 999999999))
	rec["user_id"] = c.userID
	rec["property_payment_term_id"] = g.ref.terms[c.termDays]
	rec["ref"] = "C" + itoa(len(g.customers)+10001)
	c.id = g.add("res.partner", stamp(rec, created, g.ref.admin))
	rec["commercial_partner_id"] = c.id
	for i := range between(r, 1, 2) {
		pn := person(r)
		cr := g.partnerRec(pn, false, country, city, emailFor(pn, name), c.id)
		cr["complete_name"] = name + ", " + pn
		cr["commercial_partner_id"] = c.id
		cr["function"] = pick(r, []string{"Purchasing Manager", "Buyer", "Plant Manager", "Maintenance Lead", "CFO", "Operations Director"})
		cr["phone"] = phone(r, country)
		cr["mobile"] = phone(r, country)
		if i == 1 && chance(r, 0.5) {
			cr["type"] = "invoice"
			cr["complete_name"] = name + ", Accounts Payable"
			cr["name"] = "Accounts Payable"
			cr["function"] = false
			cr["email"] = "ap@" + asciiOnly(strings.ToLower(strings.Fields(name)[0])) + ".example"
		}
		id := g.add("res.partner", stamp(cr, created, g.ref.admin))
		c.contacts = append(c.contacts, id)
		if cr["type"] == "invoice" {
			c.invoiceTo = id
		}
	}
	if c.invoiceTo == 0 {
		c.invoiceTo = c.id
	}
	// Rhythm and habits.
	c.gap = lognormal(r, 34, 0.45, 3.2)
	c.valueScale = lognormal(r, 1, 0.55, 4)
	c.partialP = 0.06
	switch x := r.Float64(); {
	case x < 0.15:
		c.habit = habitEarly
	case x < 0.65:
		c.habit = habitOnTime
	default:
		c.habit = habitLate
		c.lateMean = uniform(r, 6, 22)
	}
	c.stopDay = g.today + 1000
	return c
}

func (g *gen) customersSetup() {
	r := g.rSales
	book := newNameBook()
	for range g.p.customers {
		c := g.newCustomer(r, book, g.start-day(between(r, 30, 900)), "")
		g.customers = append(g.customers, c)
	}
	g.book = book
}

// vendorsSetup creates the goods vendors (one sliding, one steady but
// mediocre) and the overhead vendors.
func (g *gen) vendorsSetup() {
	r := g.rStock
	book := newNameBook()
	for i := range g.p.vendors {
		country := pick(r, []string{"DE", "DE", "DE", "DE", "NL", "PL", "AT", "CN", "US"})
		v := &vendor{country: country, usd: country == "US" || country == "CN"}
		switch country {
		case "DE", "AT":
			v.lead = between(r, 5, 10)
		case "CN":
			v.lead = between(r, 28, 42)
		case "US":
			v.lead = between(r, 14, 21)
		default:
			v.lead = between(r, 7, 14)
		}
		if i == 0 {
			v.kind, v.country, v.usd, v.lead = vendorSliding, "DE", false, 10
		}
		if i == 1 {
			v.kind, v.country, v.usd, v.lead = vendorSteady, "DE", false, 7
		}
		v.termDays = pick(r, []int{30, 30, 45, 60})
		v.name = book.companyName(r, v.country)
		g.createVendor(r, v)
		g.vendors = append(g.vendors, v)
	}
	for _, o := range overheadVendors {
		if o.key == "equipment" && !g.opt.LowRunway {
			continue
		}
		v := &vendor{name: o.name, country: o.country, usd: o.usd, termDays: o.term, cash: o.key == "office", kind: vendorReliable}
		g.createVendor(r, v)
		g.overheads = append(g.overheads, v)
		g.overheadByKey[o.key] = v
	}
}

func (g *gen) createVendor(r *rand.Rand, v *vendor) {
	v.taxID = g.ref.tax.purch0
	if v.country == "DE" {
		v.taxID = g.ref.tax.purch19
	}
	rec := g.partnerRec(v.name, true, v.country, pick(r, cities[v.country]), "orders@"+asciiOnly(strings.ToLower(strings.Fields(v.name)[0]))+".example", 0)
	rec["phone"] = phone(r, v.country)
	rec["vat"] = v.country + itoa(between(r, 100000000, 999999999))
	rec["property_supplier_payment_term_id"] = g.ref.terms[v.termDays]
	rec["supplier_rank"] = int64(1)
	rec["ref"] = "V" + itoa(len(g.vendors)+len(g.overheads)+20001)
	v.id = g.add("res.partner", stamp(rec, g.dt(g.start-day(between(r, 60, 900)), workTime(r)), g.ref.admin))
	rec["commercial_partner_id"] = v.id
}

// overheadVendors are the vendors of the recurring overhead bills.
var overheadVendors = []struct {
	key, name, country string
	usd                bool
	term               int
}{
	{"rent", "Hafenspeicher Immobilien GmbH", "DE", false, 0},
	{"utilities", "Stadtwerke Nord Energie AG", "DE", false, 14},
	{"software", "Cloudline Software Inc.", "US", true, 30},
	{"telecom", "Hansenet Business GmbH", "DE", false, 14},
	{"marketing", "Blickfang Media GmbH", "DE", false, 30},
	{"freight", "Nordlog Spedition GmbH", "DE", false, 30},
	{"fees", "Krause & Partner Steuerberatung", "DE", false, 14},
	{"insurance", "Hanse Versicherung AG", "DE", false, 30},
	{"payroll", "Payroll - Net Salaries", "DE", false, 0},
	{"tax", "Finanzamt Hamburg-Nord", "DE", false, 0},
	{"office", "Bürobedarf Schmidt", "DE", false, 0},
	{"equipment", "Weber Fördertechnik Maschinenbau GmbH", "DE", false, 30},
}

var departments = []string{"Management", "Sales", "Purchasing", "Warehouse", "Finance", "Customer Care", "Field Service"}

// employeesSetup creates departments and employees: one per user plus
// warehouse staff and field technicians.
func (g *gen) employeesSetup() {
	r := g.rExp
	created := g.dt(g.start-200, 9*3600)
	deptIDs := map[string]int64{}
	for _, d := range departments {
		deptIDs[d] = g.add("hr.department", stamp(Record{"name": d, "complete_name": d, "parent_id": false, "manager_id": false,
			"company_id": g.ref.company, "active": true}, created, g.ref.admin))
	}
	mk := func(name string, user, partner int64, dept, job string) *employee {
		e := &employee{name: name, userID: user, partnerID: partner, dept: dept, homeCity: "Hamburg"}
		if partner == 0 {
			email := emailFor(name, "nordwind-supply")
			pr := g.partnerRec(name, false, "DE", "Hamburg", email, 0)
			pr["company_id"] = g.ref.company
			e.partnerID = g.add("res.partner", stamp(pr, created, g.ref.admin))
			pr["commercial_partner_id"] = e.partnerID
		}
		email := g.ds.Get("res.partner", e.partnerID).Str("email")
		e.id = g.add("hr.employee", stamp(Record{"name": name, "user_id": m2o(user), "work_contact_id": e.partnerID, "work_email": str(email),
			"job_title": job, "department_id": deptIDs[dept], "parent_id": false, "expense_manager_id": m2o(g.ref.admin),
			"company_id": g.ref.company, "active": true}, created, g.ref.admin))
		g.employees = append(g.employees, e)
		return e
	}
	for _, u := range g.ds.Records("res.users") {
		if !u.Bool("active") {
			continue
		}
		dept, job := "Management", "Managing Director"
		switch uid := u.ID(); {
		case contains(g.ref.sales, uid):
			dept, job = "Sales", "Sales Representative"
		case uid == g.ref.buyer:
			dept, job = "Purchasing", "Purchasing Manager"
		case uid == g.ref.accountant:
			dept, job = "Finance", "Accountant"
		case uid == g.ref.warehouse:
			dept, job = "Warehouse", "Warehouse Manager"
		case contains(g.ref.support, uid):
			dept, job = "Customer Care", "Customer Care Agent"
		}
		mk(u.Str("name"), u.ID(), u.M2O("partner_id"), dept, job)
	}
	book := newNameBook()
	for _, e := range g.employees {
		book.unique(e.name)
	}
	for len(g.employees) < g.p.employees {
		if chance(r, 0.4) {
			mk(book.unique(person(r)), 0, 0, "Field Service", "Service Technician")
		} else {
			mk(book.unique(person(r)), 0, 0, "Warehouse", pick(r, []string{"Warehouse Operator", "Forklift Driver", "Picker"}))
		}
	}
	boss := g.employees[0].id
	for _, e := range g.employees {
		switch e.dept {
		case "Sales":
			e.claims = uniform(r, 3, 7)
		case "Field Service":
			e.claims = uniform(r, 3, 6)
		case "Management", "Purchasing":
			e.claims = uniform(r, 1, 3)
		case "Customer Care", "Finance":
			e.claims = uniform(r, 0.2, 1)
		default:
			e.claims = uniform(r, 0, 0.3)
		}
		e.phonePlan = e.dept == "Sales" || e.dept == "Field Service" || e.dept == "Management"
		if e.id != boss {
			g.ds.Get("hr.employee", e.id)["parent_id"] = boss
		}
	}
}

func contains(xs []int64, x int64) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
