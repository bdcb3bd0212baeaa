// Package anomaly is a streaming detector of unusual movement in one time
// series. It sees each point once, in order (no look-ahead: no global
// minimum, maximum or length), and scores it in [0,1]; a score at or above
// Config.AlertLevel is an alert.
//
// The method combines three published ideas, each re-implemented here:
//
//   - Contextual novelty, after the Contextual Anomaly Detector (CAD OSE,
//     M. Smirnov, NAB 2016 competition winner): the series is quantised
//     (on the scale of its warm-up, at several resolutions) and a sequence
//     model counts which symbol followed each context of the last 0..3
//     symbols; the raw score is the share of contexts in which the current
//     symbol had never followed. New values and new sequences are novel;
//     repeated patterns, such as a weekly profile, stop being novel.
//   - Anomaly likelihood, after Ahmad et al. (2017), "Unsupervised
//     real-time anomaly detection for streaming data", Neurocomputing 262:
//     the short-term mean of raw scores is compared with their long-term
//     distribution, so a noisy series does not alert more than a quiet one;
//     the likelihood is reported on a log scale.
//   - A spatial check, as in Numenta's NAB detector: a point that leaves
//     the range seen so far by more than a tolerance scores 1.
//
// After an alert the detector stays quiet for a rest period (CAD's idea)
// so that one anomaly raises one alert. For business series, an optional
// Holt level-and-trend filter removes steady growth or decline first.
//
// Default is the configuration measured on the Numenta Anomaly Benchmark
// (package nab; docs/anomaly.md has the scores). Daily is the one for
// daily business series (revenue, orders, receipts, cash), checked on
// synthetic series with weekday seasonality, trend, spikes and shifts.
package anomaly
