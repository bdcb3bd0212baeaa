package operations

import (
	"context"
	"errors"
	"fmt"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/odoo"
)

// The records the analyzer works from, decoded once into small structs.

type location struct {
	usage   string
	company int64
}

type product struct {
	id, tmpl int64
	active   bool
	storable bool
	name     string
	code     string
	uom      int64
}

// label is "[code] name" as Odoo displays a product.
func (p *product) label() string {
	switch {
	case p == nil:
		return "product"
	case p.code != "" && p.name != "":
		return "[" + p.code + "] " + p.name
	case p.name != "":
		return p.name
	case p.code != "":
		return p.code
	}
	return fmt.Sprintf("product %d", p.id)
}

type seller struct {
	id, partner, tmpl, product, company int64
	sequence                            int64
	delay                               int
	start, end                          odoo.Date
}

type orderpoint struct {
	id, product, company, location, seller int64
	min, max                               float64
	trigger                                string
}

type move struct {
	id, product, company  int64
	src, dst              int64
	picking, purchaseLine int64
	state                 string
	date                  odoo.Date
	demand, done          float64 // in the move's unit
	uom                   int64
	inventory             bool
}

type picking struct {
	id, partner, company, pickingType, sale int64
	name, state, code                       string
	scheduled, deadline, done, created      odoo.Date
	purchase                                bool // one of its moves comes from a purchase order line
}

type purchaseLine struct {
	id, order, product, company, partner int64
	planned                              odoo.Date
}

type purchaseOrder struct {
	id, partner int64
	name        string
}

type saleOrder struct {
	id, partner, company int64
	name, state          string
	ordered, commitment  odoo.Date
}

type task struct {
	id, stage, project, company int64
	since                       odoo.Date
}

// data holds everything one run reads. A nil map means the model is not
// available in this Odoo.
type data struct {
	companies   []int64
	partners    map[int64]partner
	locations   map[int64]location
	products    map[int64]*product
	uomFactor   map[int64]float64
	sellers     []seller
	orderpoints []orderpoint
	quants      []quant
	moves       []move
	pickings    map[int64]*picking
	pickTypes   map[int64]pickType
	poLines     map[int64]purchaseLine
	purchases   map[int64]purchaseOrder
	sales       map[int64]saleOrder
	// saleValues are the confirmed sales per company and product; nil
	// when sale order lines are unavailable.
	saleValues map[pkey]*saleValue
	tasks      []task
	taskStages map[int64]taskStage
	// valuation is nil when stock.valuation.layer is unavailable;
	// valueToday is its stock value as of Today per company, in the
	// currency of currencies.
	valuation  *Valuation
	valueToday map[int64]float64
	currencies map[int64]string

	stock, purchase, sale, project bool
}

type partner struct {
	name       string
	commercial int64
	active     bool
}

type quant struct {
	product, location, company int64
	qty                        float64
}

type pickType struct {
	name, code string
}

type taskStage struct {
	name string
	fold bool
}

// fetch reads a model; ok is false when the model is unavailable.
func fetch(ctx context.Context, src analysis.Source, model string) ([]odoo.Record, bool, error) {
	recs, err := analysis.Records(ctx, src, model)
	if errors.Is(err, analysis.ErrUnavailable) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("operations: %w", err)
	}
	return recs, true, nil
}

// load reads and decodes the records of every model the analyzer uses.
// Done stock moves are read whatever their age: the demand forecast
// (demand.go) learns its seasons from their history.
func load(ctx context.Context, src analysis.Source, since odoo.Date) (*data, error) {
	d := &data{}
	var dec decoder
	get := func(model string) ([]odoo.Record, bool, error) { return fetch(ctx, src, model) }

	recs, ok, err := get("res.company")
	if err != nil {
		return nil, err
	}
	if ok {
		for _, r := range recs {
			d.companies = append(d.companies, r.ID())
		}
	}
	recs, _, err = get("res.partner")
	if err != nil {
		return nil, err
	}
	d.partners = make(map[int64]partner, len(recs))
	const mp = "res.partner"
	for _, r := range recs {
		p := partner{name: dec.str(mp, r, "name"), commercial: dec.m2o(mp, r, "commercial_partner_id"), active: dec.boolOr(mp, r, "active", true)}
		if p.commercial == 0 {
			p.commercial = dec.m2o(mp, r, "parent_id")
		}
		if p.commercial == 0 {
			p.commercial = r.ID()
		}
		d.partners[r.ID()] = p
	}
	if err := d.loadProducts(get, &dec); err != nil {
		return nil, err
	}
	if err := d.loadStock(get, &dec); err != nil {
		return nil, err
	}
	if err := d.loadOrders(get, &dec); err != nil {
		return nil, err
	}
	if err := d.loadSaleLines(get, &dec, since); err != nil {
		return nil, err
	}
	if dec.err != nil {
		return nil, dec.err
	}
	return d, nil
}

type getter func(model string) ([]odoo.Record, bool, error)

func (d *data) loadProducts(get getter, dec *decoder) error {
	tmpls, _, err := get("product.template")
	if err != nil {
		return err
	}
	type tmpl struct {
		name      string
		storable  bool
		active    bool
		uom, code string
		uomID     int64
	}
	const mt = "product.template"
	byTmpl := make(map[int64]tmpl, len(tmpls))
	for _, r := range tmpls {
		typ := dec.str(mt, r, "type")
		// 18+: is_storable; 16/17: type (or detailed_type) "product".
		storable := dec.boolOr(mt, r, "is_storable", false) || typ == "product" || dec.str(mt, r, "detailed_type") == "product"
		byTmpl[r.ID()] = tmpl{name: dec.str(mt, r, "name"), storable: storable && typ != "service" && typ != "combo",
			active: dec.boolOr(mt, r, "active", true), code: dec.str(mt, r, "default_code"), uomID: dec.m2o(mt, r, "uom_id")}
	}
	prods, _, err := get("product.product")
	if err != nil {
		return err
	}
	const mp = "product.product"
	d.products = make(map[int64]*product, len(prods))
	for _, r := range prods {
		t := byTmpl[dec.m2o(mp, r, "product_tmpl_id")]
		p := &product{id: r.ID(), tmpl: dec.m2o(mp, r, "product_tmpl_id"), active: dec.boolOr(mp, r, "active", true) && t.active,
			storable: t.storable, name: t.name, code: dec.str(mp, r, "default_code"), uom: t.uomID}
		if p.code == "" {
			p.code = t.code
		}
		d.products[p.id] = p
	}
	uoms, ok, err := get("uom.uom")
	if err != nil {
		return err
	}
	if ok {
		d.uomFactor = make(map[int64]float64, len(uoms))
		for _, r := range uoms {
			if f := dec.float("uom.uom", r, "factor"); f > 0 {
				d.uomFactor[r.ID()] = f
			}
		}
	}
	sellers, _, err := get("product.supplierinfo")
	if err != nil {
		return err
	}
	const ms = "product.supplierinfo"
	for _, r := range sellers {
		partnerID := dec.m2o(ms, r, "partner_id")
		if partnerID == 0 {
			partnerID = dec.m2o(ms, r, "name") // 15 and older
		}
		d.sellers = append(d.sellers, seller{id: r.ID(), partner: partnerID, tmpl: dec.m2o(ms, r, "product_tmpl_id"),
			product: dec.m2o(ms, r, "product_id"), company: dec.m2o(ms, r, "company_id"), sequence: dec.int(ms, r, "sequence"),
			delay: int(dec.int(ms, r, "delay")), start: dec.date(ms, r, "date_start"), end: dec.date(ms, r, "date_end")})
	}
	return nil
}

// convert returns qty of unit from in the unit to. Odoo's factor is how
// many of a unit make one reference unit (a dozen has 1/12), so
// qty_to = qty / factor_from * factor_to. Unknown units convert 1:1.
func (d *data) convert(qty float64, from, to int64) float64 {
	if from == to || from == 0 || to == 0 {
		return qty
	}
	ff, okf := d.uomFactor[from]
	ft, okt := d.uomFactor[to]
	if !okf || !okt {
		return qty
	}
	return qty / ff * ft
}

func (d *data) loadStock(get getter, dec *decoder) error {
	locs, ok, err := get("stock.location")
	if err != nil || !ok {
		return err
	}
	d.stock = true
	const ml = "stock.location"
	d.locations = make(map[int64]location, len(locs))
	for _, r := range locs {
		d.locations[r.ID()] = location{usage: dec.str(ml, r, "usage"), company: dec.m2o(ml, r, "company_id")}
	}
	recs, _, err := get("stock.picking.type")
	if err != nil {
		return err
	}
	d.pickTypes = make(map[int64]pickType, len(recs))
	for _, r := range recs {
		d.pickTypes[r.ID()] = pickType{name: dec.str("stock.picking.type", r, "name"), code: dec.str("stock.picking.type", r, "code")}
	}
	recs, _, err = get("stock.quant")
	if err != nil {
		return err
	}
	const mq = "stock.quant"
	d.quants = make([]quant, 0, len(recs))
	for _, r := range recs {
		q := quant{product: dec.m2o(mq, r, "product_id"), location: dec.m2o(mq, r, "location_id"), company: dec.m2o(mq, r, "company_id"),
			qty: dec.float(mq, r, "quantity")}
		if q.company == 0 {
			q.company = d.locations[q.location].company
		}
		d.quants = append(d.quants, q)
	}
	recs, _, err = get("stock.warehouse.orderpoint")
	if err != nil {
		return err
	}
	const mo = "stock.warehouse.orderpoint"
	for _, r := range recs {
		if !dec.boolOr(mo, r, "active", true) {
			continue // an archived rule no longer replenishes anything
		}
		d.orderpoints = append(d.orderpoints, orderpoint{id: r.ID(), product: dec.m2o(mo, r, "product_id"), company: dec.m2o(mo, r, "company_id"),
			location: dec.m2o(mo, r, "location_id"), seller: dec.m2o(mo, r, "supplier_id"), min: dec.float(mo, r, "product_min_qty"),
			max: dec.float(mo, r, "product_max_qty"), trigger: dec.str(mo, r, "trigger")})
	}
	recs, _, err = get("stock.move")
	if err != nil {
		return err
	}
	const mm = "stock.move"
	d.moves = make([]move, 0, len(recs))
	for _, r := range recs {
		m := move{state: dec.str(mm, r, "state")}
		if m.state == "cancel" || m.state == "draft" {
			continue
		}
		m.product, m.company, m.date = dec.m2o(mm, r, "product_id"), dec.m2o(mm, r, "company_id"), dec.day(mm, r, "date")
		// The purchase link tells vendor receipts apart, whatever their age.
		m.picking, m.purchaseLine = dec.m2o(mm, r, "picking_id"), dec.m2o(mm, r, "purchase_line_id")
		m.id, m.src, m.dst = r.ID(), dec.m2o(mm, r, "location_id"), dec.m2o(mm, r, "location_dest_id")
		m.demand, m.inventory = dec.float(mm, r, "product_uom_qty"), dec.boolOr(mm, r, "is_inventory", false)
		// The done quantity is quantity on 17+ and quantity_done on 16.
		switch {
		case dec.has(r, "quantity"):
			m.done = dec.float(mm, r, "quantity")
		case dec.has(r, "quantity_done"):
			m.done = dec.float(mm, r, "quantity_done")
		default:
			m.done = m.demand
		}
		if dec.has(r, "product_uom") {
			m.uom = dec.m2o(mm, r, "product_uom")
		} else {
			m.uom = dec.m2o(mm, r, "product_uom_id") // 19
		}
		d.moves = append(d.moves, m)
	}
	recs, _, err = get("stock.picking")
	if err != nil {
		return err
	}
	const mk = "stock.picking"
	d.pickings = make(map[int64]*picking, len(recs))
	for _, r := range recs {
		p := &picking{id: r.ID(), partner: dec.m2o(mk, r, "partner_id"), company: dec.m2o(mk, r, "company_id"),
			pickingType: dec.m2o(mk, r, "picking_type_id"), sale: dec.m2o(mk, r, "sale_id"), name: dec.str(mk, r, "name"),
			state: dec.str(mk, r, "state"), scheduled: dec.day(mk, r, "scheduled_date"), deadline: dec.day(mk, r, "date_deadline"),
			done: dec.day(mk, r, "date_done"), created: dec.day(mk, r, "create_date")}
		p.code = d.pickTypes[p.pickingType].code
		if p.code == "" {
			p.code = dec.str(mk, r, "picking_type_code")
		}
		d.pickings[p.id] = p
	}
	for i := range d.moves {
		if m := &d.moves[i]; m.purchaseLine != 0 {
			if p := d.pickings[m.picking]; p != nil {
				p.purchase = true
			}
		}
	}
	return nil
}

func (d *data) loadOrders(get getter, dec *decoder) error {
	recs, ok, err := get("purchase.order")
	if err != nil {
		return err
	}
	if ok {
		d.purchase = true
		d.purchases = make(map[int64]purchaseOrder, len(recs))
		for _, r := range recs {
			d.purchases[r.ID()] = purchaseOrder{id: r.ID(), partner: dec.m2o("purchase.order", r, "partner_id"), name: dec.str("purchase.order", r, "name")}
		}
		recs, _, err = get("purchase.order.line")
		if err != nil {
			return err
		}
		const ml = "purchase.order.line"
		d.poLines = make(map[int64]purchaseLine, len(recs))
		for _, r := range recs {
			l := purchaseLine{id: r.ID(), order: dec.m2o(ml, r, "order_id"), product: dec.m2o(ml, r, "product_id"), company: dec.m2o(ml, r, "company_id"),
				partner: dec.m2o(ml, r, "partner_id"), planned: dec.day(ml, r, "date_planned")}
			if l.partner == 0 {
				l.partner = d.purchases[l.order].partner
			}
			d.poLines[l.id] = l
		}
	}
	recs, ok, err = get("sale.order")
	if err != nil {
		return err
	}
	if ok {
		d.sale = true
		const ms = "sale.order"
		d.sales = make(map[int64]saleOrder, len(recs))
		for _, r := range recs {
			d.sales[r.ID()] = saleOrder{id: r.ID(), partner: dec.m2o(ms, r, "partner_id"), company: dec.m2o(ms, r, "company_id"),
				name: dec.str(ms, r, "name"), state: dec.str(ms, r, "state"), ordered: dec.day(ms, r, "date_order"),
				commitment: dec.day(ms, r, "commitment_date")}
		}
	}
	recs, ok, err = get("project.task.type")
	if err != nil {
		return err
	}
	if ok {
		d.taskStages = make(map[int64]taskStage, len(recs))
		for _, r := range recs {
			d.taskStages[r.ID()] = taskStage{name: dec.str("project.task.type", r, "name"), fold: dec.boolOr("project.task.type", r, "fold", false)}
		}
	}
	recs, ok, err = get("project.task")
	if err != nil {
		return err
	}
	if ok {
		d.project = true
		const mt = "project.task"
		for _, r := range recs {
			if !dec.boolOr(mt, r, "active", true) {
				continue
			}
			// 17+: state; 16 has none and closes tasks in folded stages.
			if st := dec.str(mt, r, "state"); st == "1_done" || st == "1_canceled" {
				continue
			}
			t := task{id: r.ID(), stage: dec.m2o(mt, r, "stage_id"), project: dec.m2o(mt, r, "project_id"), company: dec.m2o(mt, r, "company_id"),
				since: dec.day(mt, r, "date_last_stage_update")}
			if t.since.IsZero() {
				t.since = dec.day(mt, r, "create_date")
			}
			if d.taskStages[t.stage].fold {
				continue // a folded stage is closed
			}
			d.tasks = append(d.tasks, t)
		}
	}
	return nil
}

// internal reports whether location id is an internal (stock) location.
func (d *data) internal(id int64) bool { return d.locations[id].usage == "internal" }

// vendorName returns the display name of a partner.
func (d *data) partnerName(id int64) string {
	if p, ok := d.partners[id]; ok && p.name != "" {
		return p.name
	}
	return fmt.Sprintf("partner %d", id)
}

// commercial returns the commercial entity of a partner (the company for a
// contact), so receipts addressed to a vendor's contact count for the vendor.
func (d *data) commercial(id int64) int64 {
	if p, ok := d.partners[id]; ok && p.commercial != 0 {
		return p.commercial
	}
	return id
}

// companyList returns the companies to report on: res.company when
// readable, else every company seen in the records.
func (d *data) companyList(seen map[int64]bool) []int64 {
	if len(d.companies) > 0 {
		return d.companies
	}
	var out []int64
	for c := range seen {
		out = append(out, c)
	}
	sortInt64(out)
	return out
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
