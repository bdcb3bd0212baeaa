//go:build race

package cli

// raceEnabled is true when the tests run under the race detector, which
// makes the end-to-end pipeline test several times slower; CI runs that
// test in a separate pass without -race (.ci/run).
const raceEnabled = true
