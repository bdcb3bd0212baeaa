package xmlrpc

import (
	"bytes"
	"math"
	"os/exec"
	"testing"
	"time"
)

// pythonRedump is a Python program that reads an XML-RPC document on stdin
// with xmlrpc.client.loads and writes it back with dumps. For everything this
// package encodes, Python must write the very same bytes.
const pythonRedump = `
import sys, xmlrpc.client as x
data = sys.stdin.buffer.read().decode("utf-8")
try:
    params, method = x.loads(data, use_builtin_types=True)
    out = x.dumps(params, method, methodresponse=method is None, allow_none=True)
except x.Fault as f:
    out = x.dumps(f)
sys.stdout.buffer.write(out.encode("utf-8"))
`

// TestPythonReadsOurOutput runs Python's xmlrpc.client on documents this
// package writes. It is skipped when python3 is not installed.
func TestPythonReadsOurOutput(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	tests := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"search_read response", func(b *bytes.Buffer) error { return EncodeResponse(b, searchReadResult(20)) }},
		{"mixed call", func(b *bytes.Buffer) error {
			return EncodeCall(b, "execute_kw", "db", 2, "pw", "res.partner", "write",
				[]any{[]int{1, 2}, map[string]any{"comment": "a\x01b\tc<&>\u00e9\U0001F600", "active": false}},
				map[string]any{"context": map[string]any{}},
				nil, []byte("\x00\xff"), time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC),
				math.MaxInt32, math.MinInt32, 1e300, -0.5, float32(3.25),
				partner{ID: 3, Name: "x"})
		}},
		{"int fault", func(b *bytes.Buffer) error { return EncodeFault(b, &Fault{Code: 2, String: "Nope"}) }},
		{"string fault", func(b *bytes.Buffer) error {
			return EncodeFault(b, &Fault{CodeString: "warning -- UserError\n\nNope"})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ours bytes.Buffer
			if err := tc.write(&ours); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(python, "-c", pythonRedump)
			cmd.Stdin = bytes.NewReader(ours.Bytes())
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			theirs, err := cmd.Output()
			if err != nil {
				t.Fatalf("python: %v\n%s", err, stderr.Bytes())
			}
			if !bytes.Equal(theirs, ours.Bytes()) {
				t.Errorf("Python re-encodes differently\nours:\n%s\npython:\n%s", ours.Bytes(), theirs)
			}
		})
	}
}
