package analysis

import "time"

// SetCacheClock sets the clock the cache stamps reads with.
func SetCacheClock(c *RecordCache, now func() time.Time) { c.now = now }
