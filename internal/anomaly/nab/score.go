package nab

import (
	"fmt"
	"io"
	"sort"
)

// ProfileResult is one profile's outcome: the threshold NAB's sweep chose
// for the whole corpus, the raw score there and the normalised score
// (null detector 0, perfect detector 100).
type ProfileResult struct {
	Profile        string
	Threshold      float64
	Raw            float64
	Null, Perfect  float64
	Score          float64 // normalised
	TP, TN, FP, FN int
}

// Score scores a detector's per-row anomaly scores (keyed by Series.Path,
// one per row) on every profile, exactly as NAB's optimize, score and
// normalize steps do.
func Score(c *Corpus, scores map[string][]float64, profiles []Profile) ([]ProfileResult, error) {
	null := make(map[string][]float64, len(c.Series))
	for _, s := range c.Series {
		if _, ok := scores[s.Path]; !ok {
			return nil, fmt.Errorf("no scores for %s", s.Path)
		}
		// NAB's null detector answers 0.5 for every row.
		n := make([]float64, len(s.Times))
		for i := range n {
			n[i] = 0.5
		}
		null[s.Path] = n
	}
	var ranked, nullRanked *ranking
	out := make([]ProfileResult, 0, len(profiles))
	for _, p := range profiles {
		res, err := scoreProfile(c, scores, p, &ranked)
		if err != nil {
			return nil, err
		}
		base, err := scoreProfile(c, null, p, &nullRanked)
		if err != nil {
			return nil, err
		}
		res.Null = base.Raw
		res.Perfect = float64(c.WindowCount) * p.TPWeight
		res.Score = 100 * (res.Raw - res.Null) / (res.Perfect - res.Null)
		out = append(out, res)
	}
	return out, nil
}

// ranking is the profile-independent order of the rows: per file and over
// the whole corpus (files concatenated in corpus order).
type ranking struct {
	perFile [][]int32
	all     []int32
}

// scoreProfile optimises the threshold over the whole corpus (NAB's
// optimizer: the best of every distinct score as threshold, ties to the
// higher threshold) and then sums each file's score at that threshold
// (NAB's scorer). *ranked is computed on first use and reused.
func scoreProfile(c *Corpus, scores map[string][]float64, p Profile, ranked **ranking) (ProfileResult, error) {
	perFile := make([][]point, len(c.Series))
	var all []point
	first := 0
	for i := range c.Series {
		s := &c.Series[i]
		pts, err := sweepPoints(s, scores[s.Path], p, first)
		if err != nil {
			return ProfileResult{}, err
		}
		first += len(s.Windows)
		perFile[i] = pts
		all = append(all, pts...)
	}
	if *ranked == nil {
		r := &ranking{all: rank(all)}
		for _, pts := range perFile {
			r.perFile = append(r.perFile, rank(pts))
		}
		*ranked = r
	}
	rows := scoreByThreshold(all, (*ranked).all, p)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].score > rows[j].score })
	threshold := rows[0].threshold

	res := ProfileResult{Profile: p.Name, Threshold: threshold}
	for i, pts := range perFile {
		r := atThreshold(scoreByThreshold(pts, (*ranked).perFile[i], p), threshold)
		res.Raw += r.score
		res.TP += r.tp
		res.TN += r.tn
		res.FP += r.fp
		res.FN += r.fn
	}
	return res, nil
}

// WriteTable prints the results as a small aligned table.
func WriteTable(w io.Writer, name string, results []ProfileResult) error {
	if _, err := fmt.Fprintf(w, "%-20s %-20s %9s %10s %6s %6s %8s %7s\n", "detector", "profile", "score", "threshold", "TP", "FP", "FN", "raw"); err != nil {
		return fmt.Errorf("write NAB table: %w", err)
	}
	for _, r := range results {
		if _, err := fmt.Fprintf(w, "%-20s %-20s %9.2f %10.6f %6d %6d %8d %7.2f\n", name, r.Profile, r.Score, r.Threshold, r.TP, r.FP, r.FN, r.Raw); err != nil {
			return fmt.Errorf("write NAB table: %w", err)
		}
	}
	return nil
}
