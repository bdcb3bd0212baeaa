package areas_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aicoo/aicoo/internal/analysis/areas"
	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/odoosync"
)

// TestFieldsCoverWhatTheAnalyzersName: Fields lists, for every model the
// analyzer code names, every field of that model (in any Odoo version's
// spelling) whose name appears as a string in the analyzer code. That is a
// superset of what the analyzers read, since they read records only by
// literal field names. When an analyzer starts reading another field, this
// fails with the list to paste into fields.go.
func TestFieldsCoverWhatTheAnalyzersName(t *testing.T) {
	lits := map[string]bool{}
	fset := token.NewFileSet()
	// The analyzers, and the history of figures (internal/history), which
	// reads through the same cache.
	walk := func(root string, fn fs.WalkDirFunc) error {
		for _, r := range []string{root, filepath.Join("..", "..", "history")} {
			if err := filepath.WalkDir(r, fn); err != nil {
				return err
			}
		}
		return nil
	}
	err := walk("..", func(path string, d fs.DirEntry, err error) error {
		// The list itself (in this folder) does not count, nor the test
		// helpers.
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			filepath.Base(filepath.Dir(path)) == "areas" || strings.Contains(path, "analysistest") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if b, ok := n.(*ast.BasicLit); ok && b.Kind == token.STRING {
				if s, err := strconv.Unquote(b.Value); err == nil {
					lits[s] = true
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// What the sync may store of each model: the fields of aicoo's schema
	// in every version's spelling, the sync's default list (which names
	// some fields the schema leaves out, inherited ones say) and what Odoo
	// adds to every read.
	stored := map[string][]string{}
	for _, m := range dataset.DefaultSchema().Models() {
		for _, f := range m.Fields {
			for v := 16; v <= 19; v++ {
				if name, ok := f.NameIn(v); ok {
					stored[m.Name] = append(stored[m.Name], name)
				}
			}
		}
		stored[m.Name] = append(stored[m.Name], "display_name")
	}
	for _, spec := range odoosync.DefaultModels() {
		stored[spec.Model] = append(stored[spec.Model], spec.Fields...)
	}
	want := map[string][]string{}
	for model, names := range stored {
		if !lits[model] {
			continue
		}
		var fields []string
		for _, name := range names {
			if lits[name] && name != "id" && name != "active" && !slices.Contains(fields, name) {
				fields = append(fields, name)
			}
		}
		slices.Sort(fields)
		want[model] = fields
	}
	got := areas.Fields()
	for m := range got {
		slices.Sort(got[m])
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		var b strings.Builder
		for _, m := range slices.Sorted(maps.Keys(want)) {
			fmt.Fprintf(&b, "\t%q: {", m)
			for i, f := range want[m] {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%q", f)
			}
			b.WriteString("},\n")
		}
		t.Errorf("areas.Fields differs from what the analyzers name; the list is:\n%s", b.String())
	}
}
