package demodata

import (
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
)

// Size selects how big the generated company is.
type Size string

// The sizes Generate knows.
const (
	// SizeSmall is about 35 customers (and those CRM wins) and 1,000 customer invoices over two
	// years; it generates in well under a second.
	SizeSmall Size = "small"
	// SizeMedium is about 750 customers and 20,000 customer invoices.
	SizeMedium Size = "medium"
	// SizeLarge is about 1,300 customers with bigger orders: over 200,000
	// journal items and over 100,000 stock moves.
	SizeLarge Size = "large"
)

// OdooVersionDefault is the Odoo version recorded in the manifest when
// Options.OdooVersion is empty.
const OdooVersionDefault = "17.0"

// HistoryDays is how many days of history Generate simulates, ending at
// Options.Today inclusive.
const HistoryDays = 730

// GroundTruth lists the problems injected into a generated dataset.
type GroundTruth = dataset.GroundTruth

// Item is one injected problem or near miss.
type Item = dataset.Item

// Progress reports how far generation is. Phase names the current step
// ("setup", "simulate", "finalize", "problems"); Done and Total count units
// of that phase (simulated days for "simulate").
type Progress struct {
	Phase string
	Done  int
	Total int
}

// Options configure Generate.
type Options struct {
	// Size is the company size. Defaults to SizeSmall.
	Size Size
	// Seed seeds the random generator. The same Seed and options give
	// byte-identical datasets.
	Seed uint64
	// Today is the reference date: the last simulated day. Only its UTC date
	// is used. Required; the CLI passes the current date, tests a fixed one.
	Today time.Time
	// OdooVersion is the Odoo version the simulator should emulate, recorded
	// in the manifest (e.g. "16.0", "17.0", "18.0"). The data itself uses the
	// canonical field names of dataset.CanonicalVersion. Defaults to
	// OdooVersionDefault.
	OdooVersion string
	// LowRunway makes cash on the bank fall below 60 days of outflows at
	// Today (falling sales and a large equipment purchase). Without it the
	// company is healthy and the ground truth holds a runway near miss.
	LowRunway bool
	// NoHelpdesk leaves the Enterprise helpdesk module out: support requests
	// become tasks of a "Customer Support" project. By default helpdesk is
	// installed and they are helpdesk.ticket records.
	NoHelpdesk bool
	// ProgressFunc, when set, is called from the generating goroutine as
	// generation advances.
	ProgressFunc func(Progress)
}

// sizeParams holds the numbers that differ between sizes.
type sizeParams struct {
	customers      int     // initial customers with an order rhythm
	vendors        int     // goods vendors
	products       int     // storable products
	services       int     // service products
	employees      int     // employees (including users)
	salespeople    int     // sales users
	supportAgents  int     // helpdesk users
	leadsPerMonth  float64 // new CRM leads per month
	ticketsPerYear float64 // support tickets per customer per year
	scale          float64 // overhead scale relative to small
	problems       int     // how many records of each injected problem kind
	maxLines       int     // most goods lines on one order
}

func paramsFor(s Size) (sizeParams, error) {
	switch s {
	case SizeSmall, "":
		return sizeParams{customers: 33, vendors: 8, products: 40, services: 4, employees: 16, salespeople: 4, supportAgents: 2,
			leadsPerMonth: 10, ticketsPerYear: 1.5, scale: 1, problems: 2, maxLines: 4}, nil
	case SizeMedium:
		return sizeParams{customers: 720, vendors: 40, products: 220, services: 8, employees: 70, salespeople: 12, supportAgents: 6,
			leadsPerMonth: 100, ticketsPerYear: 1.2, scale: 12, problems: 4, maxLines: 4}, nil
	case SizeLarge:
		return sizeParams{customers: 1250, vendors: 90, products: 450, services: 10, employees: 160, salespeople: 24, supportAgents: 12,
			leadsPerMonth: 160, ticketsPerYear: 1.0, scale: 28, problems: 6, maxLines: 6}, nil
	}
	return sizeParams{}, fmt.Errorf("demodata: unknown size %q (want small, medium or large)", s)
}

// ParseSize returns the Size named s.
func ParseSize(s string) (Size, error) {
	if _, err := paramsFor(Size(s)); err != nil || s == "" {
		return "", fmt.Errorf("demodata: unknown size %q (want small, medium or large)", s)
	}
	return Size(s), nil
}
