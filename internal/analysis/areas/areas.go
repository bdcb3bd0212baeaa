// Package areas lists the business analyzers, one per area: the one place
// a new analyzer is added. Their catalogue (areas, metrics, insight kinds)
// is what rules, briefings, permissions and the dashboard read.
package areas

import (
	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/analysis/customers"
	"github.com/aicoo/aicoo/internal/analysis/expenses"
	"github.com/aicoo/aicoo/internal/analysis/finance"
	"github.com/aicoo/aicoo/internal/analysis/operations"
	"github.com/aicoo/aicoo/internal/analysis/sales"
	"github.com/aicoo/aicoo/internal/analysis/series"
)

// Analyzers returns the business analyzers, in the order their jobs are
// created and their areas listed.
func Analyzers() []analysis.Analyzer {
	return []analysis.Analyzer{finance.New(), sales.New(), operations.New(), customers.New(), expenses.New(), series.New()}
}

// Catalogue returns the catalogue of Analyzers.
func Catalogue() *analysis.Catalogue { return analysis.NewCatalogue(Analyzers()...) }
