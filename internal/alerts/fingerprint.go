package alerts

// insightPrefix starts the fingerprint of an alert a built-in insight rule
// raises: "insight:<kind>:<subject>", so the same invoice overdue run after
// run is one alert. Alerts raised before rules existed (by the first,
// rule-less version of this package) carry the same fingerprints, which is
// how the built-in rules adopt them.
const insightPrefix = "insight:"

// insightFingerprint is the fingerprint of an insight kind and subject.
func insightFingerprint(kind, subject string) string { return insightPrefix + kind + ":" + subject }
