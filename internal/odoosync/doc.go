// Package odoosync copies Odoo records into aicoo's store incrementally, so
// that analyzers read a local copy and a steady-state cycle fetches only
// what changed.
//
// # Models and fields
//
// A Syncer syncs a list of ModelSpec (DefaultModels covers what the
// analyzers need). Each cycle asks fields_get for the model's fields and
// keeps the wanted ones that exist and are stored, plus id, write_date and
// active when the model has it, so version differences and missing modules
// degrade gracefully: a model whose module is not installed is recorded as
// "not installed", not as an error. Non-stored computed fields are left out
// because a change of their value does not move write_date. When the set of
// fields changes (an upgrade, a new spec), the model is fetched again from
// the start.
//
// # Cursor and overlap
//
// Every model has a cursor in odoo_sync_state: a write date C (Odoo's
// second precision) and the ids S already fetched whose write date is C. A
// cycle fetches, with active_test false so that archived records come
// through (and are stored with Active false),
//
//	write_date > C  OR  (write_date = C AND id NOT IN S)
//
// ordered by "write_date asc, id asc", and pages with a keyset on
// (write_date, id) rather than an offset, so pages do not drift when
// records change during the cycle. Each page is stored in one transaction
// together with the advanced cursor, so a cancelled or failed cycle keeps
// the pages it committed and the next cycle resumes after them.
//
// The first cycle of a model (and Opts.Full, and a change of fields) has no
// cursor: it scans the model by increasing id instead ("id > last", order
// "id asc", which Odoo serves from its primary key, where sorting a large
// table by write_date for every page would not be), resumes after the last
// stored id when interrupted, and then sets the cursor at the latest write
// date seen (or, if that second was not settled when the scan began, at the
// settle limit of the scan's start), so records written during the scan are
// fetched by the incremental pass that follows.
//
// Remembering S lets many records share C (an import writes thousands in one
// second, across page boundaries) without losing any that arrive later in
// that second and without fetching the same ones again on every cycle. The
// cursor only moves over seconds that are settled: complete, and older than
// Config.SettleDelay (by the Syncer's clock) when the page was fetched.
// Records of a more recent second are stored but fetched once more by the
// next cycle, which catches a record rewritten within the same second (its
// write_date does not change) and transactions that commit shortly after
// the write date they stamp. A record changed during a cycle gets a write
// date after the cursor and is fetched by this cycle or the next.
//
// # Sweep
//
// write_date cannot show deletions. Every Config.SweepInterval (one hour by
// default), on Opts.Full and after a change of fields, a cycle also lists
// every id of the model (search, active_test false, paged by id), deletes
// the local records whose id is gone and fetches the records Odoo has but
// the store lacks (which a lost commit could leave out).
//
// # Running it
//
// A run first records a pending state for each model never synced, then
// syncs the models whose last sync did not finish (failed, interrupted,
// never run) before the others, so that under a flaky Odoo, where runs are
// cut short by the job timeout or the circuit breaker, every run resumes
// the unfinished models from their cursors and the first sync converges.
// When the client's circuit breaker opens, a run pauses for the cool-down
// (Config.BreakerPause) and resumes the model, at most
// Config.BreakerPauses times, then leaves the models not reached to the
// next run (Report.Deferred) with their state untouched; and a model that
// failed on a transient error is tried once more at the end of the run.
//
// Sync returns a Report with per-model figures (fetched, upserted, deleted,
// duration, errors); an error on one model does not stop the others.
// Config.ProgressFunc receives Progress events, which NewProgressPrinter
// draws as a bar on a terminal, and the counters of the sync in progress are
// kept in odoo_sync_state for dashboards. Analyzer wraps a Syncer as the
// "odoo.sync" monitoring job.
package odoosync
