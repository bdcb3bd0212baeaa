package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Kind is what a result is.
type Kind uint8

// The kinds, in the order they are listed when scores tie.
const (
	KindPartner Kind = iota
	KindInvoice
	KindBill
	KindSaleOrder
	KindPurchaseOrder
	KindProduct
	KindDeal
	KindAlert
	KindMetric
	KindAction
	kindCount
)

var kindNames = [kindCount]struct{ name, label string }{
	{"partner", "Partner"}, {"invoice", "Invoice"}, {"bill", "Bill"}, {"sale_order", "Sales order"},
	{"purchase_order", "Purchase order"}, {"product", "Product"}, {"deal", "Deal"}, {"alert", "Alert"},
	{"metric", "Figure"}, {"action", "Action"},
}

// String is the kind's name in the API ("sale_order").
func (k Kind) String() string { return kindNames[k].name }

// Label is the kind in words ("Sales order").
func (k Kind) Label() string { return kindNames[k].label }

// Field weights: how much a match in a field counts against one in the
// document's own name or number.
const (
	weightPrimary   = 10 // the number or name of the document itself
	weightSecondary = 7  // the partner of a document, a customer reference
	weightTertiary  = 5  // an e-mail, a city, a description
)

// Doc is one thing the index finds.
type Doc struct {
	Kind  Kind
	Label string
	// Path is the aicoo page of the thing, when it has one.
	Path string
	// Model and ID name the Odoo record, when it is one.
	Model string
	ID    int64
	// Roles is the set of roles that may see the document, one bit per
	// role of the index's role list.
	Roles uint32
	// Boost (0..0.1) orders otherwise equal matches: open before closed,
	// recent before old.
	Boost float32
	// primary is the compact form of the first primary field, for whole
	// number matches.
	primary string
}

// field is a text of a document to index, with its weight.
type field struct {
	text   string
	weight uint8
}

type posting struct {
	doc    int32
	weight uint8
}

// Index is an immutable search index over a set of documents. It is safe
// for concurrent use.
type Index struct {
	docs []Doc
	// vocab is every distinct word, sorted; postings[i] lists the
	// documents holding vocab[i], in document order.
	vocab    []string
	postings [][]posting
	// alpha lists the vocab entries made of letters, by length, for typo
	// matching (numbers are not matched with typos: 00042 and 00024 are
	// different invoices).
	alpha [][]int32
	// zeros maps a number written without leading zeros to the vocab
	// entries that have them ("42" to "00042").
	zeros map[string][]int32
	// byPrimary lists documents by the compact form of their first
	// primary field, sorted, for whole-number and prefix matches.
	byPrimary []int32
	// pool holds *scratch for searches.
	pool sync.Pool
}

// builder collects documents and their fields.
type builder struct {
	docs  []Doc
	words map[string][]posting
}

func newBuilder() *builder { return &builder{words: map[string][]posting{}} }

// add indexes d under fields; the first field should be the primary one.
func (b *builder) add(d Doc, fields ...field) {
	id := int32(len(b.docs))
	seen := map[string]int{}
	for i, f := range fields {
		folded := fold(f.text)
		if folded == "" {
			continue
		}
		if i == 0 {
			d.primary = compact(folded)
		}
		for _, t := range tokens(folded) {
			if j, ok := seen[t]; ok {
				ps := b.words[t]
				ps[j].weight = max(ps[j].weight, f.weight)
				continue
			}
			seen[t] = len(b.words[t])
			b.words[t] = append(b.words[t], posting{doc: id, weight: f.weight})
		}
	}
	b.docs = append(b.docs, d)
}

// build freezes the builder into an Index.
func (b *builder) build() *Index {
	ix := &Index{docs: b.docs, zeros: map[string][]int32{}}
	ix.vocab = make([]string, 0, len(b.words))
	for w := range b.words {
		ix.vocab = append(ix.vocab, w)
	}
	slices.Sort(ix.vocab)
	ix.postings = make([][]posting, len(ix.vocab))
	for i, w := range ix.vocab {
		ix.postings[i] = slices.Clip(b.words[w])
		switch {
		case numeric(w):
			if s := strings.TrimLeft(w, "0"); s != w && s != "" {
				ix.zeros[s] = append(ix.zeros[s], int32(i))
			}
		case len(w) >= minTypoLen-maxTypos(minTypoLen):
			for len(ix.alpha) <= len(w) {
				ix.alpha = append(ix.alpha, nil)
			}
			ix.alpha[len(w)] = append(ix.alpha[len(w)], int32(i))
		}
	}
	ix.byPrimary = make([]int32, 0, len(ix.docs))
	for i, d := range ix.docs {
		if d.primary != "" {
			ix.byPrimary = append(ix.byPrimary, int32(i))
		}
	}
	slices.SortFunc(ix.byPrimary, func(a, b int32) int { return strings.Compare(ix.docs[a].primary, ix.docs[b].primary) })
	return ix
}

// Len returns the number of documents.
func (ix *Index) Len() int { return len(ix.docs) }

// minTypoLen is the shortest query word matched with typos: shorter words
// have too many neighbours one edit away.
const minTypoLen = 4

// maxTypos is how many edits a word of n letters may be from what it
// matches.
func maxTypos(n int) int {
	switch {
	case n < minTypoLen:
		return 0
	case n < 8:
		return 1
	}
	return 2
}

// Limits that keep a very short or very common query cheap: they bound
// how many words one query word expands to and how many documents a
// whole-number prefix lists.
const (
	maxPrefixWords   = 2000
	maxPrimaryPrefix = 500
)

// Match qualities of one query word against one indexed word, before the
// field's weight.
const (
	qExact       = 1.0
	qZeros       = 0.9 // "42" for "00042"
	qPrefix      = 0.75
	qTypo        = 0.6
	qTypoPrefix  = 0.45
	bonusExact   = 1.0 // the whole query is the document's number or name
	bonusPrefix  = 0.3 // the whole query starts it
	typoPerEdit  = 0.1
	prefixByFill = 0.2
)

// Hit is a document found, with its score.
type Hit struct {
	Doc   *Doc
	Score float64
}

// maxQueryWords bounds the words of a query; more are ignored.
const maxQueryWords = 8

// Search returns the documents matching query that visible admits, best
// first, at most limit. A document matches when it holds every word of
// the query, exactly, as a prefix, or within a typo or two.
func (ix *Index) Search(query string, visible func(*Doc) bool, limit int) []Hit {
	folded := fold(query)
	words := tokens(folded)
	if len(words) == 0 || limit <= 0 {
		return nil
	}
	if len(words) > maxQueryWords {
		words = words[:maxQueryWords]
	}
	sc := ix.scratch()
	defer ix.release(sc)
	n := len(words)
	for qi, w := range words {
		ix.matchWord(w, func(vi int32, q float32) {
			for _, p := range ix.postings[vi] {
				// Only documents that matched every word before this one
				// can still match the whole query.
				if int(sc.count[p.doc]) != qi {
					continue
				}
				s := q * float32(p.weight) / weightPrimary
				if sc.cur[p.doc] == 0 {
					sc.curT = append(sc.curT, p.doc)
				}
				sc.cur[p.doc] = max(sc.cur[p.doc], s)
			}
		})
		for _, d := range sc.curT {
			if qi == 0 {
				sc.allT = append(sc.allT, d)
			}
			sc.sum[d] += sc.cur[d]
			sc.count[d]++
			sc.cur[d] = 0
		}
		sc.curT = sc.curT[:0]
	}
	// The whole query as a number or name: "INV/2026/00042" typed with
	// or without its separators.
	if c := compact(folded); len(c) >= 2 {
		lo := sort.Search(len(ix.byPrimary), func(i int) bool { return ix.docs[ix.byPrimary[i]].primary >= c })
		for i := lo; i < len(ix.byPrimary) && i-lo < maxPrimaryPrefix; i++ {
			d := ix.byPrimary[i]
			p := ix.docs[d].primary
			if !strings.HasPrefix(p, c) {
				break
			}
			if sc.count[d] == 0 && sc.bonus[d] == 0 {
				sc.allT = append(sc.allT, d)
			}
			if p == c {
				sc.bonus[d] = bonusExact
			} else {
				sc.bonus[d] = bonusPrefix
			}
		}
	}
	// A number typed whole (or its beginning) that is some document's
	// number finds those documents, not others that hold its words in
	// other fields (a bill whose vendor reference starts with "INV" for
	// INV/2026/00042).
	exact := false
	if strings.ContainsAny(folded, "0123456789") {
		for _, d := range sc.allT {
			exact = exact || sc.bonus[d] > 0
		}
	}
	hits := make([]Hit, 0, limit+1)
	for _, d := range sc.allT {
		count, bonus := int(sc.count[d]), sc.bonus[d]
		if count < n && bonus == 0 || exact && bonus == 0 {
			continue
		}
		doc := &ix.docs[d]
		if !visible(doc) {
			continue
		}
		// The number typed without its separators ("inv202600042")
		// splits into other words than the number's: the words it does
		// not hold count as prefixes.
		sum := sc.sum[d] + qPrefix*float32(n-count)
		h := Hit{Doc: doc, Score: float64(sum)/float64(n) + float64(bonus) + float64(doc.Boost)}
		if len(hits) == limit && compareHits(h, hits[limit-1]) >= 0 {
			continue
		}
		i, _ := slices.BinarySearchFunc(hits, h, compareHits)
		hits = slices.Insert(hits, i, h)
		if len(hits) > limit {
			hits = hits[:limit]
		}
	}
	return hits
}

// scratch is the per-search working memory, one slot per document.
type scratch struct {
	cur, sum, bonus []float32
	count           []uint8
	// curT lists the documents of cur set by the current word; allT the
	// documents touched by the search, to clear afterwards.
	curT, allT []int32
}

func (ix *Index) scratch() *scratch {
	if sc, ok := ix.pool.Get().(*scratch); ok {
		return sc
	}
	n := len(ix.docs)
	return &scratch{cur: make([]float32, n), sum: make([]float32, n), bonus: make([]float32, n), count: make([]uint8, n)}
}

func (ix *Index) release(sc *scratch) {
	for _, d := range sc.allT {
		sc.sum[d], sc.bonus[d], sc.count[d] = 0, 0, 0
	}
	sc.allT, sc.curT = sc.allT[:0], sc.curT[:0]
	ix.pool.Put(sc)
}

// compareHits orders hits best first: by score, then kind, then the
// newest record first, then label, so equal scores list in a stable order.
func compareHits(a, b Hit) int {
	return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Doc.Kind, b.Doc.Kind),
		cmp.Compare(b.Doc.ID, a.Doc.ID), strings.Compare(a.Doc.Label, b.Doc.Label))
}

// matchWord calls found for every indexed word w matches, with the match
// quality.
func (ix *Index) matchWord(w string, found func(vi int32, q float32)) {
	// Exact and prefix: one range of the sorted vocabulary.
	lo := sort.SearchStrings(ix.vocab, w)
	for i := lo; i < len(ix.vocab) && i-lo < maxPrefixWords; i++ {
		v := ix.vocab[i]
		if !strings.HasPrefix(v, w) {
			break
		}
		switch {
		case v == w:
			found(int32(i), qExact)
		case len(w) >= 2 || numeric(w):
			found(int32(i), qPrefix+prefixByFill*float32(len(w))/float32(len(v)))
		}
	}
	if numeric(w) {
		if s := strings.TrimLeft(w, "0"); s != "" {
			for _, vi := range ix.zeros[s] {
				if ix.vocab[vi] != w {
					found(vi, qZeros)
				}
			}
		}
		return
	}
	k := maxTypos(len(w))
	if k == 0 {
		return
	}
	// Typos: words of about the same length within k edits, and longer
	// words whose beginning is within k edits (the word being typed).
	for n := max(len(w)-k, 0); n < len(ix.alpha); n++ {
		for _, vi := range ix.alpha[n] {
			v := ix.vocab[vi]
			if strings.HasPrefix(v, w) {
				continue // found above
			}
			if n <= len(w)+k {
				if d := editDistance(w, v, k); d <= k {
					found(vi, qTypo-typoPerEdit*float32(d-1))
					continue
				}
			}
			if n > len(w) {
				if d := editDistance(w, v[:len(w)], k); d <= k {
					found(vi, qTypoPrefix-typoPerEdit*float32(d-1))
				}
			}
		}
	}
}
