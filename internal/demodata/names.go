package demodata

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Word lists for names. They are read-only.
var (
	firstNames = []string{
		"Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Katrin", "Lukas", "Mia", "Niklas",
		"Olivia", "Paul", "Quentin", "Rosa", "Simon", "Tina", "Uwe", "Vera", "Werner", "Yara", "Zoe", "Emma", "Liam", "Noah",
		"Sophie", "Marie", "Leon", "Elias", "Lena", "Laura", "Tom", "Julia", "Max", "Sarah", "Jan", "Lisa", "Tim", "Nina",
		"Fabian", "Helena", "Moritz", "Carla", "Oskar", "Frieda", "Henrik", "Ilse", "Karl", "Maja", "Rafael", "Sven",
	}
	lastNames = []string{
		"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch",
		"Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange",
		"Werner", "Krause", "Lehmann", "Köhler", "Herrmann", "König", "Walter", "Peters", "Jansen", "de Vries", "Bakker",
		"Dubois", "Moreau", "Laurent", "Smith", "Johnson", "Miller", "Davis", "Brown", "Taylor", "Wilson", "Anderson",
		"Nowak", "Kowalski", "Hansen", "Nielsen", "Berger", "Huber", "Bauer", "Gruber", "Vogel", "Frank", "Keller",
	}
	companyStems = []string{
		"Atlas", "Nordic", "Hanse", "Elbe", "Rhein", "Alpen", "Baltic", "Kessler", "Vogt", "Brandt", "Falk", "Horizon",
		"Pioneer", "Summit", "Vector", "Delta", "Orion", "Polar", "Granite", "Falcon", "Lindner", "Sommer", "Winter",
		"Adler", "Sterling", "Harbor", "Meridian", "Crown", "Titan", "Union", "Central", "Allied", "Precision", "Keystone",
		"Redwood", "Silverline", "Bluewater", "Ironbridge", "Oakfield", "Westbrook", "Eastgate", "Northpoint", "Southport",
		"Maas", "Schelde", "Weser", "Donau", "Isar", "Main", "Mosel", "Havel", "Saale", "Ruhr", "Lahn", "Fulda", "Tauber",
	}
	companyTrades = []string{
		"Maschinenbau", "Anlagentechnik", "Fördertechnik", "Industrieservice", "Metallbau", "Automation", "Hydraulik",
		"Fluid Systems", "Engineering", "Manufacturing", "Fabrication", "Tooling", "Robotics", "Packaging", "Logistics",
		"Plant Services", "Components", "Industrietechnik", "Werkzeugbau", "Elektrotechnik", "Antriebstechnik", "Systems",
	}
	euSuffixes = []string{"GmbH", "GmbH", "GmbH & Co. KG", "AG", "KG"}
	usSuffixes = []string{"Inc.", "LLC", "Corp."}
	cities     = map[string][]string{
		"DE": {"Hamburg", "Bremen", "Hannover", "Berlin", "Köln", "Düsseldorf", "Dortmund", "Frankfurt am Main", "Stuttgart", "München", "Leipzig", "Kiel"},
		"AT": {"Wien", "Graz", "Linz", "Salzburg"},
		"NL": {"Rotterdam", "Eindhoven", "Utrecht", "Groningen"},
		"FR": {"Lyon", "Lille", "Strasbourg", "Nantes"},
		"BE": {"Antwerpen", "Gent", "Liège"},
		"PL": {"Poznań", "Wrocław", "Gdańsk"},
		"DK": {"Aarhus", "Odense"},
		"US": {"Chicago", "Houston", "Detroit", "Cleveland", "Pittsburgh", "Atlanta", "Charlotte"},
		"GB": {"Manchester", "Birmingham", "Leeds"},
		"CN": {"Ningbo", "Shenzhen", "Suzhou"},
	}
	streets = []string{"Industriestraße", "Hafenweg", "Am Kanal", "Gewerbering", "Werkstraße", "Main Street", "Harbour Road", "Mühlenweg"}
)

// nameBook hands out unique names.
type nameBook struct {
	used map[string]bool
}

func newNameBook() *nameBook { return &nameBook{used: map[string]bool{}} }

// unique returns s, or s with a numeral suffix when s was already used.
func (b *nameBook) unique(s string) string {
	if !b.used[s] {
		b.used[s] = true
		return s
	}
	for i := 2; ; i++ {
		c := s + " " + roman(i)
		if !b.used[c] {
			b.used[c] = true
			return c
		}
	}
}

func roman(i int) string {
	rs := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
	if i < len(rs) {
		return rs[i]
	}
	return strconv.Itoa(i)
}

// person returns a random person name.
func person(r *rand.Rand) string { return pick(r, firstNames) + " " + pick(r, lastNames) }

// companyName returns a random company name for a company in country.
func (b *nameBook) companyName(r *rand.Rand, country string) string {
	suffixes := euSuffixes
	switch country {
	case "US":
		suffixes = usSuffixes
	case "GB":
		suffixes = []string{"Ltd"}
	case "NL", "BE":
		suffixes = []string{"B.V.", "N.V."}
	case "FR":
		suffixes = []string{"SAS", "SARL"}
	case "DK":
		suffixes = []string{"A/S", "ApS"}
	case "PL":
		suffixes = []string{"Sp. z o.o."}
	case "CN":
		suffixes = []string{"Co., Ltd."}
	}
	stem := pick(r, companyStems)
	if chance(r, 0.3) {
		stem = pick(r, lastNames)
	}
	return b.unique(stem + " " + pick(r, companyTrades) + " " + pick(r, suffixes))
}

// emailFor builds an e-mail address from a person and a company name.
func emailFor(personName, company string) string {
	local := strings.ToLower(strings.ReplaceAll(personName, " ", "."))
	dom := strings.ToLower(strings.Fields(company)[0])
	return asciiOnly(local) + "@" + asciiOnly(dom) + ".example"
}

func asciiOnly(s string) string {
	repl := strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss", "ń", "n", "ł", "l", "ó", "o", "ą", "a", "è", "e", "é", "e", "à", "a", "ç", "c")
	s = repl.Replace(s)
	var b strings.Builder
	for _, c := range s {
		if c < 128 && c != ' ' && c != '&' && c != ',' {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func phone(r *rand.Rand, country string) string {
	prefix := map[string]string{"DE": "+49", "AT": "+43", "NL": "+31", "FR": "+33", "BE": "+32", "PL": "+48", "DK": "+45", "US": "+1", "GB": "+44", "CN": "+86"}[country]
	return prefix + " " + strconv.Itoa(between(r, 20, 989)) + " " + strconv.Itoa(between(r, 100000, 9999999))
}
