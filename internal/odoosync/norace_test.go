//go:build !race

package odoosync_test

// raceEnabled is true when the tests run with the race detector, which
// makes the simulator tests sync fewer models.
const raceEnabled = false
