package ask

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
)

// partnerMatch is a synced partner whose name matches a query.
type partnerMatch struct {
	ID    int64   `json:"id"`
	Name  string  `json:"name"`
	Score float64 `json:"score"`
}

// findPartners returns the commercial partners (companies and people
// without a parent) whose name matches query tolerant of case, accents,
// word order and small typos, best first. A score of 1 is an exact match.
func (r *records) findPartners(query string) []partnerMatch {
	q := fold(query)
	if q == "" {
		return nil
	}
	var out []partnerMatch
	for _, id := range r.IDs("res.partner") {
		if p, _ := r.Value("res.partner", id, "parent_id").(int64); p != 0 {
			continue
		}
		if r.Value("res.partner", id, "active") == false {
			continue
		}
		name, _ := r.Value("res.partner", id, "name").(string)
		if s := matchScore(q, fold(name)); s > 0 {
			out = append(out, partnerMatch{ID: id, Name: name, Score: s})
		}
	}
	slices.SortFunc(out, func(a, b partnerMatch) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// bestPartner returns the single best match, or nil with the candidates
// when none or several match equally well.
func (r *records) bestPartner(query string) (*partnerMatch, []partnerMatch) {
	ms := r.findPartners(query)
	if len(ms) == 0 {
		return nil, nil
	}
	if len(ms) > 1 && ms[1].Score == ms[0].Score {
		n := 0
		for n < len(ms) && ms[n].Score == ms[0].Score && n < 5 {
			n++
		}
		return nil, ms[:n]
	}
	return &ms[0], ms
}

// matchScore scores a folded name against a folded query: 1 equal, 0.9
// the name starts with or holds the query as words, 0.8 down every query
// word close to a name word, 0.6 the whole close enough; 0 no match.
func matchScore(q, name string) float64 {
	switch {
	case name == "":
		return 0
	case q == name:
		return 1
	case strings.HasPrefix(name, q+" ") || strings.Contains(" "+name+" ", " "+q+" "):
		return 0.9
	}
	qw, nw := strings.Fields(q), strings.Fields(name)
	edits, all := 0, true
	for _, w := range qw {
		best := -1
		for _, n := range nw {
			d := levenshtein(w, n)
			if strings.HasPrefix(n, w) && len(w) >= 4 {
				d = 0
			}
			if d <= maxEdits(w) && (best < 0 || d < best) {
				best = d
			}
		}
		if best < 0 {
			all = false
			break
		}
		edits += best
	}
	if all && len(qw) > 0 {
		return max(0.8-0.05*float64(edits), 0.65)
	}
	if len(q) >= 5 && levenshtein(q, name) <= max(1, len([]rune(q))/6) {
		return 0.6
	}
	return 0
}

// maxEdits is the typos tolerated in a word of that length.
func maxEdits(w string) int {
	switch n := len([]rune(w)); {
	case n <= 3:
		return 0
	case n <= 4:
		return 1
	}
	return 2
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// foldMap spells accented Latin letters without their accents.
var foldMap = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'ł': "l", 'š': "s", 'ž': "z", 'č': "c", 'ř': "r",
}

// fold lowercases s, removes accents and turns punctuation into single
// spaces: "Müller-Lüdenscheidt GmbH" -> "muller ludenscheidt gmbh".
func fold(s string) string {
	var b strings.Builder
	space := true
	for _, c := range strings.ToLower(s) {
		if f, ok := foldMap[c]; ok {
			b.WriteString(f)
			space = false
			continue
		}
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			b.WriteRune(c)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}
