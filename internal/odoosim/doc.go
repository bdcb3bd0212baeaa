// Package odoosim is an HTTP server that speaks Odoo's three external
// protocols over an in-memory dataset (package dataset): XML-RPC, JSON-RPC
// and, from Odoo 19, JSON-2. It serves `aicoo demo` (a generated company
// shown to the product), aicoo's tests, and anyone who wants to try aicoo
// without an Odoo. It aims to be faithful enough that clients nobody here
// wrote work against it: Python's xmlrpc.client used as Odoo's
// documentation shows and the OdooRPC library are run against it in the
// tests, next to aicoo's own client on every transport.
//
// # Use
//
//	ds, err := dataset.Load(dir)
//	srv, err := odoosim.New(ds, odoosim.Options{Version: "17.0"})
//	http.ListenAndServe(":8069", srv)
//	fmt.Println("API key:", srv.APIKey())
//
// Open does the same from a dataset folder or a generated demo company
// (package demodata). The Server owns the dataset: every write call changes
// it; ReadDataset gives consistent access to it (for example to Save it).
//
// # Endpoints
//
//   - /xmlrpc/2/common (version, login, authenticate), /xmlrpc/2/object
//     (execute, execute_kw), /xmlrpc/2/db (list, server_version, db_exist,
//     list_lang): integer faultCodes 1 to 4 as Odoo's rpc.py sends them.
//   - /xmlrpc/common, /xmlrpc/object, /xmlrpc/db: the historical endpoints,
//     whose faultCodes are strings ("AccessDenied",
//     "warning -- AccessError\n\n<message>", or the message with the
//     traceback as faultString).
//   - /jsonrpc with services common, object and db: JSON-RPC 2.0 envelopes;
//     errors are {"code": 200, "message": "Odoo Server Error", "data":
//     {"name", "message", "arguments", "context", "debug"}} with HTTP 200.
//   - /web/webclient/version_info, /web/session/authenticate (a session
//     cookie), /web/session/get_session_info, /web/session/destroy and
//     /web/dataset/call_kw: what OdooRPC and the web client call. Calls
//     without a session get code 100 "Odoo Session Expired".
//   - /json/2/<model>/<method> and GET /web/version, only for 19.0 and
//     saas~18.4 and later: bearer API key, optional X-Odoo-Database, named
//     arguments, the plain result as body, HTTP statuses for errors (400,
//     401, 403, 404, 405, 422, 500) with Odoo 19's error body.
//
// Every call to the legacy endpoints of a 19 server logs (once) that they
// are deprecated, as Odoo logs on each call.
//
// # Models and methods
//
// Every model of the dataset schema that exists in the emulated version and
// whose module is installed (the manifest's modules and their dependencies;
// ir.model lists them) answers search, search_read, read, search_count,
// read_group, formatted_read_group (19+), fields_get, name_search,
// name_get (16 only), default_get, check_access_rights, has_access (18+),
// create, write, unlink, copy, action_archive, action_unarchive and
// toggle_active (16-18), plus message_post on mail.thread models,
// action_feedback and action_done on mail.activity, button_confirm and
// button_cancel on purchase.order, and context_get on res.users.
// ir.module.module lists the installed modules. With the mail module, the
// Discuss channel model (mail.channel in 16, discuss.channel in 17+) serves
// the "general" channel and Options.DiscussChannels, read-only but for
// message_post, which adds a mail.message to the channel. Field names, types and
// selection values follow the emulated version through the schema's
// version notes (quantity_done in 16, to_check with the inverted meaning in
// 16/17, product_uom_id in 19...). Unknown models fail with UserError
// "Object x doesn't exist" (JSON-2: 404), unknown methods with
// AttributeError "The method 'x' does not exist on the model 'y'".
//
// Reads return many2one values as [id, "display name"] (bare ids with any
// load other than "_classic_read"), x2many values as id lists (one2many
// derived from the inverse many2one), False for empty values and 0 for
// empty numbers. Searches hide archived records unless the domain mentions
// active or the context sets active_test to false, hide records of
// companies outside the context's allowed_company_ids (default: the user's
// companies), and order by the given keys or the model's _order. Domains
// are evaluated by package domain (nested operators, dotted paths,
// child_of, parent_of, any).
//
// Writes are atomic per call (a failing call leaves no change), set
// create_date, create_uid, write_date and write_uid from Options.NowFunc
// (write_date never goes backwards), check values like Odoo (unknown
// fields: ValueError "Invalid field 'x' on model 'y'"; missing required
// fields: the ValidationError Odoo raises for NOT NULL violations), apply
// x2many commands, delete dependent lines, activities and messages with
// their record, and refuse what Odoo refuses (deleting a posted invoice or
// a confirmed order). A read-only user gets Odoo's AccessError on every
// write and action. Methods returning None (purchase.order button_cancel)
// are applied first and then fail over XML-RPC with "cannot marshal None",
// as in Odoo.
//
// # Fault injection
//
// Options.Latency delays each request; Options.ErrorRate answers 502 and
// Options.TimeoutRate hangs for Options.TimeoutDelay then answers 504, both
// before any work is done, drawn from a source seeded by Options.Seed. See
// docs/odoo-simulator.md for what is not emulated.
package odoosim
