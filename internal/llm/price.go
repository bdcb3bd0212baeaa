package llm

import (
	"fmt"
	"math"
)

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	Input      float64 `toml:"input" json:"input"`             // uncached input tokens
	Output     float64 `toml:"output" json:"output"`           // output tokens
	CacheRead  float64 `toml:"cache_read" json:"cache_read"`   // input tokens read from the prompt cache
	CacheWrite float64 `toml:"cache_write" json:"cache_write"` // input tokens written to the prompt cache
}

// Cost returns the dollars a call with this usage costs.
func (p Price) Cost(u Usage) float64 {
	return (float64(u.InputTokens)*p.Input + float64(u.OutputTokens)*p.Output +
		float64(u.CacheReadTokens)*p.CacheRead + float64(u.CacheWriteTokens)*p.CacheWrite) / 1e6
}

func (p Price) validate() error {
	for _, v := range []float64{p.Input, p.Output, p.CacheRead, p.CacheWrite} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("prices must be finite and not negative, got %+v", p)
		}
	}
	return nil
}

// DefaultPrices are Anthropic's list prices for the default models (five-minute
// cache writes), in dollars per million tokens. Configuration may replace or
// extend them; a local model is priced at zero explicitly.
func DefaultPrices() map[string]Price {
	return map[string]Price{
		"claude-haiku-4-5":  {Input: 1, Output: 5, CacheRead: 0.10, CacheWrite: 1.25},
		"claude-sonnet-4-5": {Input: 3, Output: 15, CacheRead: 0.30, CacheWrite: 3.75},
	}
}

// DefaultModels routes each use to a model for a provider.
func DefaultModels(provider string) map[string]string {
	switch provider {
	case ProviderAnthropic:
		return map[string]string{UseSummary: "claude-haiku-4-5", UseAnalysis: "claude-sonnet-4-5"}
	}
	return map[string]string{}
}
