"""OdooRPC 0.9 against the simulator.

Usage: /usr/bin/python3 odoorpc_client.py URL DB VERSION API_KEY

Logs in through /web/session/authenticate, reads the version from
/web/webclient/version_info, then works through /jsonrpc with the model
proxies (which look models up in ir.model and call fields_get). Prints
"ALL OK" when every check passed; any failure raises.
"""
import sys
from urllib.parse import urlparse

import odoorpc

url, db, expected_version, api_key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
u = urlparse(url)
odoo = odoorpc.ODOO(u.hostname, protocol="jsonrpc", port=u.port)
assert odoo.version == expected_version, odoo.version
assert db in odoo.db.list(), odoo.db.list()

try:
    odoo.login(db, "admin", "wrong")
    raise AssertionError("wrong password accepted")
except odoorpc.error.RPCError as exc:
    assert exc.info["data"]["name"] == "odoo.exceptions.AccessDenied", exc.info

# OdooRPC logs in through /web/session/authenticate, an interactive login
# that checks passwords only: an API key is refused.
try:
    odoo.login(db, "admin", api_key)
    raise AssertionError("API key accepted by the web login")
except odoorpc.error.RPCError as exc:
    assert exc.info["data"]["name"] == "odoo.exceptions.AccessDenied", exc.info

odoo.login(db, "admin", "admin")
user = odoo.env.user
assert user.login == "admin", user.login
assert "res.partner" in odoo.env

assert "ir.model.data" in odoo.env and "mail.message.subtype" in odoo.env

# env.ref resolves external ids through ir.model.data check_object_reference.
company = odoo.env.ref("base.main_company")
assert company._name == "res.company" and company.id == 1, company
assert odoo.env.ref("base.user_admin").login == "admin"
assert odoo.env.ref("mail.mt_comment").name == "Discussions"
try:
    odoo.env.ref("base.no_such_id")
    raise AssertionError("unknown xml id resolved")
except odoorpc.error.RPCError as exc:
    assert exc.info["data"]["name"] == "builtins.ValueError", exc.info

Partner = odoo.env["res.partner"]
domain = ["|", ("country_id.code", "=", "BE"), "!", ("is_company", "=", True)]
rows = Partner.search_read(domain, ["name", "country_id"])
names = {r["name"] for r in rows}
assert {"Azure Interior", "Brandon Freeman"} <= names, names

ids = Partner.search([("parent_id", "child_of", "Azure Interior")])
partners = Partner.browse(ids)
assert sorted(p.name for p in partners) == ["Azure Interior", "Brandon Freeman", "Colleen Diaz"], [p.name for p in partners]
brandon = [p for p in partners if p.name == "Brandon Freeman"][0]
assert brandon.parent_id.name == "Azure Interior", brandon.parent_id
assert brandon.country_id.code == "BE", brandon.country_id.code

groups = odoo.execute_kw("account.move", "read_group", [[["state", "=", "posted"]], ["amount_total:sum"], ["invoice_date:month"]], {"lazy": False})
months = {g["invoice_date:month"]: g["amount_total"] for g in groups}
assert months["January 2025"] == 1200.0 and months["February 2025"] == 1250.5, months

new_id = Partner.create({"name": "OdooRPC Co", "is_company": True})
rec = Partner.browse(new_id)
rec.write({"phone": "+32 2 123 45 67"})
rec.name = "OdooRPC Company"
rec = Partner.browse(new_id)
assert rec.name == "OdooRPC Company" and rec.phone == "+32 2 123 45 67", (rec.name, rec.phone)
rec.unlink()
assert Partner.search([("id", "=", new_id)]) == []

# Create defaults: a draft invoice gets its journal and Odoo's draft display name.
Move = odoo.env["account.move"]
draft_id = Move.create({"move_type": "out_invoice", "partner_id": 5})
draft = Move.browse(draft_id)
assert draft.journal_id.id == 1 and draft.name == "/" and draft.display_name == "Draft Invoice (* %d)" % draft_id, (draft.journal_id, draft.name, draft.display_name)

# Workflow buttons: posting an already posted invoice is Odoo's UserError.
try:
    Move.action_post([1])
    raise AssertionError("posted invoice posted again")
except odoorpc.error.RPCError as exc:
    assert exc.info["data"]["name"] == "odoo.exceptions.UserError", exc.info
    assert exc.info["data"]["message"] == "The entry INV/2025/00001 (id 1) is already posted.", exc.info

viewer = odoorpc.ODOO(u.hostname, protocol="jsonrpc", port=u.port)
viewer.login(db, "viewer", "viewer")
try:
    viewer.env["res.partner"].write([ids[0]], {"name": "Nope"})
    raise AssertionError("the read-only user could write")
except odoorpc.error.RPCError as exc:
    assert exc.info["data"]["name"] == "odoo.exceptions.AccessError", exc.info
    assert "res.partner" in exc.info["data"]["message"], exc.info

odoo.logout()
print("ALL OK")
