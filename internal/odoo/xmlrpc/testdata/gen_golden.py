#!/usr/bin/env python3
"""Regenerate the golden files in golden/ with Python's own xmlrpc.client.

Run from this directory: python3 gen_golden.py. Each file is exactly what
xmlrpc.client.dumps writes for the value named in golden_test.go; the Go tests
check that Encoder writes the same bytes and that Decoder reads the files
back to the expected values. decode/ holds documents Python reads but does not
write; the assertions below check that Python reads them as the Go tests
expect.
"""
import datetime
import os
import xmlrpc.client as x

GOLDEN = {
    "call_scalars": lambda: x.dumps(
        (1, -2147483648, 2147483647, 0, "a", True, False), "m"),
    "call_doubles": lambda: x.dumps(
        (1.5, 0.1, -0.0, 0.0, 1e16, 1e15, 1e-05, 0.0001, 100.0, 123456789.125,
         1.7976931348623157e308, 5e-324, -1.5e-07, 2.5e+20), "m"),
    "call_strings": lambda: x.dumps(
        ("a<b>&c", "\u00e9 \u00fc \u4e2d\u6587 \U0001F600", "tab\tnl\n",
         "  spaced  ", "", "quote\"'", "]]>"), "res.partner.search"),
    "call_execute_kw": lambda: x.dumps(
        ("odoo", 2, "secret", "res.partner", "search_read",
         [[["is_company", "=", True], ["name", "ilike", "a&b"]]],
         {"context": {"lang": "en_US", "tz": "Europe/Brussels"},
          "fields": ["name", "email"], "limit": 5}),
        "execute_kw"),
    "call_binary_datetime": lambda: x.dumps(
        (b"", b"abc", bytes(range(256)),
         datetime.datetime(2024, 1, 2, 3, 4, 5),
         datetime.datetime(999, 12, 31, 23, 59, 59)), "m"),
    "call_nil": lambda: x.dumps(
        (None, [None, 1], {"a": None}), "m", allow_none=True),
    "call_empty": lambda: x.dumps((), "version"),
    "call_nested": lambda: x.dumps(
        ([], {}, [[1, [2, [3]]], {"k": [{"z": {}}]}],), "m"),
    "response_int": lambda: x.dumps((7,), methodresponse=True),
    "response_false": lambda: x.dumps((False,), methodresponse=True),
    "response_nil": lambda: x.dumps((None,), methodresponse=True, allow_none=True),
    "response_version": lambda: x.dumps(({
        "protocol_version": 1,
        "server_serie": "17.0",
        "server_version": "17.0",
        "server_version_info": [17, 0, 0, "final", 0, ""],
    },), methodresponse=True),
    "response_search_read": lambda: x.dumps(([
        {"email": False, "id": 7, "name": "Azure Interior",
         "parent_id": False, "write_date": "2024-05-06 07:08:09"},
        {"email": "deco@example.com", "id": 9, "name": "Deco Addict",
         "parent_id": [7, "Azure Interior"], "write_date": "2024-05-06 07:08:10"},
    ],), methodresponse=True),
    "fault_int": lambda: x.dumps(x.Fault(
        2, "Record does not exist or has been deleted.\n(Record: res.partner(42,), User: 2)")),
    "fault_traceback": lambda: x.dumps(x.Fault(
        1, "Traceback (most recent call last):\n  File \"odoo/http.py\", line 1, in <module>\n"
           "ValueError: Invalid field 'x' on model 'res.partner'\n")),
    "fault_string_warning": lambda: x.dumps(x.Fault(
        "warning -- MissingError\n\nRecord does not exist or has been deleted.", "")),
    "fault_string_access_denied": lambda: x.dumps(x.Fault("AccessDenied", "Access Denied")),
}

# Documents Python reads but never writes, with what Python reads them as.
DECODE = {
    "untyped_and_aliases": (
        "<?xml version='1.0'?>\n<methodResponse><params><param><value><array><data>"
        "<value>  untyped  </value><value></value><value><i4> 42 </i4></value>"
        "<value><i8>-9000000000</i8></value><value><ex:nil/></value>"
        "<value><float>2.5</float></value><value><string>  kept  </string></value>"
        "</data></array></value></param></params></methodResponse>\n",
        ["  untyped  ", "", 42, -9000000000, None, 2.5, "  kept  "]),
    "pretty_printed": (
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- comment -->\n<methodResponse>\n"
        "  <params>\n    <param>\n      <value>\n        <struct>\n          <member>\n"
        "            <name>id</name>\n            <value>\n              <int>5</int>\n"
        "            </value>\n          </member>\n        </struct>\n      </value>\n"
        "    </param>\n  </params>\n</methodResponse>\n",
        {"id": 5}),
    "datetime_dashes": (
        "<?xml version='1.0'?>\n<methodResponse><params><param><value>"
        "<dateTime.iso8601>2024-01-02T03:04:05</dateTime.iso8601>"
        "</value></param></params></methodResponse>\n",
        x.DateTime("2024-01-02T03:04:05")),
}


def main():
    os.makedirs("golden", exist_ok=True)
    for name, make in GOLDEN.items():
        with open(os.path.join("golden", name + ".xml"), "w", encoding="utf-8", newline="") as f:
            f.write(make())
    os.makedirs("decode", exist_ok=True)
    with open(os.path.join("decode", "call_latin1.xml"), "wb") as f:
        f.write(x.dumps(("caf\u00e9",), "m", encoding="iso-8859-1").encode("iso-8859-1"))
    os.makedirs("decode", exist_ok=True)
    for name, (doc, want) in DECODE.items():
        (got,), _ = x.loads(doc)
        assert got == want, (name, got, want)
        with open(os.path.join("decode", name + ".xml"), "w", encoding="utf-8", newline="") as f:
            f.write(doc)


if __name__ == "__main__":
    main()
