package odoosim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"testing"
)

func TestWebDatabaseList(t *testing.T) {
	t.Parallel()
	for _, version := range []string{"17.0", "19.0"} {
		for _, disabled := range []bool{false, true} {
			_, url := start(t, startOpts{version: version, opts: odoosimOptions(disabled)})
			v := doJSON(t, http.DefaultClient, url+"/web/database/list", map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": map[string]any{}})
			switch {
			case !disabled && !reflect.DeepEqual(v["result"], list(testDB)):
				t.Errorf("%s: /web/database/list = %v", version, v)
			case disabled && (v["error"] == nil || v["error"].(map[string]any)["data"].(map[string]any)["name"] != "odoo.exceptions.AccessDenied"):
				t.Errorf("%s: /web/database/list with list_db off = %v", version, v)
			}
		}
	}
}

func TestDocBearer(t *testing.T) {
	t.Parallel()
	get := func(url, key string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var v map[string]any
		_ = json.Unmarshal(raw, &v)
		return resp.StatusCode, v
	}
	_, url := start(t, startOpts{version: "19.0"})
	status, doc := get(url+"/doc-bearer/res.partner.json", adminKey)
	if status != 200 || doc["model"] != "res.partner" || doc["name"] != "Contact" {
		t.Fatalf("doc: %d %v", status, doc)
	}
	if f := doc["fields"].(map[string]any)["name"].(map[string]any); f["type"] != "char" || f["module"] != "base" {
		t.Errorf("field name = %v", f)
	}
	methods := doc["methods"].(map[string]any)
	sr := methods["search_read"].(map[string]any)
	if sr["signature"] != "(domain=None, fields=None, offset=0, limit=None, order=None, load='_classic_read')" ||
		!reflect.DeepEqual(sr["api"], list("model")) || sr["model"] != "core" {
		t.Errorf("search_read = %v", sr)
	}
	w := methods["write"].(map[string]any)
	if w["signature"] != "(vals)" || w["api"] != nil || !reflect.DeepEqual(w["parameters"], map[string]any{"vals": map[string]any{}}) {
		t.Errorf("write = %v", w)
	}
	if _, ok := methods["message_post"]; !ok {
		t.Errorf("message_post missing from %v", methods)
	}
	for _, tt := range []struct {
		path, key string
		want      int
	}{
		{"/doc-bearer/res.partner.json", viewerKey, 403},
		{"/doc-bearer/res.partner.json", "", 401},
		{"/doc-bearer/no.such.model.json", adminKey, 404},
	} {
		if status, _ := get(url+tt.path, tt.key); status != tt.want {
			t.Errorf("%s key %q: status %d, want %d", tt.path, tt.key, status, tt.want)
		}
	}
	_, url17 := start(t, startOpts{version: "17.0"})
	if status, _ := get(url17+"/doc-bearer/res.partner.json", adminKey); status != 404 {
		t.Errorf("17.0 serves /doc-bearer: %d", status)
	}
}
