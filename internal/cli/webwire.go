package cli

import (
	"context"
	"math"
	"slices"
	"time"

	"github.com/aicoo/aicoo/internal/actions"
	"github.com/aicoo/aicoo/internal/alerts"
	"github.com/aicoo/aicoo/internal/web"
)

// alertActions lets the dashboard act on alerts through the alert engine,
// which records who did what, stops escalation and notifies.
type alertActions struct{ a *app }

func (x alertActions) actor(ctx context.Context, userID int64) (alerts.Actor, error) {
	u, err := x.a.store.UserByID(ctx, userID)
	if err != nil {
		return alerts.Actor{}, err
	}
	return alerts.Actor{UserID: u.ID, Username: u.Username}, nil
}

func (x alertActions) AlertAcknowledge(ctx context.Context, connectionID, alertID, userID int64) error {
	by, err := x.actor(ctx, userID)
	if err != nil {
		return err
	}
	_, err = x.a.alerts.Acknowledge(ctx, connectionID, alertID, by, "", 0)
	return err
}

func (x alertActions) AlertResolve(ctx context.Context, connectionID, alertID, userID int64, note string) error {
	by, err := x.actor(ctx, userID)
	if err != nil {
		return err
	}
	if note == "" {
		note = "resolved from the dashboard"
	}
	_, err = x.a.alerts.Resolve(ctx, connectionID, alertID, by, note)
	return err
}

func (x alertActions) AlertSnooze(ctx context.Context, connectionID, alertID, userID int64, until time.Time) error {
	by, err := x.actor(ctx, userID)
	if err != nil {
		return err
	}
	_, err = x.a.alerts.Snooze(ctx, connectionID, alertID, by, until.Sub(x.a.now()), "")
	return err
}

func (x alertActions) AlertDismiss(ctx context.Context, connectionID, alertID, userID int64, note string) error {
	by, err := x.actor(ctx, userID)
	if err != nil {
		return err
	}
	if note == "" {
		note = "dismissed from the dashboard"
	}
	_, err = x.a.alerts.Dismiss(ctx, connectionID, alertID, by, note)
	return err
}

// connectionTester reports what a fresh connection to the Odoo finds.
type connectionTester struct{ a *app }

// readModules are the Odoo modules whose data aicoo reads.
var readModules = []string{"account", "crm", "sale", "stock", "purchase", "hr_expense", "project", "calendar", "helpdesk", "mail"}

func (t connectionTester) TestConnection(ctx context.Context, connectionID int64) (*web.ConnectionReport, error) {
	conn, err := t.a.store.ConnectionByID(ctx, connectionID)
	if err != nil {
		return nil, err
	}
	key, _ := t.a.creds.get(connectionID)
	started := t.a.now()
	c, err := odooClient(ctx, conn, key, t.a.logger)
	if err != nil {
		return nil, err
	}
	info, _ := c.Info()
	rep := &web.ConnectionReport{ServerVersion: info.Version.Raw, Protocol: string(info.Protocol), User: conn.OdooUsername, Latency: t.a.now().Sub(started)}
	rep.LatencyMS = rep.Latency.Milliseconds()
	for _, m := range readModules {
		if slices.Contains(info.Modules, m) {
			rep.Modules = append(rep.Modules, m)
		}
	}
	return rep, nil
}

// actionImpact lets the Analytics page read the impact rates of the
// action service.
type actionImpact struct{ svc *actions.Service }

var _ web.ImpactReporter = actionImpact{}

// ImpactRates implements web.ImpactReporter; the rate is NaN until an
// action of the type is decided.
func (x actionImpact) ImpactRates(ctx context.Context, connectionID int64, since time.Time) ([]web.ImpactRate, error) {
	rates, err := x.svc.ImpactRates(ctx, connectionID, since)
	if err != nil {
		return nil, err
	}
	out := make([]web.ImpactRate, 0, len(rates))
	for _, r := range rates {
		rate := math.NaN()
		if r.Decided() > 0 {
			rate = r.Rate
		}
		out = append(out, web.ImpactRate{ActionType: string(r.Type), Executed: r.Executed, Improved: r.Improved,
			NotImproved: r.NotImproved, Pending: r.Pending, Unknown: r.Unknown, RolledBack: r.RolledBack, Rate: rate})
	}
	return out, nil
}
