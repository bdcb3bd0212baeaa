package search

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/aicoo/aicoo/internal/access"
	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/store"
)

// Store is what the index is built from: the synced copy of Odoo and
// aicoo's alerts and actions. *store.Store implements it.
type Store interface {
	OdooRecordList(ctx context.Context, p store.OdooRecordListParams) iter.Seq2[*store.OdooRecord, error]
	OdooSyncStateList(ctx context.Context, connectionID int64) ([]*store.OdooSyncState, error)
	AlertList(ctx context.Context, p store.AlertListParams) ([]*store.Alert, error)
	ActionList(ctx context.Context, p store.ActionListParams) ([]*store.Action, error)
}

// Areas of the things found: a role finds a thing when it sees one of its
// areas (access.Table.CanSeeArea), the same areas whose figures and
// alerts it sees on the dashboard. Invoices and bills are finance's, so
// the sales and operations roles do not find them; partners are found by
// the roles of the customer side, the supplier side, or both.
var (
	areasCustomer = []string{"customers", "sales"}
	areasSupplier = []string{"operations"}
	areasContact  = []string{"customers", "sales", "operations"}
	areasMove     = []string{"finance"}
	areasSale     = []string{"sales"}
	areasPurchase = []string{"operations"}
	areasProduct  = []string{"sales", "operations"}
	areasDeal     = []string{"sales"}
)

// aicooListMax bounds the alerts and actions indexed (the newest).
const aicooListMax = 5000

// roleSet computes the role bits of documents for one permission table
// and the action types' approvers.
type roleSet struct {
	table *access.Table
	roles []string
	kinds *actions.Kinds
}

func newRoleSet(t *access.Table, kinds *actions.Kinds) roleSet {
	return roleSet{table: t, roles: t.Roles(), kinds: kinds}
}

// bit returns the role's bit, or 0 for an unknown role.
func (rs roleSet) bit(role string) uint32 {
	for i, r := range rs.roles {
		if r == role {
			return 1 << i
		}
	}
	return 0
}

// areas returns the roles that see one of the areas.
func (rs roleSet) areas(areas ...string) uint32 {
	var m uint32
	for i, r := range rs.roles {
		for _, a := range areas {
			if rs.table.CanSeeArea(r, a) {
				m |= 1 << i
				break
			}
		}
	}
	return m
}

// action returns the roles that see actions of type t: those that see
// every area and those that may decide on the type (as the Actions page).
func (rs roleSet) action(t string) uint32 {
	var m uint32
	for i, r := range rs.roles {
		if rs.table.Can(r, access.View) && (rs.table.SeesEveryArea(r) || rs.kinds.MayApprove(actions.Type(t), r)) {
			m |= 1 << i
		}
	}
	return m
}

// recordsBuild builds the index of a connection's synced Odoo records.
type recordsBuild struct {
	st      Store
	conn    int64
	rs      roleSet
	maxDocs int
	b       *builder
	// names of partners, currencies and product templates by id, for
	// many2one fields a dataset stores as bare ids.
	partners, currencies, templates map[int64]string
	stages                          map[int64]namedRec
	companyCurrency                 string
	// full is set when maxDocs was reached.
	full bool
}

func buildRecords(ctx context.Context, st Store, conn int64, rs roleSet, maxDocs int) (*Index, bool, error) {
	rb := &recordsBuild{st: st, conn: conn, rs: rs, maxDocs: maxDocs, b: newBuilder(),
		partners: map[int64]string{}, currencies: map[int64]string{}, templates: map[int64]string{}, stages: map[int64]namedRec{}}
	steps := []func(context.Context) error{rb.lookups, rb.partnersStep, rb.productsStep, rb.dealsStep,
		rb.ordersStep("sale.order"), rb.ordersStep("purchase.order"), rb.movesStep}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, false, err
		}
	}
	return rb.b.build(), rb.full, nil
}

// each decodes every stored record of model into a fresh T and calls fn.
func each[T any](ctx context.Context, rb *recordsBuild, model string, activeOnly bool, fn func(r *store.OdooRecord, v *T)) error {
	for r, err := range rb.st.OdooRecordList(ctx, store.OdooRecordListParams{ConnectionID: rb.conn, Model: model, ActiveOnly: activeOnly}) {
		if err != nil {
			return fmt.Errorf("search: read %s: %w", model, err)
		}
		var v T
		if err := r.Decode(&v); err != nil {
			return fmt.Errorf("search: %w", err)
		}
		fn(r, &v)
	}
	return nil
}

// room reports whether another document fits under maxDocs.
func (rb *recordsBuild) room() bool {
	if rb.maxDocs > 0 && len(rb.b.docs) >= rb.maxDocs {
		rb.full = true
		return false
	}
	return true
}

func (rb *recordsBuild) lookups(ctx context.Context) error {
	if err := each(ctx, rb, "res.currency", false, func(r *store.OdooRecord, v *namedRec) {
		rb.currencies[r.OdooID] = string(v.Name)
	}); err != nil {
		return err
	}
	if err := each(ctx, rb, "res.company", false, func(r *store.OdooRecord, v *namedRec) {
		if rb.companyCurrency == "" {
			rb.companyCurrency = rb.name(v.Currency, rb.currencies)
		}
	}); err != nil {
		return err
	}
	if err := each(ctx, rb, "product.template", false, func(r *store.OdooRecord, v *namedRec) {
		rb.templates[r.OdooID] = string(v.Name)
	}); err != nil {
		return err
	}
	return each(ctx, rb, "crm.stage", false, func(r *store.OdooRecord, v *namedRec) { rb.stages[r.OdooID] = *v })
}

// name returns a many2one's name, from the field or the lookup.
func (rb *recordsBuild) name(m many2one, lookup map[int64]string) string {
	if m.Name != "" {
		return m.Name
	}
	return lookup[m.ID]
}

func (rb *recordsBuild) currency(m many2one) string {
	if c := rb.name(m, rb.currencies); c != "" {
		return c
	}
	return rb.companyCurrency
}

func (rb *recordsBuild) partnersStep(ctx context.Context) error {
	return each(ctx, rb, "res.partner", true, func(r *store.OdooRecord, p *partnerRec) {
		name := string(p.Name)
		if name == "" {
			name = string(p.DisplayName)
		}
		if p.CompleteName != "" {
			rb.partners[r.OdooID] = string(p.CompleteName)
		} else {
			rb.partners[r.OdooID] = name
		}
		if name == "" || !rb.room() {
			return
		}
		var what string
		areas := areasContact
		switch {
		case p.CustomerRank > 0 && p.SupplierRank > 0:
			what, areas = "Customer and supplier", append(append([]string{}, areasCustomer...), areasSupplier...)
		case p.CustomerRank > 0:
			what, areas = "Customer", areasCustomer
		case p.SupplierRank > 0:
			what, areas = "Supplier", areasSupplier
		case p.IsCompany:
			what = "Company"
		default:
			what = "Contact"
		}
		label := what + " " + name
		if parent := rb.name(p.Parent, rb.partners); parent != "" {
			label += " — " + parent
		}
		if p.City != "" {
			label += " — " + string(p.City)
		}
		rb.b.add(Doc{Kind: KindPartner, Label: label, Model: "res.partner", ID: r.OdooID, Roles: rb.rs.areas(areas...), Boost: 0.05},
			field{name, weightPrimary}, field{string(p.Ref), weightPrimary}, field{string(p.VAT), weightPrimary},
			field{rb.name(p.Parent, rb.partners), weightSecondary}, field{string(p.Email), weightTertiary}, field{string(p.City), weightTertiary})
	})
}

func (rb *recordsBuild) productsStep(ctx context.Context) error {
	model := "product.product"
	n := 0
	err := each(ctx, rb, model, true, func(r *store.OdooRecord, p *productRec) { n++; rb.product(model, r.OdooID, p) })
	if err != nil || n > 0 {
		return err
	}
	// Without variants synced, the templates are the products.
	model = "product.template"
	return each(ctx, rb, model, true, func(r *store.OdooRecord, p *productRec) { rb.product(model, r.OdooID, p) })
}

func (rb *recordsBuild) product(model string, id int64, p *productRec) {
	name := string(p.Name)
	if name == "" {
		name = rb.name(p.Template, rb.templates)
	}
	if name == "" || !rb.room() {
		return
	}
	label := "Product " + name
	if p.Code != "" {
		label = "Product [" + string(p.Code) + "] " + name
	}
	price := p.LstPrice
	if price == 0 {
		price = p.ListPrice
	}
	if price != 0 {
		label += " — " + money(float64(price), rb.currency(p.Currency))
	}
	rb.b.add(Doc{Kind: KindProduct, Label: label, Model: model, ID: id, Roles: rb.rs.areas(areasProduct...)},
		field{string(p.Code), weightPrimary}, field{name, weightPrimary}, field{string(p.Barcode), weightPrimary})
}

func (rb *recordsBuild) dealsStep(ctx context.Context) error {
	// Lost deals are archived in Odoo and still worth finding.
	return each(ctx, rb, "crm.lead", false, func(r *store.OdooRecord, l *leadRec) {
		if l.Name == "" || !rb.room() {
			return
		}
		what := "Deal"
		if l.Type == "lead" {
			what = "Lead"
		}
		partner := rb.name(l.Partner, rb.partners)
		if partner == "" {
			partner = string(l.PartnerName)
		}
		label := what + " " + string(l.Name)
		if partner != "" && !strings.Contains(string(l.Name), partner) {
			label += " — " + partner
		}
		if l.Expected != 0 {
			label += " — " + money(float64(l.Expected), rb.companyCurrency) + " expected"
		}
		stage := rb.stages[l.Stage.ID]
		stageName := rb.name(l.Stage, map[int64]string{l.Stage.ID: string(stage.Name)})
		var boost float32
		switch {
		case l.Active != nil && !*l.Active || l.WonStatus == "lost":
			label += ", lost"
		case stage.IsWon || l.WonStatus == "won":
			label += ", won"
		default:
			boost = 0.05
			if stageName != "" {
				label += ", " + strings.ToLower(stageName)
			}
		}
		rb.b.add(Doc{Kind: KindDeal, Label: label, Model: "crm.lead", ID: r.OdooID, Roles: rb.rs.areas(areasDeal...), Boost: boost},
			field{string(l.Name), weightPrimary}, field{partner, weightSecondary}, field{string(l.ContactName), weightTertiary})
	})
}

var orderStates = map[string]string{"draft": "quotation", "sent": "quotation sent", "to approve": "to approve",
	"sale": "confirmed", "purchase": "confirmed", "done": "locked", "cancel": "cancelled"}

func (rb *recordsBuild) ordersStep(model string) func(context.Context) error {
	return func(ctx context.Context) error {
		kind, what, areas := KindSaleOrder, "Sales order", areasSale
		if model == "purchase.order" {
			kind, what, areas = KindPurchaseOrder, "Purchase order", areasPurchase
		}
		roles := rb.rs.areas(areas...)
		return each(ctx, rb, model, false, func(r *store.OdooRecord, o *orderRec) {
			if o.Name == "" || !rb.room() {
				return
			}
			partner := rb.name(o.Partner, rb.partners)
			label := what + " " + string(o.Name)
			if partner != "" {
				label += " — " + partner
			}
			label += " — " + money(float64(o.Total), rb.currency(o.Currency))
			if st := orderStates[string(o.State)]; st != "" {
				label += ", " + st
			}
			if d := day(o.DateOrder); d != "" {
				label += ", " + d
			}
			var boost float32
			if o.State == "sale" || o.State == "purchase" {
				boost = 0.02
			}
			ref := o.ClientRef
			if model == "purchase.order" {
				ref = o.VendorRef
			}
			rb.b.add(Doc{Kind: kind, Label: label, Model: model, ID: r.OdooID, Roles: roles, Boost: boost},
				field{string(o.Name), weightPrimary}, field{string(ref), weightSecondary}, field{partner, weightSecondary},
				field{string(o.Origin), weightTertiary})
		})
	}
}

var moveKinds = map[string]struct {
	kind Kind
	what string
}{
	"out_invoice": {KindInvoice, "Invoice"}, "out_refund": {KindInvoice, "Credit note"},
	"in_invoice": {KindBill, "Bill"}, "in_refund": {KindBill, "Vendor credit note"},
}

func (rb *recordsBuild) movesStep(ctx context.Context) error {
	roles := rb.rs.areas(areasMove...)
	return each(ctx, rb, "account.move", false, func(r *store.OdooRecord, m *moveRec) {
		mk, ok := moveKinds[string(m.MoveType)]
		if !ok || !rb.room() {
			return
		}
		number := string(m.Name)
		if number == "/" {
			number = ""
		}
		partner := rb.name(m.Partner, rb.partners)
		what := mk.what
		if m.State == "draft" {
			what = "Draft " + strings.ToLower(what)
		}
		label := strings.TrimSpace(what + " " + number)
		if partner != "" {
			label += " — " + partner
		}
		cur := rb.currency(m.Currency)
		label += " — " + money(float64(m.Total), cur)
		var boost float32
		switch {
		case m.State == "cancel":
			label += ", cancelled"
		case m.PayState == "paid" || m.PayState == "in_payment" || m.PayState == "reversed":
			label += ", paid"
		case m.State == "posted" && m.Residual > 0:
			boost = 0.05
			if m.Residual < m.Total-0.005 {
				label += ", " + money(float64(m.Residual), cur) + " open"
			}
			if d := day(m.Due); d != "" {
				label += ", due " + d
			}
		}
		primary := number
		if primary == "" {
			primary = string(m.Ref)
		}
		rb.b.add(Doc{Kind: mk.kind, Label: label, Model: "account.move", ID: r.OdooID, Roles: roles, Boost: boost},
			field{primary, weightPrimary}, field{string(m.Ref), weightSecondary}, field{string(m.PayRef), weightSecondary},
			field{partner, weightSecondary}, field{string(m.Origin), weightTertiary})
	})
}

// buildAicoo builds the index of aicoo's own things of a connection: the
// figures of the catalogue, the alerts and the actions.
func buildAicoo(ctx context.Context, st Store, conn int64, rs roleSet, cat *analysis.Catalogue) (*Index, error) {
	b := newBuilder()
	for _, area := range cat.Areas() {
		info, _ := cat.Area(area)
		roles := rs.areas(area)
		for _, m := range info.Metrics {
			b.add(Doc{Kind: KindMetric, Label: "Figure: " + m.Label + " (" + info.Label + ")", Roles: roles,
				Path: areas.MetricPath(area, m.Name, 0, "")},
				field{m.Label, weightPrimary}, field{info.Label, weightSecondary},
				field{m.Description, weightTertiary}, field{m.Name, weightTertiary})
		}
	}
	alerts, err := st.AlertList(ctx, store.AlertListParams{ConnectionID: conn, Limit: aicooListMax})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	for _, a := range alerts {
		var boost float32
		state := a.Status
		if a.Status == store.AlertNew || a.Status == store.AlertAcknowledged {
			boost, state = 0.05, "open"
		}
		model, id := subjectOf(a.Fingerprint)
		b.add(Doc{Kind: KindAlert, Label: "Alert: " + a.Title + " (" + a.Priority + ", " + state + ")", Roles: rs.areas(a.Type),
			Path: "/alerts/" + strconv.FormatInt(a.ID, 10), Model: model, ID: id, Boost: boost},
			field{a.Title, weightPrimary}, field{a.Description, weightTertiary})
	}
	acts, err := st.ActionList(ctx, store.ActionListParams{ConnectionID: conn, Limit: aicooListMax})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	for _, a := range acts {
		what := a.ActionType
		if info, err := rs.kinds.Info(actions.Type(a.ActionType)); err == nil {
			what = info.Label
		}
		desc := a.Description
		if desc == "" {
			desc = what
		}
		var boost float32
		if a.Status == store.ActionPending {
			boost = 0.05
		}
		b.add(Doc{Kind: KindAction, Label: "Action: " + desc + " (" + strings.ReplaceAll(a.Status, "_", " ") + ")",
			Roles: rs.action(a.ActionType), Path: "/actions?status=all#action-" + strconv.FormatInt(a.ID, 10),
			Model: a.TargetModel, ID: a.TargetID, Boost: boost},
			field{desc, weightPrimary}, field{what, weightSecondary}, field{a.Reasoning, weightTertiary})
	}
	return b.build(), nil
}

// subjectOf reads the Odoo record an alert fingerprint names
// ("overdue_invoice:account.move:42"), when it names one.
func subjectOf(fp string) (string, int64) {
	parts := strings.Split(fp, ":")
	for i := 0; i+1 < len(parts); i++ {
		if strings.Contains(parts[i], ".") {
			if id, err := strconv.ParseInt(parts[i+1], 10, 64); err == nil {
				return parts[i], id
			}
		}
	}
	return "", 0
}
