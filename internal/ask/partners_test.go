package ask

import "testing"

func TestMatchScore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		query, name string
		match       bool
	}{
		{"Hartmann Fördertechnik KG", "Hartmann Fördertechnik KG", true},
		{"hartmann fordertechnik", "Hartmann Fördertechnik KG", true},
		{"HARTMAN FOERDERTECHNIK", "Hartmann Fördertechnik KG", true},
		{"fördertechnik hartmann", "Hartmann Fördertechnik KG", true},
		{"Alpen Industrieservice", "Alpen Industrieservice GmbH", true},
		{"alpen industreservice", "Alpen Industrieservice GmbH", true},
		{"Alpen", "Alpen Industrieservice GmbH", true},
		{"Isar", "Isar Systems KG", true},
		{"Baltic Logistics", "Alpen Industrieservice GmbH", false},
		{"Isor", "Isar Systems KG", true}, // one typo in a 4-letter word
		{"Iosr", "Isar Systems KG", false},
		{"herman fabrication", "Herrmann Fabrication KG", true},
		{"Fabricatoin Hermann", "Herrmann Fabrication KG", true},
		{"Hartmann Robotics", "Herrmann Fabrication KG", false},
		{"KG", "Isar Systems KG", true}, // as a word: every "KG" matches, the answer asks which
	}
	for _, tt := range tests {
		if got := matchScore(fold(tt.query), fold(tt.name)) > 0; got != tt.match {
			t.Errorf("%q ~ %q: %v, want %v", tt.query, tt.name, got, tt.match)
		}
	}
	if fold("Müller-Lüdenscheidt  GmbH & Co.") != "muller ludenscheidt gmbh co" {
		t.Errorf("fold: %q", fold("Müller-Lüdenscheidt  GmbH & Co."))
	}
	if matchScore(fold("isar systems kg"), fold("Isar Systems KG")) <= matchScore(fold("isar systms"), fold("Isar Systems KG")) {
		t.Error("an exact match does not rank above a typo")
	}
}
