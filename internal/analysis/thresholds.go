package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ThresholdSpec describes one setting an analyzer reads with Env.Threshold:
// its default, unit and valid range, and what it changes in a sentence.
// Each analyzer package declares its specs next to the names it reads, so
// the settings page, the CLI and the API list the same knobs the analyzers
// use.
type ThresholdSpec struct {
	Name    string  `json:"name"`
	Default float64 `json:"default"`
	// Unit is "days", "count", "ratio" (a fraction, 0.25 = 25%),
	// "factor" (times a reference), "currency" (company currency), "score",
	// "z" (a statistic), "flag" (0 off, 1 on) or "id" (an Odoo record id).
	Unit        string  `json:"unit"`
	Min         float64 `json:"min"`
	Max         float64 `json:"max"`
	Integer     bool    `json:"integer"`
	Description string  `json:"description"`
	// PerID also accepts Name + "." + an Odoo record id, a variant for one
	// record (expenses.max_amount.42 is the limit of product 42).
	PerID bool `json:"per_id,omitempty"`
}

// Area is the analyzer area the threshold belongs to: its name's first part.
func (t ThresholdSpec) Area() string {
	area, _, _ := strings.Cut(t.Name, ".")
	return area
}

// Check reports why v is not a valid value, or nil.
func (t ThresholdSpec) Check(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("%s must be a number", t.Name)
	}
	if t.Integer && v != math.Trunc(v) {
		return fmt.Errorf("%s must be a whole number (%s), not %s", t.Name, t.Unit, FormatThreshold(v))
	}
	if v < t.Min || v > t.Max {
		return fmt.Errorf("%s must be between %s and %s %s, not %s", t.Name, FormatThreshold(t.Min), FormatThreshold(t.Max), t.Unit, FormatThreshold(v))
	}
	return nil
}

// Matches reports whether key names this threshold (or, with PerID, one
// record's variant of it).
func (t ThresholdSpec) Matches(key string) bool {
	if key == t.Name {
		return true
	}
	if !t.PerID {
		return false
	}
	id, ok := strings.CutPrefix(key, t.Name+".")
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0
}

// FormatThreshold prints a threshold value without trailing zeros.
func FormatThreshold(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// Suffix is what follows a value when it is shown: " days", "×" or "".
func (t ThresholdSpec) Suffix() string {
	switch t.Unit {
	case "days":
		return " days"
	case "factor":
		return "×"
	}
	return ""
}

// Range says which values are valid, for people: "1 to 3650 days, whole",
// "0 to 1 (a fraction: 0.25 is 25%)", "at least 0, in company currency".
func (t ThresholdSpec) Range() string {
	r := FormatThreshold(t.Min) + " to " + FormatThreshold(t.Max)
	if t.Max >= 1e9 {
		r = "at least " + FormatThreshold(t.Min)
	}
	switch t.Unit {
	case "days":
		r += " days"
	case "ratio":
		r += " (a fraction: 0.25 is 25%)"
	case "currency":
		r += ", in company currency"
	case "factor":
		r += " times"
	case "flag":
		r = "0 (off) or 1 (on)"
	}
	if t.Integer && t.Unit != "flag" {
		r += ", whole"
	}
	return r
}
