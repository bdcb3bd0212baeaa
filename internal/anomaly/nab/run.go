package nab

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/aicoo/aicoo/internal/anomaly"
)

// Stepper is a streaming detector: it is given each point once, in order,
// and returns that point's anomaly score in [0,1].
type Stepper interface {
	Step(t time.Time, v float64) float64
}

// Detect runs a fresh detector from newDetector over every series and
// returns the scores by series path.
func Detect(ctx context.Context, c *Corpus, newDetector func() Stepper) (map[string][]float64, error) {
	out := make(map[string][]float64, len(c.Series))
	for _, s := range c.Series {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("detect NAB: %w", err)
		}
		d := newDetector()
		scores := make([]float64, len(s.Values))
		for i, v := range s.Values {
			sc := d.Step(s.Times[i], v)
			if sc < 0 || sc > 1 || sc != sc {
				return nil, fmt.Errorf("detect NAB: %s row %d: score %v outside [0,1]", s.Path, i, sc)
			}
			scores[i] = sc
		}
		out[s.Path] = scores
	}
	return out, nil
}

// Report is the outcome of Evaluate.
type Report struct {
	Detector string
	Series   int
	Points   int
	Detect   time.Duration // time spent running the detector
	Results  []ProfileResult
}

// Evaluate runs aicoo's anomaly detector (package anomaly, default
// configuration) over the NAB folder dir and scores it on every profile.
// This is what `aicoo eval nab --dir ../shared/benchmarks/nab` prints.
func Evaluate(ctx context.Context, dir string) (Report, error) {
	return EvaluateWith(ctx, dir, "aicoo", func() Stepper { return anomaly.New(anomaly.Default()) })
}

// EvaluateWith is Evaluate for any detector.
func EvaluateWith(ctx context.Context, dir, name string, newDetector func() Stepper) (Report, error) {
	c, err := LoadCorpus(dir)
	if err != nil {
		return Report{}, err
	}
	profiles, err := LoadProfiles(dir)
	if err != nil {
		return Report{}, err
	}
	start := time.Now()
	scores, err := Detect(ctx, c, newDetector)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Detector: name, Series: len(c.Series), Detect: time.Since(start)}
	for _, s := range c.Series {
		rep.Points += len(s.Values)
	}
	rep.Results, err = Score(c, scores, profiles)
	if err != nil {
		return Report{}, err
	}
	return rep, nil
}

// Write prints the report: one line per profile, then the run's size and time.
func (r Report) Write(w io.Writer) error {
	if err := WriteTable(w, r.Detector, r.Results); err != nil {
		return err
	}
	if _, err := fmt.Fprintf(w, "%d series, %d points, detection %s\n", r.Series, r.Points, r.Detect.Round(time.Millisecond)); err != nil {
		return fmt.Errorf("write NAB report: %w", err)
	}
	return nil
}
