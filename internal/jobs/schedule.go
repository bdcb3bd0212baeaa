package jobs

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// scheduleParser accepts standard five-field cron expressions, an optional
// leading seconds field, and descriptors such as @hourly or @every 5m.
var scheduleParser = cron.NewParser(
	cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor,
)

// ParseSchedule parses a monitoring job's schedule. Schedules are in UTC
// unless they start with CRON_TZ=Area/City.
func ParseSchedule(expr string) (cron.Schedule, error) {
	s, err := scheduleParser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w (want a cron expression such as \"*/15 * * * *\" or \"@every 1h\")", expr, err)
	}
	if every, ok := s.(cron.ConstantDelaySchedule); ok {
		// cron rounds anything under a second (even a negative interval) up
		// to one second; refuse it instead of guessing.
		if d, err := time.ParseDuration(strings.TrimSpace(strings.TrimPrefix(expr, "@every"))); err != nil || d < time.Second {
			return nil, fmt.Errorf("schedule %q: the interval must be at least one second", expr)
		}
		return alignedEvery(every.Delay), nil
	}
	return s, nil
}

// alignedEvery fires at whole multiples of its interval (time.Truncate's
// alignment). cron's own "@every" counts from whenever it is asked, so two
// instances (or one leader after another) would name the same run by
// different times; aligned ticks are the same everywhere.
type alignedEvery time.Duration

// Next implements cron.Schedule.
func (a alignedEvery) Next(t time.Time) time.Time {
	d := time.Duration(a)
	return t.Truncate(d).Add(d)
}

// LatestTick returns the latest time at or before now at which the schedule
// fires. It names a run by its intended time, which is the same on every
// instance, unlike the moment a process happens to enqueue it.
func LatestTick(s cron.Schedule, now time.Time) time.Time {
	// Estimate the period from two consecutive future ticks, then walk
	// forward from a point safely before now.
	n1 := s.Next(now)
	period := s.Next(n1).Sub(n1)
	if period <= 0 {
		period = time.Minute
	}
	t := s.Next(now.Add(-2 * period))
	if t.After(now) {
		// Irregular schedules (e.g. monthly) can need a longer look back.
		t = s.Next(now.Add(-400 * 24 * time.Hour))
	}
	for {
		next := s.Next(t)
		if next.After(now) || next.IsZero() {
			return t
		}
		t = next
	}
}
