package analysis

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aicoo/aicoo/internal/store"
)

// TestRecordDecoderMatchesEncodingJSON: the fast decoder gives exactly what
// encoding/json gives with UseNumber, sharing or not, for what the store
// holds and for what it leaves to encoding/json.
func TestRecordDecoderMatchesEncodingJSON(t *testing.T) {
	docs := []string{
		`{}`,
		` { "id" : 1 , "active":true } `,
		`{"id":7,"name":"Kühn & Söhne","partner_id":[3,"Acme"],"amount":-12.50,"big":12345678901234567890,"e":1e-7,"E":2.5E+3,"f":false,"n":null,"ids":[],"tags":[1,2,3],"nested":{"a":[{"b":"c"}],"x":0.0}}`,
		`{"id":8,"partner_id":[3,"Acme"],"amount":-12.50,"f":false,"state":"posted"}`,
		`{"esc":"line\nbreak \"quoted\" \u00e9 \u0026 \ud83d\ude00 \/","id":9,"partner_id":[4,"Kühn \u0026 Söhne"]}`,
		`{"k\u0065y":"escaped key","id":10}`,
		"{\"bad\":\"\xff\xfe\",\"id\":11}",
		`{"long":"` + string(make([]byte, 0)) + `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","id":12}`,
	}
	for _, keep := range [][]string{nil, {"partner_id", "amount", "nested", "esc", "key"}} {
		d := newRecordDecoder(keep)
		for round := range 2 { // the second round reads shared values
			for _, doc := range docs {
				got, err := d.decode(&store.OdooRecord{Model: "m", Data: json.RawMessage(doc)})
				if err != nil {
					t.Fatalf("%s: %v", doc, err)
				}
				var want map[string]any
				if err := (&store.OdooRecord{Data: json.RawMessage(doc)}).Decode(&want); err != nil {
					t.Fatal(err)
				}
				if keep != nil {
					for k := range want {
						if !d.keep[k] {
							delete(want, k)
						}
					}
				}
				if !reflect.DeepEqual(map[string]any(got), want) {
					t.Errorf("keep %v round %d: %s\n got %#v\nwant %#v", keep, round, doc, got, want)
				}
			}
		}
	}
	for _, doc := range docs[:5] { // what the store writes takes the fast path
		if _, ok := newRecordDecoder(nil).fast([]byte(doc)); !ok {
			t.Errorf("fast decoder refused %s", doc)
		}
	}
	if _, err := newRecordDecoder(nil).decode(&store.OdooRecord{Model: "m", Data: json.RawMessage(`{"id":`)}); err == nil {
		t.Error("truncated JSON decoded without an error")
	}
}
