package sales

import "time"

// days returns the fractional days from a to b.
func days(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 }
