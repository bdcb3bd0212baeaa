package odoosim_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requirePython returns the interpreter at path after checking that it can
// import module; it skips the test when it cannot, unless CI=true, where a
// missing interpreter or module fails the test.
func requirePython(t *testing.T, path, module string) string {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("CI") == "true" {
		fail = t.Fatalf
	}
	bin, err := exec.LookPath(path)
	if err != nil {
		fail("%s not found (%v); install Python 3 to run the third-party client proof", path, err)
		return ""
	}
	if out, err := exec.Command(bin, "-c", "import "+module).CombinedOutput(); err != nil {
		fail("%s cannot import %s (%v: %s); on Debian: apt-get install -y python3-%s", bin, module, err, bytes.TrimSpace(out), module)
		return ""
	}
	return bin
}

// runScript runs testdata/script with the server's URL, database, version
// and the admin's API key, and checks that it printed ALL OK.
func runScript(t *testing.T, python, script, url, version string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join("testdata", script), url, testDB, version, adminKey)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ALL OK") {
		t.Fatalf("%s failed: %v\n%s", script, err, out)
	}
}

func TestPythonXMLRPCClient(t *testing.T) {
	t.Parallel()
	python := requirePython(t, "python3", "xmlrpc.client")
	for _, version := range []string{"16.0", "17.0", "18.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			runScript(t, python, "xmlrpc_client.py", url, version)
		})
	}
}

func TestOdooRPCClient(t *testing.T) {
	t.Parallel()
	python := requirePython(t, "/usr/bin/python3", "odoorpc")
	for _, version := range []string{"16.0", "17.0", "18.0", "19.0"} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			_, url := start(t, startOpts{version: version})
			runScript(t, python, "odoorpc_client.py", url, version)
		})
	}
}
