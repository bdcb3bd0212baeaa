package nab

import (
	"context"
	"flag"
	"os"
	"testing"
)

var full = flag.Bool("nab.full", false, "run aicoo's detector over all 58 NAB series and print the three profile scores")

// TestNABFull prints the full benchmark table:
//
//	go test ./internal/anomaly/nab -run TestNABFull -nab.full -v
func TestNABFull(t *testing.T) {
	if !*full {
		t.Skip("the full NAB run is opt-in: -nab.full")
	}
	rep, err := Evaluate(context.Background(), benchDir(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Write(os.Stdout); err != nil {
		t.Fatal(err)
	}
}
