package jobs

import "github.com/prometheus/client_golang/prometheus"

// metrics are the job engine's Prometheus series.
type metrics struct {
	runs          *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	scheduled     prometheus.Gauge
	failingAlerts prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aicoo_job_runs_total",
			Help: "Attempts of monitoring job runs, by analyzer and outcome (succeeded, partial, failed, skipped).",
		}, []string{"analyzer", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "aicoo_job_run_duration_seconds",
			Help:    "Duration of monitoring job attempts, by analyzer.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"analyzer"}),
		scheduled: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "aicoo_monitoring_jobs_scheduled",
			Help: "Enabled monitoring jobs this instance has scheduled.",
		}),
		failingAlerts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "aicoo_job_failing_alerts_total",
			Help: "\"Monitoring job failing\" alerts opened.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.runs, m.duration, m.scheduled, m.failingAlerts} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
