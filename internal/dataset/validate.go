package dataset

import (
	"fmt"
	"sort"
	"strings"
)

// maxErrors bounds how many problems one validation collects.
const maxErrors = 100

// ValidationError is one problem found in a dataset.
type ValidationError struct {
	// File is the file the record comes from, e.g. "account.move.json".
	File string
	// Index is the 0-based position of the record in the file, or -1 for a
	// problem with the file as a whole.
	Index int
	// ID is the record's id when known, else 0.
	ID int64
	// Field is the field at fault, or "".
	Field string
	// Msg says what is wrong.
	Msg string
}

// Error formats the problem as "file: record N (id X): field "f": msg".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Index >= 0 {
		fmt.Fprintf(&b, ": record %d", e.Index)
		if e.ID != 0 {
			fmt.Fprintf(&b, " (id %d)", e.ID)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// ValidationErrors collects the problems of one validation. Use errors.As to
// get it from the error Load or Validate returns.
type ValidationErrors []*ValidationError

// Error lists the first problems and how many more there are.
func (es ValidationErrors) Error() string {
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "%d validation error(s)", len(es))
	if len(es) >= maxErrors {
		b.WriteString(" (stopped counting)")
	}
	for i, e := range es {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more", len(es)-show)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(e.Error())
	}
	return b.String()
}

// collector gathers validation errors up to maxErrors.
type collector struct {
	errs ValidationErrors
}

func (c *collector) add(e *ValidationError) bool {
	if len(c.errs) < maxErrors {
		c.errs = append(c.errs, e)
	}
	return len(c.errs) < maxErrors
}

func (c *collector) full() bool { return len(c.errs) >= maxErrors }

func (c *collector) err() error {
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

// FileName returns the file that holds the records of model.
func FileName(model string) string { return model + ".json" }

// Validate checks every record of the dataset against the schema: known
// models and fields, value types, selection values, date formats, required
// fields, increasing unique ids, and that every many2one, many2many and
// res_model/res_id reference names an existing record. It returns nil or an
// error wrapping ValidationErrors.
func (d *Dataset) Validate() error {
	c := &collector{}
	for _, name := range d.Models() {
		m, ok := d.schema.Model(name)
		if !ok {
			c.add(&ValidationError{File: FileName(name), Index: -1, Msg: "unknown model"})
			continue
		}
		for i, r := range d.tables[name].records {
			if !d.checkRecord(c, m, i, r, false) {
				return fmt.Errorf("dataset: validate: %w", c.errs)
			}
		}
	}
	if c.full() {
		return fmt.Errorf("dataset: validate: %w", c.errs)
	}
	d.checkRefs(c)
	if err := c.err(); err != nil {
		return fmt.Errorf("dataset: validate: %w", err)
	}
	return nil
}

// checkRecord checks the values of one record (not its references). With
// fix set it also replaces values by their normalized form and fills in
// missing stored fields. It returns false when the collector is full.
func (d *Dataset) checkRecord(c *collector, m *Model, i int, r Record, fix bool) bool {
	file := FileName(m.Name)
	id, ok := asInt(r["id"])
	if !ok || id <= 0 {
		return c.add(&ValidationError{File: file, Index: i, Field: "id", Msg: fmt.Sprintf("want a positive integer id, got %s", describe(r["id"]))})
	}
	keys := len(r)
	known := 0
	for _, f := range m.Fields {
		v, present := r[f.Name]
		if present {
			known++
			nv, err := normalize(f, v)
			if err != nil {
				if !c.add(&ValidationError{File: file, Index: i, ID: id, Field: f.Name, Msg: err.Error()}) {
					return false
				}
				continue
			}
			if fix && converted(v) {
				r[f.Name] = nv
			}
		} else if fix && !f.Derived {
			r[f.Name] = emptyValue(f)
			present = true
		}
		if f.Required && !f.Derived && f.Type != Boolean && f.Type != Integer && f.Type != Float && f.Type != Monetary &&
			(!present || r.IsEmpty(f.Name)) {
			if !c.add(&ValidationError{File: file, Index: i, ID: id, Field: f.Name, Msg: "required field is missing or false"}) {
				return false
			}
		}
	}
	if known < keys {
		var unknown []string
		for k := range r {
			if _, ok := m.Field(k); !ok {
				unknown = append(unknown, k)
			}
		}
		sort.Strings(unknown)
		for _, k := range unknown {
			if !c.add(&ValidationError{File: file, Index: i, ID: id, Field: k, Msg: "unknown field of " + m.Name}) {
				return false
			}
		}
	}
	return true
}

// checkRefs checks ids order and relational references of every record.
func (d *Dataset) checkRefs(c *collector) {
	for _, name := range d.Models() {
		m, ok := d.schema.Model(name)
		if !ok {
			continue
		}
		file := FileName(name)
		var last int64
		resModel, hasResModel := m.Field("res_model")
		if !hasResModel {
			resModel, hasResModel = m.Field("model")
			hasResModel = hasResModel && m.Name == "mail.message"
		}
		_, hasResID := m.Field("res_id")
		for i, r := range d.tables[name].records {
			id := r.ID()
			if id <= last {
				if !c.add(&ValidationError{File: file, Index: i, ID: id, Field: "id", Msg: fmt.Sprintf("ids must be unique and increasing (previous id %d)", last)}) {
					return
				}
			}
			last = id
			for _, f := range m.Fields {
				if f.Derived || (f.Type != Many2one && f.Type != Many2many) {
					continue
				}
				var ids []int64
				switch v := r[f.Name].(type) {
				case int64:
					ids = []int64{v}
				case []int64:
					ids = v
				}
				for _, ref := range ids {
					if d.Get(f.Relation, ref) == nil {
						if !c.add(&ValidationError{File: file, Index: i, ID: id, Field: f.Name, Msg: fmt.Sprintf("%s id %d does not exist", f.Relation, ref)}) {
							return
						}
					}
				}
			}
			if hasResModel && hasResID {
				target := r.Str(resModel.Name)
				ref := r.Int("res_id")
				if target != "" && ref != 0 {
					if _, known := d.schema.Model(target); !known {
						if !c.add(&ValidationError{File: file, Index: i, ID: id, Field: resModel.Name, Msg: fmt.Sprintf("model %q is not in the schema", target)}) {
							return
						}
					} else if d.Get(target, ref) == nil {
						if !c.add(&ValidationError{File: file, Index: i, ID: id, Field: "res_id", Msg: fmt.Sprintf("%s id %d does not exist", target, ref)}) {
							return
						}
					}
				}
			}
		}
	}
}
