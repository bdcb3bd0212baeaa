package jobs

import (
	"testing"
	"time"
)

func TestLatestTick(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		schedule string
		now      string
		want     string
	}{
		{"*/15 * * * *", "2026-11-27T10:31:07Z", "2026-11-27T10:30:00Z"},
		{"*/15 * * * *", "2026-11-27T10:30:00Z", "2026-11-27T10:30:00Z"},
		{"0 6 * * *", "2026-11-27T05:59:59Z", "2026-11-26T06:00:00Z"},
		{"0 0 1 * *", "2026-11-27T10:00:00Z", "2026-11-01T00:00:00Z"},
		{"*/2 * * * * *", "2026-11-27T10:00:03.5Z", "2026-11-27T10:00:02Z"},
		{"@hourly", "2026-11-27T10:59:59Z", "2026-11-27T10:00:00Z"},
		{"@every 5m", "2026-11-27T10:07:00Z", "2026-11-27T10:05:00Z"},
		{"@every 5m", "2026-11-27T10:05:00Z", "2026-11-27T10:05:00Z"},
		{"@every 2s", "2026-11-27T10:00:03.999Z", "2026-11-27T10:00:02Z"},
		{"CRON_TZ=Europe/Brussels 0 6 * * *", "2026-11-27T05:30:00Z", "2026-11-27T05:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.schedule+"@"+tt.now, func(t *testing.T) {
			t.Parallel()
			s, err := ParseSchedule(tt.schedule)
			if err != nil {
				t.Fatal(err)
			}
			if got := LatestTick(s, at(tt.now)); !got.Equal(at(tt.want)) {
				t.Fatalf("LatestTick = %s, want %s", got.UTC().Format(time.RFC3339Nano), tt.want)
			}
		})
	}
}

func TestEveryIsAligned(t *testing.T) {
	t.Parallel()
	s, err := ParseSchedule("@every 10m")
	if err != nil {
		t.Fatal(err)
	}
	// Two instances asking at different moments agree on the next tick.
	a := s.Next(time.Date(2026, 11, 27, 10, 1, 13, 0, time.UTC))
	b := s.Next(time.Date(2026, 11, 27, 10, 8, 59, 0, time.UTC))
	if !a.Equal(b) || !a.Equal(time.Date(2026, 11, 27, 10, 10, 0, 0, time.UTC)) {
		t.Fatalf("next ticks %s and %s differ", a, b)
	}
}

func TestParseScheduleErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "every hour", "61 * * * *", "* * * *", "@every -1m"} {
		if _, err := ParseSchedule(bad); err == nil {
			t.Errorf("ParseSchedule(%q) succeeded, want an error", bad)
		}
	}
}
