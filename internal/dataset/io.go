package dataset

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The fixed file names of a dataset folder.
const (
	ManifestFile    = "manifest.json"
	GroundTruthFile = "ground_truth.json"
)

// Load reads the dataset folder dir: manifest.json, one <model>.json per
// model and the optional ground_truth.json. Records are normalized to their
// in-memory types (see Record), sorted by id, and fields a record omits are
// filled with their default (false, 0, 0.0, [] or the field's Default).
// Load validates everything Validate checks and returns an error wrapping
// ValidationErrors that names file, record index and field of each problem.
func Load(dir string) (*Dataset, error) {
	meta, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	d := New(meta, nil)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: load: %w", err)
	}
	type job struct {
		name string
		m    *Model
		recs []Record
		c    collector
		err  error
	}
	c := &collector{}
	var jobs []*job
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".json") || name == ManifestFile || name == GroundTruthFile {
			continue
		}
		m, ok := d.schema.Model(strings.TrimSuffix(name, ".json"))
		if !ok {
			c.add(&ValidationError{File: name, Index: -1, Msg: fmt.Sprintf("no model %q in the schema", strings.TrimSuffix(name, ".json"))})
			continue
		}
		jobs = append(jobs, &job{name: name, m: m})
	}
	// Parse and check the files in parallel; the results are merged in file
	// order so errors come out the same every time.
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			j.recs, j.err = readModelFile(filepath.Join(dir, j.name), j.m)
			if j.err != nil {
				return
			}
			for i, r := range j.recs {
				if !d.checkRecord(&j.c, j.m, i, r, true) {
					break
				}
			}
			recs := j.recs
			if !sort.SliceIsSorted(recs, func(a, b int) bool { return recs[a].ID() < recs[b].ID() }) {
				sort.SliceStable(recs, func(a, b int) bool { return recs[a].ID() < recs[b].ID() })
			}
		}()
	}
	wg.Wait()
	for _, j := range jobs {
		if j.err != nil {
			return nil, fmt.Errorf("dataset: load %s: %w", j.name, j.err)
		}
		for _, e := range j.c.errs {
			c.add(e)
		}
		d.put(j.m.Name, j.recs)
	}
	if !c.full() {
		d.checkRefs(c)
	}
	if err := c.err(); err != nil {
		return nil, fmt.Errorf("dataset: load %s: %w", dir, err)
	}
	gt, err := readGroundTruth(dir)
	if err != nil {
		return nil, err
	}
	d.GroundTruth = gt
	return d, nil
}

func readManifest(dir string) (Meta, error) {
	var meta Meta
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return meta, fmt.Errorf("dataset: load: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&meta); err != nil {
		return meta, fmt.Errorf("dataset: load %s: %w", ManifestFile, err)
	}
	if meta.FormatVersion != FormatVersion {
		return meta, fmt.Errorf("dataset: load %s: format_version %d is not supported (want %d)", ManifestFile, meta.FormatVersion, FormatVersion)
	}
	if meta.OdooVersion == "" {
		return meta, fmt.Errorf("dataset: load %s: odoo_version is required", ManifestFile)
	}
	return meta, nil
}

func readGroundTruth(dir string) (*GroundTruth, error) {
	b, err := os.ReadFile(filepath.Join(dir, GroundTruthFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil //nolint:nilnil // an absent ground truth is not an error
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: load: %w", err)
	}
	gt := &GroundTruth{}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(gt); err != nil {
		return nil, fmt.Errorf("dataset: load %s: %w", GroundTruthFile, err)
	}
	return gt, nil
}

// readModelFile parses a model file: a JSON array of record objects.
func readModelFile(path string, m *Model) ([]Record, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(m.Fields))
	stored := 0
	for _, f := range m.Fields {
		names = append(names, f.Name)
		if !f.Derived {
			stored++
		}
	}
	return parseRecords(data, names, stored)
}

// Save writes the dataset to dir (created if needed): manifest.json, one
// <model>.json per model that has a table (one record per line, "id" first,
// then the fields in schema order; derived fields are never written) and
// ground_truth.json when GroundTruth is set. Model files of schema models the
// dataset does not have are removed so the folder matches the dataset. The
// output is deterministic: the same dataset gives byte-identical files.
func (d *Dataset) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("dataset: save: %w", err)
	}
	meta := d.Meta
	meta.FormatVersion = FormatVersion
	meta.Modules = sortedCopy(meta.Modules)
	if meta.Scenarios == nil {
		meta.Scenarios = []string{}
	}
	if meta.Companies == nil {
		meta.Companies = []Company{}
	}
	if err := writeJSON(filepath.Join(dir, ManifestFile), meta); err != nil {
		return err
	}
	for _, name := range d.schema.ModelNames() {
		if d.tables[name] != nil {
			continue
		}
		err := os.Remove(filepath.Join(dir, FileName(name)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("dataset: save: %w", err)
		}
	}
	for _, name := range d.Models() {
		if err := d.writeModel(dir, name); err != nil {
			return err
		}
	}
	gtPath := filepath.Join(dir, GroundTruthFile)
	if d.GroundTruth == nil {
		if err := os.Remove(gtPath); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("dataset: save: %w", err)
		}
		return nil
	}
	return writeJSON(gtPath, d.GroundTruth)
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return out
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("dataset: save %s: %w", filepath.Base(path), err)
	}
	b = append(b, '\n')
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("dataset: save: %w", err)
	}
	return nil
}

func (d *Dataset) writeModel(dir, name string) (err error) {
	m, ok := d.schema.Model(name)
	if !ok {
		return fmt.Errorf("dataset: save: unknown model %q", name)
	}
	path := filepath.Join(dir, FileName(name))
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("dataset: save: %w", err)
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("dataset: save: %w", cerr)
		}
	}()
	w := bufio.NewWriterSize(f, 1<<18)
	w.WriteString("[")
	var buf []byte
	for i, r := range d.tables[name].records {
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n")
		buf, err = appendRecord(buf[:0], m, r)
		if err != nil {
			return fmt.Errorf("dataset: save %s: record %d (id %d): %w", FileName(name), i, r.ID(), err)
		}
		w.Write(buf)
	}
	w.WriteString("\n]\n")
	if err := w.Flush(); err != nil {
		return fmt.Errorf("dataset: save: %w", err)
	}
	return nil
}

// appendRecord encodes r as one JSON object: id first, then the fields in
// schema order, then unknown keys sorted.
func appendRecord(b []byte, m *Model, r Record) ([]byte, error) {
	b = append(b, '{')
	first := true
	var err error
	emit := func(k string, v any) {
		if err != nil {
			return
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendString(b, k)
		b = append(b, ':')
		b, err = appendValue(b, v)
		if err != nil {
			err = fmt.Errorf("field %q: %w", k, err)
		}
	}
	seen := 0
	for _, f := range m.Fields {
		v, ok := r[f.Name]
		if !ok {
			continue
		}
		seen++
		if f.Derived {
			continue
		}
		emit(f.Name, v)
	}
	if seen < len(r) {
		var extra []string
		for k := range r {
			if _, ok := m.Field(k); !ok {
				extra = append(extra, k)
			}
		}
		sort.Strings(extra)
		for _, k := range extra {
			emit(k, r[k])
		}
	}
	b = append(b, '}')
	return b, err
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return nil, errors.New("nil value (use false)")
	case bool:
		return strconv.AppendBool(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%v is not a JSON number", x)
		}
		if x == 0 {
			return append(b, "0.0"...), nil
		}
		s := strconv.AppendFloat(b, x, 'f', -1, 64)
		if !bytes.ContainsAny(s[len(b):], ".") {
			s = append(s, ".0"...)
		}
		return s, nil
	case string:
		return appendString(b, x), nil
	case []int64:
		b = append(b, '[')
		for i, id := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, id, 10)
		}
		return append(b, ']'), nil
	}
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, j...), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. Unlike encoding/json it does not
// escape <, > and &, which keeps hand-read files readable.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
