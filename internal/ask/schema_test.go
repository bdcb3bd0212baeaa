package ask_test

import (
	"encoding/json"
	"slices"
	"testing"
)

// TestToolSchemas: every tool says what it does, every input is described,
// and every array describes its items (OpenAI function calling refuses a
// schema whose array lacks them).
func TestToolSchemas(t *testing.T) {
	t.Parallel()
	d := sharedDemo(t)
	var walk func(tool, path string, s map[string]any)
	walk = func(tool, path string, s map[string]any) {
		isArray := s["type"] == "array"
		if types, ok := s["type"].([]any); ok {
			isArray = slices.Contains(types, any("array"))
		}
		if isArray {
			items, ok := s["items"].(map[string]any)
			if !ok {
				t.Errorf("%s %s: an array without items", tool, path)
			}
			walk(tool, path+"[]", items)
		}
		for _, alt := range []string{"anyOf", "oneOf"} {
			if list, ok := s[alt].([]any); ok {
				for _, a := range list {
					walk(tool, path+"|", a.(map[string]any))
				}
			}
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			ps := p.(map[string]any)
			if ps["description"] == nil || ps["description"] == "" {
				t.Errorf("%s %s.%s: no description", tool, path, name)
			}
			walk(tool, path+"."+name, ps)
		}
	}
	for _, tool := range d.reg.All() {
		if len(tool.Description) < 40 {
			t.Errorf("%s: description %q is too short for a model", tool.Name, tool.Description)
		}
		var s map[string]any
		if err := json.Unmarshal(tool.Schema, &s); err != nil {
			t.Fatal(err)
		}
		walk(tool.Name, "", s)
	}
}
