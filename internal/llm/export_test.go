package llm

// RetryAfter exposes retryAfter to the tests.
var RetryAfter = retryAfter

// ReadOpenAIStream exposes readOpenAIStream to the tests.
var ReadOpenAIStream = readOpenAIStream
