package xmlrpc_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
)

func ExampleEncodeCall() {
	var body bytes.Buffer
	err := xmlrpc.EncodeCall(&body, "execute_kw",
		"odoo", 2, "api-key", "res.partner", "search_count",
		[]any{[]any{[]any{"is_company", "=", true}}},
		map[string]any{"context": map[string]any{"lang": "en_US"}})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Count(body.String(), "<param>"))
	// Output: 7
}

func ExampleDecodeResponse_fault() {
	body := `<?xml version='1.0'?>
<methodResponse><fault><value><struct>
<member><name>faultCode</name><value><int>3</int></value></member>
<member><name>faultString</name><value><string>Access Denied</string></value></member>
</struct></value></fault></methodResponse>`
	_, err := xmlrpc.DecodeResponse(strings.NewReader(body))
	var fault *xmlrpc.Fault
	if errors.As(err, &fault) && fault.Code == xmlrpc.FaultCodeAccessDenied {
		fmt.Println("bad credentials:", err)
	}
	// Output: bad credentials: xmlrpc: fault 3: Access Denied
}

func ExampleEncoder_simulator() {
	// A simulator answers like Odoo: empty values are False, never <nil/>.
	enc := &xmlrpc.Encoder{NilPolicy: xmlrpc.NilAsFalse}
	var body bytes.Buffer
	if err := enc.EncodeResponse(&body, map[string]any{"email": nil}); err != nil {
		panic(err)
	}
	v, _ := xmlrpc.DecodeResponse(&body)
	fmt.Println(v)
	// Output: map[email:false]
}
