package expenses

// Words exposes words to the tests.
var Words = words
