package web

import (
	"io/fs"
	"strings"
	"testing"
)

// TestStylesheetsBalanced: every rule and @media block of the embedded
// stylesheets is closed. An unclosed block (easily left by a merge) makes
// the browser read the rest of the file as nested in it: the phone menu
// button then showed on desktops.
func TestStylesheetsBalanced(t *testing.T) {
	t.Parallel()
	err := fs.WalkDir(staticFS, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".css") {
			return err
		}
		b, err := staticFS.ReadFile(path)
		if err != nil {
			return err
		}
		depth := 0
		for i, line := range strings.Split(string(b), "\n") {
			depth += strings.Count(line, "{") - strings.Count(line, "}")
			if depth < 0 {
				t.Errorf("%s:%d: a } closes nothing", path, i+1)
				depth = 0
			}
			// A comment or a top-level selector line inside a media block
			// is the sign of a block left open above it.
			if depth > 1 {
				t.Errorf("%s:%d: blocks nested %d deep: a { is not closed above", path, i+1, depth)
				return nil
			}
		}
		if depth != 0 {
			t.Errorf("%s: %d block(s) not closed at the end", path, depth)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
