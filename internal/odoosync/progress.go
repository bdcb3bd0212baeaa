package odoosync

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// The phases of a model's sync, as reported in Progress.Phase.
const (
	// PhaseFetch reports records fetched since the cursor. The first event
	// of a model has Done 0 and the expected Total.
	PhaseFetch = "fetch"
	// PhaseSweep reports that the model's ids are being swept.
	PhaseSweep = "sweep"
	// PhaseDone ends a model; Report holds its figures.
	PhaseDone = "done"
)

// Progress is an event of a running Sync.
type Progress struct {
	// Model is the model being synced, the Index-th (from 0) of Count.
	Model        string
	Index, Count int
	// Phase is PhaseFetch, PhaseSweep or PhaseDone.
	Phase string
	// Done is the number of records fetched so far; Total is the number
	// expected, counted when the model started (records changed meanwhile
	// can make Done exceed it).
	Done, Total int64
	// Report is the model's report, set on PhaseDone.
	Report *ModelReport
}

// barWidth is the width of the progress bar, in characters.
const barWidth = 30

// NewProgressPrinter returns a ProgressFunc that shows a sync on w. On a
// terminal it redraws one line with a bar for the current model and
// prints a summary line when each model is done; otherwise it prints only
// the summary lines, plus a line at each quarter of a model with more than
// 10,000 records to fetch, so logs stay short.
func NewProgressPrinter(w io.Writer, isTerminal bool) func(Progress) {
	var (
		mu      sync.Mutex
		quarter int
		drawn   bool
		last    string // the last bar drawn
	)
	return func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		prefix := fmt.Sprintf("[%*d/%d] %s", len(fmt.Sprint(p.Count)), p.Index+1, p.Count, p.Model)
		switch p.Phase {
		case PhaseDone:
			if isTerminal && drawn {
				fmt.Fprint(w, "\r\x1b[K")
			}
			drawn, quarter = false, 0
			fmt.Fprintln(w, prefix+": "+summary(p.Report))
		case PhaseFetch, PhaseSweep:
			if isTerminal {
				// Redraw only when the line changes by a whole percent.
				line := prefix + " " + bar(p)
				if drawn && line == last {
					return
				}
				last, drawn = line, true
				fmt.Fprint(w, "\r\x1b[K"+line)
				return
			}
			if p.Phase != PhaseFetch || p.Total <= 10_000 {
				return
			}
			q := int(min(p.Done*4/p.Total, 4))
			if q > quarter && q < 4 {
				quarter = q
				fmt.Fprintf(w, "%s: %d/%d records (%d%%)\n", prefix, p.Done, p.Total, q*25)
			}
		}
	}
}

// bar draws "[=====>     ]  45% of 10000" or "sweeping ids".
func bar(p Progress) string {
	if p.Phase == PhaseSweep {
		return "sweeping ids..."
	}
	if p.Total <= 0 {
		return fmt.Sprintf("%d records", p.Done)
	}
	frac := min(float64(p.Done)/float64(p.Total), 1)
	n := int(frac * barWidth)
	b := strings.Repeat("=", n)
	if n < barWidth {
		b += ">" + strings.Repeat(" ", barWidth-n-1)
	}
	return fmt.Sprintf("[%s] %3d%% of %d", b, int(frac*100), p.Total)
}

// summary describes a finished model in a few words.
func summary(r *ModelReport) string {
	if r == nil {
		return "done"
	}
	switch r.Status {
	case "not_installed":
		return "not installed"
	case "failed":
		return fmt.Sprintf("FAILED after %s: %v", r.Duration.Round(time.Millisecond), r.Err)
	}
	s := fmt.Sprintf("%d fetched", r.Fetched)
	if r.Deleted > 0 {
		s += fmt.Sprintf(", %d deleted", r.Deleted)
	}
	if r.Repaired > 0 {
		s += fmt.Sprintf(", %d repaired", r.Repaired)
	}
	if r.Swept {
		s += ", swept"
	}
	return s + fmt.Sprintf(", %d stored, %s", r.Total, r.Duration.Round(time.Millisecond))
}
