// Package nab scores streaming anomaly detectors on the Numenta Anomaly
// Benchmark (NAB v1.1, github.com/numenta/NAB, MIT licence) with NAB's own
// rules, ported to Go unchanged:
//
//   - the corpus is the 58 CSV files under data/, each scored from its
//     timestamps and one anomaly score in [0,1] per row;
//   - anomaly windows come from labels/combined_windows.json;
//   - each row gets a weight from the scaled sigmoid of its position relative
//     to the window it is in or the last window before it (nab/sweeper.py
//     calcSweepScore); rows in the probationary period (the first
//     min(15% of the file, 750) rows) are ignored;
//   - per profile (config/profiles.json), one threshold is chosen for the
//     whole corpus by sweeping every distinct score (nab/optimizer.py,
//     Sweeper.calcScoreByThreshold): a window counts once at its earliest
//     detection, every detection outside a window costs its weight;
//   - the corpus is then scored at that threshold file by file
//     (nab/scorer.py) and normalised as NAB's runner does:
//     100 × (score − null) / (perfect − null), where null is the score of
//     NAB's null detector (0.5 on every row, its threshold optimised like
//     any other's: on the full corpus it never fires) and perfect is the
//     number of windows × tpWeight.
//
// The port is checked against the published Windowed Gaussian detections in
// results/windowedGaussian (39.6 standard, 20.9 reward-low-FP, 47.4
// reward-low-FN): see TestWindowedGaussianReproduction.
package nab
