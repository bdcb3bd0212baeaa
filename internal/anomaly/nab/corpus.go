package nab

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Window is one labelled anomaly window, both ends inclusive.
type Window struct {
	Start, End time.Time
}

// Series is one NAB data file with its labelled windows.
type Series struct {
	// Path is the file's path relative to data/, e.g.
	// "realKnownCause/nyc_taxi.csv"; NAB names windows and results by it.
	Path    string
	Times   []time.Time
	Values  []float64
	Windows []Window
}

// Corpus is the NAB data set: every file named in the windows file.
type Corpus struct {
	Series []Series
	// WindowCount is the number of labelled windows, NAB's "tpCount" used
	// for the perfect score.
	WindowCount int
}

// Profile is a NAB scoring profile's cost matrix.
type Profile struct {
	Name                                   string
	TPWeight, FPWeight, FNWeight, TNWeight float64
}

// timeLayouts are the two timestamp spellings NAB uses: data files write
// seconds, the windows file microseconds.
var timeLayouts = []string{"2006-01-02 15:04:05.000000", "2006-01-02 15:04:05"}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	var err error
	for _, layout := range timeLayouts {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("parse timestamp %q: %w", s, err)
}

// LoadCorpus reads the data files and windows of the NAB folder dir (the
// folder holding data/, labels/ and config/).
func LoadCorpus(dir string) (*Corpus, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "labels", "combined_windows.json"))
	if err != nil {
		return nil, fmt.Errorf("read NAB windows: %w", err)
	}
	var windows map[string][][2]string
	if err := json.Unmarshal(raw, &windows); err != nil {
		return nil, fmt.Errorf("decode NAB windows: %w", err)
	}
	paths := make([]string, 0, len(windows))
	for p := range windows {
		paths = append(paths, p)
	}
	sort.Strings(paths)

	c := &Corpus{Series: make([]Series, 0, len(paths))}
	for _, p := range paths {
		s := Series{Path: p}
		s.Times, s.Values, err = readSeries(filepath.Join(dir, "data", filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		for _, w := range windows[p] {
			start, err := parseTime(w[0])
			if err != nil {
				return nil, fmt.Errorf("window of %s: %w", p, err)
			}
			end, err := parseTime(w[1])
			if err != nil {
				return nil, fmt.Errorf("window of %s: %w", p, err)
			}
			s.Windows = append(s.Windows, Window{Start: start, End: end})
		}
		c.WindowCount += len(s.Windows)
		c.Series = append(c.Series, s)
	}
	return c, nil
}

// readSeries reads a NAB data file: a header, then timestamp,value rows.
func readSeries(path string) ([]time.Time, []float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open NAB series: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil {
		return nil, nil, fmt.Errorf("read header of %s: %w", path, err)
	}
	var times []time.Time
	var values []float64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
		if len(rec) < 2 {
			return nil, nil, fmt.Errorf("read %s: row %d has %d fields", path, len(times)+2, len(rec))
		}
		t, err := parseTime(rec[0])
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[1]), 64)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s row %d: %w", path, len(times)+2, err)
		}
		times = append(times, t)
		values = append(values, v)
	}
	return times, values, nil
}

// LoadProfiles reads config/profiles.json of the NAB folder dir, in the
// order standard, reward_low_FP_rate, reward_low_FN_rate (then any other).
func LoadProfiles(dir string) ([]Profile, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "config", "profiles.json"))
	if err != nil {
		return nil, fmt.Errorf("read NAB profiles: %w", err)
	}
	var m map[string]struct {
		CostMatrix struct {
			TPWeight float64 `json:"tpWeight"`
			FPWeight float64 `json:"fpWeight"`
			FNWeight float64 `json:"fnWeight"`
			TNWeight float64 `json:"tnWeight"`
		}
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decode NAB profiles: %w", err)
	}
	rank := map[string]int{"standard": 0, "reward_low_FP_rate": 1, "reward_low_FN_rate": 2}
	out := make([]Profile, 0, len(m))
	for name, p := range m {
		cm := p.CostMatrix
		out = append(out, Profile{Name: name, TPWeight: cm.TPWeight, FPWeight: cm.FPWeight, FNWeight: cm.FNWeight, TNWeight: cm.TNWeight})
	}
	sort.Slice(out, func(i, j int) bool {
		ri, iok := rank[out[i].Name]
		rj, jok := rank[out[j].Name]
		switch {
		case iok && jok:
			return ri < rj
		case iok != jok:
			return iok
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// LoadResults reads a detector's published results folder (results/<name>/
// with <category>/<name>_<file>.csv holding an anomaly_score column) and
// returns the scores per series path, in the corpus's row order.
func LoadResults(dir, detector string, c *Corpus) (map[string][]float64, error) {
	out := make(map[string][]float64, len(c.Series))
	for _, s := range c.Series {
		cat, file := filepath.Split(filepath.FromSlash(s.Path))
		path := filepath.Join(dir, "results", detector, cat, detector+"_"+file)
		scores, err := readScores(path)
		if err != nil {
			return nil, err
		}
		if len(scores) != len(s.Times) {
			return nil, fmt.Errorf("results %s: %d rows, data has %d", path, len(scores), len(s.Times))
		}
		out[s.Path] = scores
	}
	return out, nil
}

func readScores(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open NAB results: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("read header of %s: %w", path, err)
	}
	col := -1
	for i, h := range header {
		if strings.TrimSpace(h) == "anomaly_score" {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("read %s: no anomaly_score column", path)
	}
	var out []float64
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", path, err)
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(rec[col]), 64)
		if err != nil {
			return nil, fmt.Errorf("read %s row %d: %w", path, len(out)+2, err)
		}
		out = append(out, v)
	}
}

// Subset returns the corpus restricted to the given series paths, for a
// quick run; its scores are normalised over those series' windows only.
func (c *Corpus) Subset(paths ...string) (*Corpus, error) {
	byPath := make(map[string]Series, len(c.Series))
	for _, s := range c.Series {
		byPath[s.Path] = s
	}
	out := &Corpus{}
	for _, p := range paths {
		s, ok := byPath[p]
		if !ok {
			return nil, fmt.Errorf("NAB corpus has no series %q", p)
		}
		out.Series = append(out.Series, s)
		out.WindowCount += len(s.Windows)
	}
	return out, nil
}
