package areas

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/numfmt"
)

// Metric pages are addressed by words, not by stored keys. The page of a
// metric is /analytics/<area>/<slug>, the slug being its label in
// lower-case words joined by hyphens ("Overdue receivables" →
// overdue-receivables; a metric the catalogue does not label is named from
// its dotted name, "finance.ar.1_30" → receivables-1-30). A per-record
// metric ("finance.ar.partner.1205.overdue") is a page under the metric it
// breaks down, ending with the record: its name as a slug followed by its
// id (alpen-industrieservice-kg-1205), or the id alone when the name is not
// at hand. The id decides which record; the name is for people, so a
// renamed partner's old links still work. When the connection has several
// companies the company is a query parameter (?company=2); without it the
// page shows the first company's figure. MetricPath is the one function
// every link to a metric page goes through.

// catalogue is Catalogue built once: labels are read on every page.
var catalogue = sync.OnceValue(Catalogue)

// MetricPath is the dashboard page of the metric called name (no
// "@company" suffix) in area. company is added as ?company= when not 0:
// callers pass 0 unless the connection has several companies. record is
// the name of the record of a per-record metric ("" when unknown).
func MetricPath(area, name string, company int64, record string) string {
	name, _, _ = strings.Cut(name, "@")
	p := "/analytics/" + area + "/" + MetricSlug(name)
	if _, _, id, ok := SplitRecord(name); ok {
		p += "/" + RecordSlug(record, id)
	}
	if company != 0 {
		p += "?" + url.Values{"company": {strconv.FormatInt(company, 10)}}.Encode()
	}
	return p
}

// MetricSlug is the URL segment of a metric: the slug of its label, or of
// the label of the metric it breaks down for a per-record metric.
func MetricSlug(name string) string {
	if base, _, _, ok := SplitRecord(name); ok {
		name = base
	}
	return Slug(MetricLabel(name))
}

// RecordSlug is the URL segment of a record: "<name slug>-<id>", or the id
// when the name has no letters or digits.
func RecordSlug(name string, id int64) string {
	s := strconv.FormatInt(id, 10)
	if n := Slug(name); n != "" {
		return n + "-" + s
	}
	return s
}

// RecordID reads the id at the end of a record slug.
func RecordID(slug string) (int64, bool) {
	if i := strings.LastIndexByte(slug, '-'); i >= 0 {
		slug = slug[i+1:]
	}
	if !isDigits(slug) {
		return 0, false
	}
	id, err := strconv.ParseInt(slug, 10, 64)
	return id, err == nil
}

// SplitRecord splits a per-record metric name, <prefix>.<kind>.<id>[.<rest>]
// ("finance.ar.partner.1205.overdue"), into the metric it breaks down
// ("finance.ar.overdue"), the kind of record ("partner") and its id.
func SplitRecord(name string) (base, kind string, id int64, ok bool) {
	parts := strings.Split(name, ".")
	for i := 1; i+1 < len(parts); i++ {
		if !isDigits(parts[i+1]) {
			continue
		}
		id, err := strconv.ParseInt(parts[i+1], 10, 64)
		if err != nil {
			return "", "", 0, false
		}
		base = strings.Join(append(append([]string{}, parts[:i]...), parts[i+2:]...), ".")
		return base, parts[i], id, true
	}
	return "", "", 0, false
}

// MetricLabel names a metric (by name, without company) for people: its
// catalogue label, or for a per-record metric the label of the metric it
// breaks down with the record ("Overdue receivables — partner 1205"), or
// else its name in words after the area ("finance.ar.total" →
// "Receivables total").
func MetricLabel(name string) string {
	if m, ok := catalogue().Metric(name); ok && m.Label != "" {
		return m.Label
	}
	if base, kind, id, ok := SplitRecord(name); ok {
		return baseLabel(base) + " — " + Words(kind) + " " + strconv.FormatInt(id, 10)
	}
	return baseLabel(name)
}

func baseLabel(name string) string {
	if m, ok := catalogue().Metric(name); ok && m.Label != "" {
		return m.Label
	}
	parts := strings.Split(name, ".")
	if len(parts) > 1 {
		parts = parts[1:] // the area is the page's heading already
	}
	return Sentence(Words(strings.Join(parts, " ")))
}

// Words turns a key part into words: "win_rate" → "win rate", "365d" →
// "365 days", "ar" → "receivables".
func Words(s string) string {
	f := strings.Fields(strings.ReplaceAll(s, "_", " "))
	for i, w := range f {
		switch {
		case w == "ar":
			f[i] = "receivables"
		case w == "ap":
			f[i] = "payables"
		case len(w) > 1 && strings.HasSuffix(w, "d") && isDigits(w[:len(w)-1]):
			f[i] = w[:len(w)-1] + " days"
		}
	}
	return strings.Join(f, " ")
}

// Sentence capitalizes the first letter of s.
func Sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// transliterations spell the letters of names common in the books of
// European companies in ASCII, so that slugs stay readable in any
// address bar.
var transliterations = map[rune]string{
	'ä': "ae", 'ö': "oe", 'ü': "ue", 'ß': "ss", 'æ': "ae", 'ø': "o", 'å': "a", 'œ': "oe",
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o",
	'ù': "u", 'ú': "u", 'û': "u", 'ý': "y", 'ÿ': "y", 'ł': "l", 'š': "s", 'ž': "z", 'č': "c",
}

// Slug writes s in lower-case ASCII letters and digits, the words joined
// by single hyphens: "Revenue at churn risk (12 months)" →
// "revenue-at-churn-risk-12-months". Letters with no ASCII spelling are
// left out.
func Slug(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		var w string
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			w = string(r)
		default:
			w = transliterations[r]
		}
		if w == "" {
			gap = true
			continue
		}
		if gap && b.Len() > 0 {
			b.WriteByte('-')
		}
		gap = false
		b.WriteString(w)
	}
	return b.String()
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// ResolveSlug finds, among the metric names of an area's result, the one
// a page's slug and record segment (record "" for none) address; "" when
// none does. Names are tried in sorted order, so two metrics that share a
// slug always resolve to the same one.
func ResolveSlug(names []string, slug, record string) string {
	var rid int64
	if record != "" {
		var ok bool
		if rid, ok = RecordID(record); !ok {
			return ""
		}
	}
	best := ""
	for _, n := range names {
		_, _, id, per := SplitRecord(n)
		if per != (record != "") || (per && id != rid) || MetricSlug(n) != slug {
			continue
		}
		if best == "" || n < best {
			best = n
		}
	}
	return best
}

// MetricNames returns the distinct metric names of stored metrics (keys
// without their "@company").
func MetricNames(byKey map[string]analysis.Metric) []string {
	seen := map[string]bool{}
	var out []string
	for k, m := range byKey {
		n := m.Name
		if n == "" {
			n = k
		}
		n, _, _ = strings.Cut(n, "@")
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// plainAmount is an amount as the analyzers write it in their texts:
// "2941.97 EUR", four digits or more before the point.
var plainAmount = regexp.MustCompile(`\b(\d{4,})(\.\d{2})? ([A-Z]{3})\b`)

// Amounts puts thousands separators into the amounts of an analyzer's or
// an action's text for people: "2941.97 EUR" reads "2,941.97 EUR". The
// stored texts keep the plain form, which the grounding of a model's
// words reads.
func Amounts(s string) string {
	return plainAmount.ReplaceAllStringFunc(s, func(m string) string {
		p := plainAmount.FindStringSubmatch(m)
		v, err := strconv.ParseFloat(p[1]+p[2], 64)
		if err != nil {
			return m
		}
		return numfmt.Number(v, max(len(p[2])-1, 0)) + " " + p[3]
	})
}
