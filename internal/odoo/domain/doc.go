// Package domain implements Odoo's domain language: parsing the wire form
// into a typed tree, building domains in Go, turning them back into the wire
// form, and evaluating them over in-memory records the way Odoo's ORM does.
//
// The Odoo client uses the builder and Wire to send domains over JSON-RPC,
// XML-RPC or JSON-2. The Odoo-compatible simulator uses Parse (or ParseJSON)
// on the domains it receives, implements Source over its dataset, and calls
// Compile, then Matcher.Filter or Matcher.Search.
//
// # Grammar
//
// A wire domain is a list in prefix (Polish) notation:
//
//	domain    = "[" [ item { "," item } ] "]"
//	item      = "&" | "|" | "!" | term
//	term      = "[" field-path "," operator "," value "]"
//	          | "[1, '=', 1]"      (TRUE)
//	          | "[0, '=', 1]"      (FALSE)
//	field-path = name { "." name }
//	operator  = "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "=?"
//	          | "like" | "not like" | "ilike" | "not ilike"
//	          | "=like" | "not =like" | "=ilike" | "not =ilike"
//	          | "in" | "not in" | "child_of" | "parent_of" | "any" | "not any"
//	value     = false | null | bool | number | string | list of scalars
//	          | domain            (for "any" and "not any")
//
// "&" and "|" take the next two operands and "!" the next one; consecutive
// operands at any level are implicitly AND-ed; [] is TRUE. Operators are
// case-insensitive and "<>" means "!=". "==" and unknown operators are
// errors naming the 1-based item position ("domain: term 3: unknown
// operator \"=~\""). Numbers may be int64, any other Go integer type,
// float64 (as JSON decodes them) or json.Number; integral numbers become
// int64 and null becomes false. As in Odoo, "in" with a boolean becomes "=",
// "=" with a list becomes "in", and "in" with a single scalar gets it wrapped
// in a list. "not =like" and "not =ilike" exist on the wire only since Odoo
// 19; Parse accepts them, but negating "=like" and "=ilike" keeps a "!" so
// that Wire stays valid for older servers ("any" and "not any" need Odoo
// 17).
//
// Parsed domains are normalised (see Domain): AND/OR nodes are flattened,
// TRUE/FALSE folded, double negations removed, and "!" applied to a
// condition on a plain field is replaced by the inverse operator ("=" and
// "!=", "in" and "not in", "like" and "not like", "ilike" and "not ilike",
// "any" and "not any"), which is exact because each pair is a complement
// (below). Wire always
// emits explicit "&" and "|", so Parse(d.Wire()) equals d.
//
// # Semantics
//
// Evaluation follows Odoo 17's odoo/osv/expression.py and Odoo 19's
// odoo/orm/domains.py and filtered_domain (the in-memory evaluator), checked
// against their source. Where versions differ, the package takes Odoo 19's
// choice, noted below with the 16–18 behaviour.
//
// Logic is two-valued: "!" is the exact complement (Odoo 19 emits
// "NOT (...) IS NOT TRUE"). Every negative operator ("!=", "not in",
// "not like", "not ilike", "not =like", "not =ilike", "not any") is the exact
// complement of its positive one, so it also matches records where the field
// is not set: this is Odoo's "OR field IS NULL" for negative operators with
// a value (expression.py, NEGATIVE_TERM_OPERATORS).
//
// "Not set" and empty values, per field type (Odoo 19's falsy_value):
//
//   - char, text, html, selection: false/nil is not set; "" counts as empty
//     too for "=", "in" and their negations, so ('ref', '=', False) matches
//     both (Odoo 16–17 SQL distinguishes NULL from the empty string).
//   - integer, float, monetary: never unset. Odoo stores 0 for an empty
//     number, so false/nil in the data reads as 0, ('qty', '=', False)
//     matches 0, and ('qty', '<', 5) matches an empty value.
//   - boolean: false/nil is false; ('active', '=', False) matches both, and
//     ('active', '!=', True) matches both.
//   - date, datetime, many2one: false/nil (and 0 for many2one) is not set.
//   - one2many, many2many: an empty list (or false/nil) is "no records".
//
// Per operator, for a record where the field is not set:
//
//   - "=" False (or None), "in" a list containing False (or the type's empty
//     value): match. "=" or "in" with other values: no match. "in" [] matches
//     nothing and "not in" [] everything.
//   - "!=", "not in": the complement; "!=" False matches set values only.
//   - "<", "<=", ">", ">=": never match an unset value (numbers are never
//     unset), and never match anything when the value is False. Under "!"
//     they give the complement, so unset values match; Odoo 16–18 instead
//     rewrite !(a < 5) into (a >= 5), which excludes them.
//   - "=?": True when the value is False or None; otherwise "=" (or "in" for
//     a list).
//   - "like" and "ilike": SQL LIKE / ILIKE on "%value%"; "=like" and "=ilike"
//     use the value as the whole pattern. "%" matches any sequence, "_" one
//     character, and a backslash escapes. ilike is case-insensitive; unaccent
//     is not applied. An unset value is matched as "", so "like" with
//     an empty pattern matches every record and "not like" 'x' matches unset ones (as in Odoo
//     17 for like/ilike; =like/=ilike on NULL are Odoo 19's in-memory
//     behaviour). A False pattern is the empty pattern. Numbers, booleans and dates match as
//     text, like PostgreSQL's ::text.
//   - "child_of", "parent_of": see below; unset values never match.
//   - "any" on a many2one: no match; "not any": match.
//
// Dates are "YYYY-MM-DD" strings and datetimes "YYYY-MM-DD HH:MM:SS" UTC
// strings; both compare as strings. Values are validated (a bad date is an
// error, as Odoo raises ValueError). A date given for a datetime field means
// 00:00:00 that day, except for ">" and "<=" which use 23:59:59 so that the
// whole day counts (expression.py). Stored datetimes are normalised (a "T"
// separator and fractional seconds are accepted); a datetime stored in a
// date field is truncated to its date.
//
// Relational fields:
//
//   - A dotted path (a.b, op, v) on a relational field a means (a, any,
//     [(b, op, v)]) for every operator, as Odoo 17+ does. So through a
//     one2many or many2many the condition holds if some linked record
//     matches, ('line_ids.product_id', '!=', 5) means "some line has another
//     product", and ('partner_id.country_id.code', '!=', 'BE') does not match
//     records without a partner. Use "!" or "not any" for "no linked record
//     matches".
//   - A many2one compared with ids ("=", "in", "<", ...) compares the id. A
//     relational field compared with a string or a list of strings, or with
//     a pattern operator, compares the linked records' display names (Odoo's
//     name search): ('partner_id', 'ilike', 'azure') holds when the partner's
//     display name contains "azure"; "=" needs the exact name; "<", ">" etc.
//     degrade to "=" as in Odoo; negative operators match records with no
//     linked record too.
//   - A one2many or many2many compared with ids holds if some linked record
//     is one of them; False (or = False) matches records with no linked
//     record (Odoo 19; Odoo 16–18 ignore False inside an x2many "in" list).
//   - "any" and "not any" evaluate their sub-domain on the comodel. Through
//     a many2one archived records are seen (Odoo searches with
//     active_test=False); through an x2many, EvalOpts.ActiveTest applies to
//     the sub-search.
//   - "child_of" and "parent_of" follow the model's parent field
//     ("parent_id", or what a ParentNamer says) transitively; see
//     compiler.hierarchy for the exact rules per field type. The value is an
//     id, a list of ids, a name or a list of names (case-insensitive
//     substring match on display names); the result includes the given
//     records.
//   - "id" and "display_name" work on every model even when the Source does
//     not declare them.
//
// Unknown fields, including inside dotted paths and sub-domains, make
// Compile return a *FieldError reading "domain: Invalid field 'x' on model
// 'y'", which mirrors Odoo's ValueError. Every error from Parse, Validate and
// Compile means the domain is invalid; the simulator should report it as
// Odoo reports a ValueError (XML-RPC fault 1, JSON-RPC error code 200 with
// data.name "builtins.ValueError").
//
// # active_test
//
// Odoo's search, search_read, search_count and read_group add the
// condition ('active', '=', True) when the model has an "active" field (or
// else "x_active"), unless the context sets active_test to false or the
// domain mentions the field in one of its conditions (Domain.MentionsActive;
// conditions inside "any" sub-domains and dotted paths like
// "partner_id.active" do not count). read by id does not filter. A simulator
// should therefore compile search domains with
//
//	d.Compile(src, model, &domain.EvalOpts{ActiveTest: activeTest})
//
// where activeTest is the context's active_test (default true), which adds
// the condition when needed and also applies it to x2many sub-searches. A
// caller that evaluates without EvalOpts can do the first part itself:
//
//	if activeTest && modelHasActive && !d.MentionsActive() {
//		d = domain.And(domain.Cond("active", domain.OpEq, true), d)
//	}
//
// # Performance
//
// Compile resolves fields, converts values and builds sets once. Lookups
// through a many2one or many2many memoise the result per linked record, so a
// dotted path over 100,000 invoices evaluates each partner once; one2many
// fields are resolved through an index of the comodel by inverse field,
// built once; child_of/parent_of compute the hierarchy once. A Matcher is
// not safe for concurrent use: compile one per request.
package domain
