package demodata_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aicoo/aicoo/internal/dataset"
	"github.com/aicoo/aicoo/internal/demodata"
)

// Generate a small demo company for a fixed date and list what it holds.
func ExampleGenerate() {
	ds, gt, err := demodata.Generate(context.Background(), demodata.Options{
		Size:  demodata.SizeSmall,
		Seed:  42,
		Today: time.Date(2025, 6, 18, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(ds.Meta.Companies[0].Name, ds.Meta.Today, ds.Meta.OdooVersion)
	fmt.Println(len(gt.ByKind(dataset.KindStalledDeal, false)), "stalled deals")
	// A CLI would now call ds.Save(dir).

	// Output:
	// Nordwind Industrial Supply GmbH 2025-06-18 17.0
	// 2 stalled deals
}
