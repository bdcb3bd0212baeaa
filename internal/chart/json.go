package chart

import (
	"encoding/json"
	"fmt"
	"math"
)

// Charts travel as JSON (a briefing's stored facts, an outbox row's data)
// and are drawn where they arrive. JSON has no NaN: a missing value is
// null. The kind is a word, so stored charts survive a reordering of the
// constants.

var kindNames = map[Kind]string{Line: "line", Stacked: "stacked", Grouped: "grouped", Horizontal: "horizontal"}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if s, ok := kindNames[k]; ok {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("chart: unknown kind %d", int(k))
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	for kind, s := range kindNames {
		if s == string(b) {
			*k = kind
			return nil
		}
	}
	return fmt.Errorf("chart: unknown kind %q", b)
}

// values is a slice of values with NaN as null.
type values []float64

func (v values) MarshalJSON() ([]byte, error) {
	out := make([]*float64, len(v))
	for i := range v {
		if finite(v[i]) {
			out[i] = &v[i]
		}
	}
	return json.Marshal(out)
}

func (v *values) UnmarshalJSON(b []byte) error {
	var in []*float64
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*v = make(values, len(in))
	for i, p := range in {
		(*v)[i] = math.NaN()
		if p != nil {
			(*v)[i] = *p
		}
	}
	return nil
}

type seriesJSON struct {
	Name   string `json:"name"`
	Values values `json:"values"`
	Dashed bool   `json:"dashed,omitempty"`
}

// MarshalJSON implements json.Marshaler.
func (s Series) MarshalJSON() ([]byte, error) {
	return json.Marshal(seriesJSON{s.Name, s.Values, s.Dashed})
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Series) UnmarshalJSON(b []byte) error {
	var j seriesJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("chart: series: %w", err)
	}
	*s = Series{Name: j.Name, Values: j.Values, Dashed: j.Dashed}
	return nil
}

type bandJSON struct {
	Name   string `json:"name"`
	Low    values `json:"low"`
	High   values `json:"high"`
	Series int    `json:"series"`
}

// MarshalJSON implements json.Marshaler.
func (b Band) MarshalJSON() ([]byte, error) {
	return json.Marshal(bandJSON{b.Name, b.Low, b.High, b.Series})
}

// UnmarshalJSON implements json.Unmarshaler.
func (b *Band) UnmarshalJSON(data []byte) error {
	var j bandJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return fmt.Errorf("chart: band: %w", err)
	}
	*b = Band{Name: j.Name, Low: j.Low, High: j.High, Series: j.Series}
	return nil
}
