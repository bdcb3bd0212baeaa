package notify

import "github.com/prometheus/client_golang/prometheus"

type metrics struct {
	sent     *prometheus.CounterVec
	failures *prometheus.CounterVec
	dead     *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aicoo_notifications_sent_total", Help: "Notifications delivered, by channel.",
		}, []string{"channel"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aicoo_notification_failures_total", Help: "Failed delivery attempts, by channel.",
		}, []string{"channel"}),
		dead: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aicoo_notifications_dead_total", Help: "Notifications dead-lettered, by channel.",
		}, []string{"channel"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "aicoo_notification_latency_seconds",
			Help:    "Time from enqueuing a notification to its delivery, by channel.",
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600},
		}, []string{"channel"}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.sent, m.failures, m.dead, m.latency} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
