package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// special are letters that canonical decomposition leaves whole but that
// people type without their mark ("Straße" as "strasse", "Øresund" as
// "oresund").
var special = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i",
}

// fold returns s in lower case without accents, with every run of
// characters that are neither letters nor digits turned into one space:
// the form both the index and the query are compared in.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true // no leading space
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || '0' <= r && r <= '9'):
			b.WriteRune(r)
			space = false
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
			space = false
		case unicode.Is(unicode.Mn, r):
			// a combining mark of the letter before: dropped
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
			if rep, ok := special[r]; ok {
				b.WriteString(rep)
			} else {
				b.WriteRune(r)
			}
			space = false
		default:
			if !space {
				b.WriteByte(' ')
				space = true
			}
		}
	}
	return strings.TrimSuffix(b.String(), " ")
}

// compact is a folded text without its spaces: "INV/2026/00042" and
// "inv 2026 00042" are both "inv202600042", so a number matches however
// its separators were typed.
func compact(folded string) string { return strings.ReplaceAll(folded, " ", "") }

// tokens splits a folded text into words, and splits words further where
// letters meet digits ("s00042" is "s" and "00042"), so the number part
// of a reference is found on its own.
func tokens(folded string) []string {
	var out []string
	for _, w := range strings.Fields(folded) {
		start := 0
		for i := 1; i < len(w); i++ {
			if isDigit(w[i]) != isDigit(w[i-1]) && (w[i] < utf8.RuneSelf && w[i-1] < utf8.RuneSelf) {
				out = append(out, w[start:i])
				start = i
			}
		}
		out = append(out, w[start:])
	}
	return out
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// numeric reports whether t is made of digits only.
func numeric(t string) bool {
	for i := 0; i < len(t); i++ {
		if !isDigit(t[i]) {
			return false
		}
	}
	return t != ""
}

// editDistance returns the optimal string alignment distance between a
// and b (insertions, deletions, substitutions and transpositions of two
// neighbours each count one), or max+1 as soon as it exceeds max. Words
// are compared by bytes: folded words are ASCII for Latin scripts.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	// Three rows: the one before the previous (for transpositions), the
	// previous and the current.
	var buf [3][33]int
	if len(b) >= len(buf[0]) {
		return max + 1 // longer words are not compared for typos
	}
	pp, prev, cur := buf[0][:len(b)+1], buf[1][:len(b)+1], buf[2][:len(b)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, pp[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		pp, prev, cur = prev, cur, pp
	}
	if prev[len(b)] > max {
		return max + 1
	}
	return prev[len(b)]
}
