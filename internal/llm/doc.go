// Package llm is aicoo's language-model layer. A model only writes words
// around figures computed in Go; every feature that uses one also works
// without it, so the "none" provider is a first-class choice.
//
// A Client sends one prompt to a Provider (Anthropic through its official
// SDK, any OpenAI-compatible Chat Completions endpoint such as OpenAI,
// Ollama or vLLM, or none), picking the model by use ("summary" for short
// texts, "analysis" for longer reasoning) from its routing table. Each call
// has a per-attempt timeout and is retried on rate limits (429), overload
// (Anthropic's 529) and server errors, waiting what the provider's
// retry-after header asks when it sends one. The stable part of a prompt (the
// system text) is marked cacheable where the provider supports it
// (Anthropic's cache_control; OpenAI-compatible servers cache stable prefixes
// on their own).
//
// Every call is written to the ai_usage ledger: feature, provider, model,
// uncached input, output, cache-read and cache-write tokens, cost from the
// price table, duration and outcome. A connection past its monthly budget
// gets ErrBudgetExceeded instead of a call, and an alert says so; callers
// fall back to their templates.
package llm
