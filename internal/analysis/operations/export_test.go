package operations

// FastDate exposes fastDate to the tests.
var FastDate = fastDate
