// Package eval scores analyzers against the ground truth of a generated
// dataset: for each problem kind, which known problems were found (true
// positives), which were missed (false negatives) and what was flagged that
// is not a problem (false positives, near misses included).
package eval

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"text/tabwriter"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/dataset"
)

// Pass thresholds: a detector passes with precision and recall at least these.
const (
	MinPrecision = 0.95
	MinRecall    = 0.95
)

// KindScore is one detector's score.
type KindScore struct {
	Kind       string
	TP, FP, FN int
	// NearMissesFlagged counts decoys the detector wrongly flagged (they are
	// also counted in FP).
	NearMissesFlagged int
	// PriorityAgreed counts true positives whose priority matches the
	// ground truth's.
	PriorityAgreed int
	FalsePositives []string // subjects, for debugging
	Missed         []string // ground-truth descriptions
}

// Precision is TP/(TP+FP); 1 when nothing was flagged.
func (k KindScore) Precision() float64 {
	if k.TP+k.FP == 0 {
		return 1
	}
	return float64(k.TP) / float64(k.TP+k.FP)
}

// Recall is TP/(TP+FN); 1 when there was nothing to find.
func (k KindScore) Recall() float64 {
	if k.TP+k.FN == 0 {
		return 1
	}
	return float64(k.TP) / float64(k.TP+k.FN)
}

// Passed reports whether the detector meets both thresholds.
func (k KindScore) Passed() bool { return k.Precision() >= MinPrecision && k.Recall() >= MinRecall }

// Report is the score of every detector.
type Report struct {
	Kinds []KindScore
}

// Score compares the insights of results with the ground truth. The kinds
// scored are those the ground truth has items for (problems or near misses);
// insights of other kinds (informational findings such as upsell
// candidates) are not scored. An insight matches a ground-truth item of its
// kind when it refers to a record of the item's model and ids.
func Score(gt *dataset.GroundTruth, results []*analysis.Result) *Report {
	insights := map[string][]analysis.Insight{}
	for _, r := range results {
		for _, in := range r.Insights {
			insights[in.Kind] = append(insights[in.Kind], in)
		}
	}
	items := map[string][]dataset.Item{}
	for _, it := range gt.Items {
		items[string(it.Kind)] = append(items[string(it.Kind)], it)
	}
	rep := &Report{}
	for k := range items {
		rep.Kinds = append(rep.Kinds, scoreKind(k, items[k], insights[k]))
	}
	sort.Slice(rep.Kinds, func(i, j int) bool { return rep.Kinds[i].Kind < rep.Kinds[j].Kind })
	return rep
}

func matches(it dataset.Item, in analysis.Insight) bool {
	for _, ref := range in.Refs {
		if ref.Model != it.Model {
			continue
		}
		for _, id := range ref.IDs {
			if slices.Contains(it.RecordIDs, id) {
				return true
			}
		}
	}
	return false
}

func scoreKind(kind string, items []dataset.Item, insights []analysis.Insight) KindScore {
	ks := KindScore{Kind: kind}
	used := make([]bool, len(insights))
	for _, it := range items {
		if it.NearMiss {
			continue
		}
		found := false
		for i, in := range insights {
			if matches(it, in) {
				if !found {
					found = true
					ks.TP++
					if in.Priority == string(it.Priority) {
						ks.PriorityAgreed++
					}
				}
				used[i] = true
			}
		}
		if !found {
			ks.FN++
			ks.Missed = append(ks.Missed, it.Description)
		}
	}
	for i, in := range insights {
		if used[i] {
			continue
		}
		ks.FP++
		ks.FalsePositives = append(ks.FalsePositives, in.Subject)
		for _, it := range items {
			if it.NearMiss && matches(it, in) {
				ks.NearMissesFlagged++
				break
			}
		}
	}
	return ks
}

// Passed and Failed count detectors by outcome.
func (r *Report) Passed() (passed, failed int) {
	for _, k := range r.Kinds {
		if k.Passed() {
			passed++
		} else {
			failed++
		}
	}
	return passed, failed
}

// Write prints the table and the closing line "N passed, M failed".
func (r *Report) Write(w io.Writer, verbose bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "detector\tTP\tFP\tFN\tnear misses flagged\tprecision\trecall\tpriority agreed\tresult\t")
	for _, k := range r.Kinds {
		res := "pass"
		if !k.Passed() {
			res = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%.3f\t%.3f\t%d/%d\t%s\t\n", k.Kind, k.TP, k.FP, k.FN, k.NearMissesFlagged,
			k.Precision(), k.Recall(), k.PriorityAgreed, k.TP, res)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if verbose {
		for _, k := range r.Kinds {
			for _, s := range k.FalsePositives {
				fmt.Fprintf(w, "  %s: false positive %s\n", k.Kind, s)
			}
			for _, s := range k.Missed {
				fmt.Fprintf(w, "  %s: missed: %s\n", k.Kind, s)
			}
		}
	}
	p, f := r.Passed()
	_, err := fmt.Fprintf(w, "%d passed, %d failed\n", p, f)
	return err
}
