package briefing_test

import (
	"context"
	"testing"
	"time"

	"github.com/aicoo/aicoo/internal/demodata"
	"github.com/aicoo/aicoo/internal/llm/llmtest"
	"github.com/aicoo/aicoo/internal/store"
)

// TestPromptSize checks the token bound of the issue on the small company
// always, and on the medium one with AICOO_BRIEF_MEASURE=1, where it also
// logs the ledger of one simulated day. Tokens are estimated by the fake
// server as a quarter of the bytes, about right for English and JSON with
// Claude's tokenizer; the real count comes from the provider's usage.
func TestPromptSize(t *testing.T) {
	t.Parallel()
	sizes := []demodata.Size{demodata.SizeSmall}
	if measuring() {
		sizes = append(sizes, demodata.SizeMedium)
	}
	for _, size := range sizes {
		t.Run(string(size), func(t *testing.T) {
			d := analyzed(t, size)
			s := openStore(t)
			conn, _ := seed(t, s, d)
			// A narrative of the longest allowed length: 120 words.
			srv := llmtest.NewAnthropic(t, llmtest.Answer{Text: longNarrative})
			g := newGenerator(t, s, anthropicClient(t, s, srv))
			ctx := context.Background()
			created, err := g.GenerateDue(ctx, conn.ID, demoNow)
			if err != nil || len(created) != 4 {
				t.Fatalf("created %d, err %v", len(created), err)
			}
			rows, err := s.AIUsageList(ctx, store.AIUsageListParams{ConnectionID: conn.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				in := r.InputTokens + r.CacheReadTokens + r.CacheWriteTokens
				if in > 4000 || r.OutputTokens > 800 {
					t.Errorf("a briefing used %d input and %d output tokens, over 4,000/800", in, r.OutputTokens)
				}
			}
			tot, err := s.AIUsageSum(ctx, conn.ID, demoNow.Add(-24*time.Hour), demoNow.Add(24*time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			month := tot.Cost * 30
			t.Logf("%s company, one day (hourly analyses use no model; four role briefings): %d calls, input %d uncached + %d cache read + %d cache write, output %d tokens, $%.4f a day at claude-haiku-4-5 prices, $%.2f for 30 days",
				size, tot.Calls, tot.InputTokens, tot.CacheReadTokens, tot.CacheWriteTokens, tot.OutputTokens, tot.Cost, month)
			if month > 10 {
				t.Errorf("$%.2f a month, over the $10 aim", month)
			}
		})
	}
}

const longNarrative = "Cash and runway held steady since yesterday, and the receivables picture is unchanged. " +
	"The most urgent matters are the open high-priority alerts: an unusually large expense claim, a budget line well past its plan, " +
	"and an invoice long overdue. Start with the expense claim, because it is the largest single item, then ask the budget owner " +
	"for a plan to bring spending back in line this quarter. Collections should chase the overdue invoice today and confirm a payment date. " +
	"Payables due in the next two weeks are covered by cash on hand, so no change to payment runs is needed. " +
	"Review the remaining alerts on the dashboard when time allows."
