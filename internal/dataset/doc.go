// Package dataset holds an Odoo database in memory and reads and writes it as
// a folder of JSON files.
//
// A Dataset is what aicoo's Odoo simulator (internal/odoosim) serves over
// Odoo's wire protocols and what the demo data generator (internal/demodata)
// produces. Its GroundTruth lists the business problems injected into the
// data, against which aicoo's analyzers are scored.
//
// # Schema
//
// DefaultSchema describes every model the format knows (res.partner,
// account.move, crm.lead, stock.move, ...) as a Go table: per field its Odoo
// type, relation, one2many inverse, selection values, label and the
// required/readonly/store flags that fields_get reports. Field names and
// values follow Odoo 18 (CanonicalVersion), which equals Odoo 17 except
// where noted; each field records how it differs in other versions through
// MinVersion/MaxVersion (the versions that have it), Renames (another name or
// type in some versions, e.g. stock.move quantity is quantity_done in 16) and
// Note. Model.FieldsIn(v) lists the fields as version v exposes them, so the
// simulator can emulate 16 to 19.
//
// Derived fields are never stored in files: one2many fields (computed from
// the inverse many2one, narrowed by Field.InverseDomain), display_name
// (from Model.RecName) and a few figures the simulator computes (product
// qty_available from quants, mail.activity state from its deadline, crm.lead
// won_status in 19). Dataset.One2many derives one2many values.
//
// # Values
//
// Records are maps from Odoo field names to values, typed as Odoo returns
// them with load=None (see Record):
//
//   - ids are int64, starting at 1, unique and increasing per model;
//   - a many2one is the bare id (int64), or false when empty;
//   - a many2many is a list of ids ([]int64);
//   - a date is "YYYY-MM-DD" and a datetime "YYYY-MM-DD HH:MM:SS" in UTC;
//   - an empty char, text, html, selection, date, datetime, many2one or
//     binary is false (never null, never "");
//   - integers are int64, floats and monetary amounts float64 (0 and 0.0
//     when empty);
//   - a monetary amount is in the currency its CurrencyField names: document
//     amounts (amount_total, amount_residual, amount_currency,
//     price_subtotal) in the record's currency_id, company amounts (every
//     *_signed field, debit, credit, balance, amount_residual on journal
//     items) in the company currency; amount_* on invoices are unsigned,
//     *_signed amounts are negative for vendor bills and customer credit
//     notes.
//
// # Folder format
//
// A dataset folder holds manifest.json (the Meta: format version, Odoo
// version, edition, installed modules, companies and currency, the reference
// Today, seed, size and scenarios), one <model>.json per model (a JSON array
// of record objects, e.g. account.move.json) and, for generated data,
// ground_truth.json. Load validates a folder and names the file, record index
// and field of every problem; Save writes one record per line with "id" first
// and the fields in schema order, so the same dataset always gives the same
// bytes. docs/dataset-format.md documents the format with an example.
package dataset
