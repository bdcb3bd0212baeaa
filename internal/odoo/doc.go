// Package odoo is a client for Odoo's external API, versions 16 to 19.
//
// # Protocols
//
// Three wire protocols sit behind one internal interface:
//
//   - JSON-2 (Odoo 19+, and saas 18.4+): POST /json/2/<model>/<method> with
//     "Authorization: bearer <api key>", X-Odoo-Database and named arguments.
//   - JSON-RPC: POST /jsonrpc, services common and object (16-18, deprecated
//     since 19).
//   - XML-RPC: /xmlrpc/2/common and /xmlrpc/2/object (16-18, deprecated
//     since 19), through package xmlrpc.
//
// New checks a Config; Connect detects the version (/web/webclient/version_info,
// /web/version or common.version), picks the protocol when Config.Protocol is
// ProtocolAuto (JSON-2 from 19 when an API key is set, JSON-RPC otherwise),
// authenticates and reads the installed modules and the companies into a
// ServerInfo:
//
//	c, err := odoo.New(odoo.Config{URL: "https://erp.example.com", Database: "prod",
//		Username: "bot@example.com", APIKey: key, Logger: logger})
//	if err != nil { ... }
//	info, err := c.Connect(ctx)
//	for inv, err := range c.Invoices(ctx, odoo.ListOpts{CompanyIDs: []int64{1}}) { ... }
//
// # Domains
//
// Search methods and ListOpts.Domain take a domain.Domain from package
// domain, built with domain.Cond, domain.And, domain.Or... (the zero Domain
// matches everything) or parsed from wire form with domain.Parse. Domains
// are validated before they are sent, and sent in wire form (Domain.Wire).
//
// # Calls
//
// SearchRead, Search, SearchCount, Read, ReadGroup, FieldsGet, Create,
// Write, Unlink, MessagePost and NameSearch cover the ORM methods; Call
// reaches any public method. Arguments are described once and encoded per
// protocol: positionally with kwargs for XML-RPC and JSON-RPC, by name for
// JSON-2 (create sends vals_list there, and ReadGroup calls
// formatted_read_group on 19+ and read_group before).
//
// # Errors
//
// Every failure from the server or the network is an *Error whose Kind is
// one of the Err* sentinels (ErrUnreachable, ErrNotOdoo, ErrUnknownDatabase,
// ErrWrongCredentials, ErrAPIKeyRejected, ErrAccessRights, ErrNotInstalled,
// ErrUserError, ErrMissingRecord, ErrLocked, ErrServerFault, ErrUnavailable,
// ErrTimeout, ErrOutcomeUnknown, ErrCircuitOpen, ErrProtocol...). Branch with
// errors.Is and read Odoo's message with errors.As. The kind comes from the
// XML-RPC faultCode (1-4), the JSON-RPC error.data.name, or the JSON-2 HTTP
// status and error body, never from translated text, except where Odoo
// raises a generic class for a specific case (an unknown model is a
// UserError "Object x doesn't exist" over legacy RPC, an unknown database a
// psycopg2 OperationalError).
//
// # Robustness
//
// Each attempt has a timeout (Config.Timeout). Transient failures
// (connection refused before the request was sent, 429 with Retry-After,
// 502, 503, 504, dropped connections and timeouts) are retried with
// exponential backoff and full jitter, but only when repeating is safe: read
// methods always; other methods only when the request certainly did not
// reach the server or was refused with 429. A write that may have been
// applied fails with ErrOutcomeUnknown instead; so does an XML-RPC call
// whose method returned None, which Odoo commits before failing to encode
// the result. A semaphore caps calls in flight (Config.MaxConcurrency), a
// token bucket paces them (Config.RateLimit) and a circuit breaker fails
// fast with ErrCircuitOpen after Config.Breaker.Threshold consecutive
// transient failures, letting one probe through after the cool-down. Time
// and jitter come from Config.Clock and Config.Rand so tests need no sleep.
//
// # Values
//
// Odoo sends False for empty values, [id, "name"] for many2one fields, id
// lists for x2many fields, "YYYY-MM-DD" dates and naive UTC
// "YYYY-MM-DD HH:MM:SS" datetimes; JSON numbers arrive as json.Number.
// Record decodes them into Many2One, Date, time.Time (UTC) and Go numbers.
//
// # Typed readers
//
// Partners, Companies, Currencies, CurrencyRates, Invoices (and Moves),
// JournalItems, Journals, JournalBalances, Leads, CRMStages, SaleOrders,
// Products, Quants, ReorderingRules, StockMoves, Pickings, PurchaseOrders,
// PurchaseOrderLines, Expenses, Activities, Tasks, CalendarEvents and
// HelpdeskTickets return iter.Seq2[T, error] iterators that page by id
// (keyset paging, order "id asc"), pick fields by the connected version, and
// take ListOpts (extra domain, page size, companies through
// allowed_company_ids, archived records through active_test). A reader
// whose module is not installed fails with ErrNotInstalled rather than
// yielding nothing. Collect gathers an iterator into a slice.
package odoo
