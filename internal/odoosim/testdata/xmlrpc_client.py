"""Odoo's external API documentation examples, run against the simulator.

Usage: python3 xmlrpc_client.py URL DB VERSION API_KEY

Uses only Python's standard xmlrpc.client, exactly as
https://www.odoo.com/documentation/17.0/developer/reference/external_api.html
shows. Prints "ALL OK" when every check passed; any failure raises.
"""
import sys
import xmlrpc.client

url, db, expected_version, api_key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
username, password = "admin", "admin"

common = xmlrpc.client.ServerProxy("{}/xmlrpc/2/common".format(url))
version = common.version()
assert version["server_version"] == expected_version, version
assert version["protocol_version"] == 1, version

uid = common.authenticate(db, username, password, {})
assert isinstance(uid, int) and uid > 0, uid
assert common.authenticate(db, username, "wrong", {}) is False

models = xmlrpc.client.ServerProxy("{}/xmlrpc/2/object".format(url))
assert models.execute_kw(db, uid, password, "res.partner", "check_access_rights", ["read"], {"raise_exception": False}) is True

# List records, with pagination.
ids = models.execute_kw(db, uid, password, "res.partner", "search", [[["is_company", "=", True]]])
assert len(ids) >= 3, ids
page = models.execute_kw(db, uid, password, "res.partner", "search", [[["is_company", "=", True]]], {"offset": 1, "limit": 2})
assert page == ids[1:3], (page, ids)
count = models.execute_kw(db, uid, password, "res.partner", "search_count", [[["is_company", "=", True]]])
assert count == len(ids), (count, ids)

# Read records.
[record] = models.execute_kw(db, uid, password, "res.partner", "read", [ids[:1]])
assert record["id"] == ids[0] and "name" in record, record
fields = models.execute_kw(db, uid, password, "res.partner", "fields_get", [], {"attributes": ["string", "help", "type"]})
assert fields["name"]["type"] == "char" and fields["country_id"]["type"] == "many2one", fields["country_id"]

# Search and read with a nested domain: Belgian, or not a company.
domain = ["|", ["country_id.code", "=", "BE"], "!", ["is_company", "=", True]]
rows = models.execute_kw(db, uid, password, "res.partner", "search_read", [domain], {"fields": ["name", "country_id", "is_company"], "limit": 10})
assert rows, rows
for row in rows:
    assert (row["country_id"] and row["country_id"][1] == "Belgium") or not row["is_company"], row
    assert set(row) == {"id", "name", "country_id", "is_company"}, row
names = {r["name"] for r in rows}
assert "Azure Interior" in names and "Brandon Freeman" in names, names

# Group invoices by partner.
groups = models.execute_kw(db, uid, password, "account.move", "read_group",
                           [[["state", "=", "posted"]], ["amount_total:sum"], ["partner_id"]], {"lazy": True})
by_partner = {g["partner_id"][1]: g for g in groups}
assert by_partner["Azure Interior"]["amount_total"] == 2000.0, groups
assert by_partner["Azure Interior"]["partner_id_count"] == 2, groups
assert "__domain" in by_partner["Azure Interior"], groups

# Create, update, read back, name_search, delete.
new_id = models.execute_kw(db, uid, password, "res.partner", "create", [{"name": "New Partner"}])
assert isinstance(new_id, int), new_id
assert models.execute_kw(db, uid, password, "res.partner", "write", [[new_id], {"name": "Newer partner"}]) is True
[rec] = models.execute_kw(db, uid, password, "res.partner", "read", [[new_id], ["display_name", "write_date", "create_uid"]])
assert rec["display_name"] == "Newer partner", rec
assert rec["create_uid"][0] == uid, rec
found = models.execute_kw(db, uid, password, "res.partner", "name_search", ["Newer"])
assert [new_id, "Newer partner"] in found, found
assert models.execute_kw(db, uid, password, "res.partner", "unlink", [[new_id]]) is True
assert models.execute_kw(db, uid, password, "res.partner", "search", [[["id", "=", new_id]]]) == []
# Ids are never reused: the next record does not get the unlinked one's id.
next_id = models.execute_kw(db, uid, password, "res.partner", "create", [{"name": "Next Partner"}])
assert next_id > new_id, (next_id, new_id)

# An API key goes in the password slot of the RPC services.
assert common.authenticate(db, username, api_key, {}) == uid
assert models.execute_kw(db, uid, api_key, "res.partner", "search_count", [[["is_company", "=", True]]]) == count

# Falsy offset and limit ('' as some clients send for unset ones, False)
# mean no offset and no limit.
for unset in ("", False):
    got = models.execute_kw(db, uid, password, "res.partner", "search", [[["is_company", "=", True]]], {"offset": unset, "limit": unset})
    assert got == ids, (unset, got, ids)

# External ids: ir.model.data rows and check_object_reference.
assert models.execute_kw(db, uid, password, "ir.model.data", "check_object_reference", ["base", "main_company"]) == ["res.company", 1]
[xid] = models.execute_kw(db, uid, password, "ir.model.data", "search_read",
                         [[["module", "=", "mail"], ["name", "=", "mt_note"]]], {"fields": ["model", "res_id"]})
assert xid["model"] == "mail.message.subtype", xid
[note] = models.execute_kw(db, uid, password, "mail.message.subtype", "read", [[xid["res_id"]], ["name", "internal"]])
assert note["name"] == "Note" and note["internal"] is True, note
try:
    models.execute_kw(db, uid, password, "ir.model.data", "check_object_reference", ["base", "no_such_id"])
    raise AssertionError("unknown xml id resolved")
except xmlrpc.client.Fault as fault:
    assert fault.faultCode == 1 and "ValueError: External ID not found in the system: base.no_such_id" in fault.faultString, fault

# Contacts require a name (res.partner check_name).
try:
    models.execute_kw(db, uid, password, "res.partner", "create", [{"email": "nameless@example.com"}])
    raise AssertionError("contact without a name created")
except xmlrpc.client.Fault as fault:
    assert fault.faultCode == 2 and fault.faultString == "The operation cannot be completed: Contacts require a name", fault

# Invoice workflow: action_post numbers and posts, posting twice is a UserError.
account = models.execute_kw(db, uid, password, "account.account", "create", [{"code": "400000", "name": "Sales", "account_type": "income"}])
# Create derives the journal, currency and draft name, and computes the amounts.
move = models.execute_kw(db, uid, password, "account.move", "create", [{
    "move_type": "out_invoice", "partner_id": 5, "date": "2025-03-31",
    "invoice_line_ids": [[0, 0, {"account_id": account, "name": "Service", "quantity": 2, "price_unit": 40.0}]]}])
[draft] = models.execute_kw(db, uid, password, "account.move", "read",
                            [[move], ["journal_id", "currency_id", "name", "display_name", "amount_total", "amount_residual"]])
assert draft["journal_id"][0] == 1 and draft["currency_id"][1] == "EUR" and draft["name"] == "/", draft
assert draft["display_name"] == "Draft Invoice (* %d)" % move, draft
assert draft["amount_total"] == 80.0 and draft["amount_residual"] == 80.0, draft
assert models.execute_kw(db, uid, password, "account.move", "action_post", [[move]]) is False
[posted] = models.execute_kw(db, uid, password, "account.move", "read", [[move], ["name", "state", "payment_state"]])
assert posted == {"id": move, "name": "INV/2025/00005", "state": "posted", "payment_state": "not_paid"}, posted
for move_id, message in ((move, "The entry INV/2025/00005 (id %d) is already posted." % move),
                         (4, "You need to add a line before posting.")):
    try:
        models.execute_kw(db, uid, password, "account.move", "action_post", [[move_id]])
        raise AssertionError("action_post accepted")
    except xmlrpc.client.Fault as fault:
        assert fault.faultCode == 2 and fault.faultString == message, fault

# Paying an invoice through the register-payment wizard.
models.execute_kw(db, uid, password, "account.journal", "create", [{"name": "Bank", "code": "BNK1", "type": "bank", "company_id": 1}])
wizard = models.execute_kw(db, uid, password, "account.payment.register", "create", [{"amount": 300.0}],
                           {"context": {"active_model": "account.move", "active_ids": [2]}})
action = models.execute_kw(db, uid, password, "account.payment.register", "action_create_payments", [[wizard]])
assert action["res_model"] == "account.payment", action
[paid] = models.execute_kw(db, uid, password, "account.move", "read", [[2], ["amount_residual", "payment_state"]])
assert paid["amount_residual"] == 500.0 and paid["payment_state"] == "partial", paid

# An access error for a read-only user.
viewer = common.authenticate(db, "viewer", "viewer", {})
try:
    models.execute_kw(db, viewer, "viewer", "res.partner", "write", [[ids[0]], {"name": "Nope"}])
    raise AssertionError("the read-only user could write")
except xmlrpc.client.Fault as fault:
    assert fault.faultCode == 4, fault
    assert "You are not allowed to modify 'Contact' (res.partner) records." in fault.faultString, fault

# Wrong credentials on object calls.
try:
    models.execute_kw(db, uid, "wrong", "res.partner", "search", [[]])
    raise AssertionError("wrong password accepted")
except xmlrpc.client.Fault as fault:
    assert fault.faultCode == 3 and fault.faultString == "Access Denied", fault

print("ALL OK")
