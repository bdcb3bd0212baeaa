package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/klauspost/compress/s2"
)

// How odoo_records.data holds a record (migration 00017).
//
// The records of one model repeat the same field names and many of the
// same values (states, currencies, many2one pairs, False, 0.0), so each is
// compressed against a dictionary of that model's records: about a fifth
// of the JSON's bytes. S2 (an LZ77 variant without entropy coding) is used
// rather than zstd or deflate, which compress a little better, because it
// decodes four to five times faster: decoding is on every analysis's read
// path, where it costs less than the reading it saves
// (BenchmarkStoreSourceRecords, docs/performance.md).
//
// A stored value is either
//
//   - a JSON object, as written before 00017, or for a model whose first
//     write was too small to make a dictionary of (a few records of a
//     small model: they are not worth one); or
//   - recordS2 (a byte no JSON text starts with), the dictionary's id in 4
//     bytes big-endian, then an S2 block compressed with that dictionary.
//
// A dictionary is a model's first records as written (their JSON, up to
// dictMaxBytes), made at the first write of the model holding at least
// dictMinBytes of records, and never changed: rows name the one they were
// written with. Its id is derived from its content, so an id always means
// the same bytes, even one cached from a transaction that was rolled back.
const recordS2 = 0x01

const (
	// dictMaxBytes is the size of a dictionary: 64 KB compress about a
	// tenth better but hold twice the records' text in the dictionary
	// table and in memory.
	dictMaxBytes = 32 << 10
	// dictMinBytes is the least JSON a first write needs to make a
	// dictionary of.
	dictMinBytes = 16 << 10
)

// recordDicts caches the dictionaries by id. They are immutable, so an
// entry never goes stale; the cache is shared by a Store and its
// transactions.
type recordDicts struct {
	mu   sync.RWMutex
	byID map[uint32]cachedDict
}

type cachedDict struct {
	dict    *s2.Dict
	content []byte
}

func newRecordDicts() *recordDicts { return &recordDicts{byID: map[uint32]cachedDict{}} }

func (c *recordDicts) get(id uint32) (*s2.Dict, []byte) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e := c.byID[id]
	return e.dict, e.content
}

func (c *recordDicts) put(id uint32, d *s2.Dict, content []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.byID[id] = cachedDict{d, content}
}

// dictID derives a dictionary's id from its content.
func dictID(content []byte) uint32 {
	sum := sha256.Sum256(content)
	return binary.BigEndian.Uint32(sum[:4])
}

// recordEncoder compresses the records of one model for writing.
type recordEncoder struct {
	id   uint32
	dict *s2.Dict // nil: records are stored as JSON
}

// encode returns the stored form of a record's JSON object.
func (e *recordEncoder) encode(data []byte) []byte {
	if e.dict == nil {
		return data
	}
	out := make([]byte, 5+s2.MaxEncodedLen(len(data)))
	out[0] = recordS2
	binary.BigEndian.PutUint32(out[1:5], e.id)
	enc := e.dict.Encode(out[5:], data)
	return out[:5+len(enc)]
}

// recordEncoder returns the encoder of a model's records: with the model's
// dictionary, made from first (the JSON of the records about to be
// written) when the model has none yet and first is large enough.
func (s *Store) recordEncoder(ctx context.Context, connectionID int64, model string, first [][]byte) (*recordEncoder, error) {
	var id int64
	err := s.q.QueryRowContext(ctx, `SELECT id FROM odoo_record_dicts
		WHERE connection_id = $1 AND model = $2 ORDER BY id LIMIT 1`, connectionID, model).Scan(&id)
	switch {
	case err == nil:
		d, _, err := s.recordDict(ctx, uint32(id))
		if err != nil {
			return nil, err
		}
		return &recordEncoder{id: uint32(id), dict: d}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("store: odoo record dictionary %s: %w", model, err)
	}
	var content []byte
	for _, data := range first {
		if len(content)+len(data) > dictMaxBytes {
			break
		}
		content = append(content, data...)
	}
	if len(content) < dictMinBytes {
		return &recordEncoder{}, nil
	}
	newID := dictID(content)
	res, err := s.q.ExecContext(ctx, `INSERT INTO odoo_record_dicts (id, connection_id, model, content, created_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, int64(newID), connectionID, model, content, s.nowUTC())
	if err != nil {
		return nil, fmt.Errorf("store: odoo record dictionary %s: create: %w", model, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Another dictionary has this id: four bytes of a hash collide
		// once in billions, and the records are then stored as JSON.
		_, stored, err := s.recordDict(ctx, newID)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(stored, content) {
			return &recordEncoder{}, nil
		}
	}
	d := s2.MakeDict(content, nil)
	if d == nil {
		return nil, fmt.Errorf("store: odoo record dictionary %s: %d bytes refused", model, len(content))
	}
	s.dicts.put(newID, d, content)
	return &recordEncoder{id: newID, dict: d}, nil
}

// recordDict returns a dictionary and its content, from the cache or the
// database.
func (s *Store) recordDict(ctx context.Context, id uint32) (*s2.Dict, []byte, error) {
	if d, content := s.dicts.get(id); d != nil {
		return d, content, nil
	}
	var content []byte
	if err := s.q.QueryRowContext(ctx, `SELECT content FROM odoo_record_dicts WHERE id = $1`, int64(id)).Scan(&content); err != nil {
		return nil, nil, fmt.Errorf("store: odoo record dictionary %d: %w", id, err)
	}
	d := s2.MakeDict(content, nil)
	if d == nil {
		return nil, nil, fmt.Errorf("store: odoo record dictionary %d: invalid", id)
	}
	s.dicts.put(id, d, content)
	return d, content, nil
}

// decodeRecordData returns the JSON object of a stored value.
func (s *Store) decodeRecordData(ctx context.Context, data []byte) (json.RawMessage, error) {
	if len(data) == 0 || data[0] != recordS2 {
		return data, nil
	}
	if len(data) < 5 {
		return nil, errors.New("truncated compressed record")
	}
	d, _, err := s.recordDict(ctx, binary.BigEndian.Uint32(data[1:5]))
	if err != nil {
		return nil, err
	}
	out, err := d.Decode(nil, data[5:])
	if err != nil {
		return nil, fmt.Errorf("decompress record: %w", err)
	}
	return out, nil
}

// decodeCachedRecordData returns the JSON of a stored value in a buffer of
// its own, or a copy of the value when it needs a dictionary not cached.
func (s *Store) decodeCachedRecordData(data []byte) json.RawMessage {
	if len(data) >= 5 && data[0] == recordS2 {
		if d, _ := s.dicts.get(binary.BigEndian.Uint32(data[1:5])); d != nil {
			if out, err := d.Decode(nil, data[5:]); err == nil {
				return out
			}
		}
	}
	return bytes.Clone(data)
}

// decodeRecords replaces the stored Data of recs, read by a query now
// closed (a dictionary may need a query of its own), by their JSON.
func (s *Store) decodeRecords(ctx context.Context, recs []*OdooRecord) error {
	for _, r := range recs {
		data, err := s.decodeRecordData(ctx, r.Data)
		if err != nil {
			return fmt.Errorf("store: odoo record %s %d: %w", r.Model, r.OdooID, err)
		}
		r.Data = data
	}
	return nil
}
