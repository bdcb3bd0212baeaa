package actions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/aicoo/aicoo/internal/store"
)

// Policy bounds what one action type may do on one connection.
type Policy struct {
	Type Type `json:"type"`
	Mode Mode `json:"mode"`
	// MaxAmount is the largest amount (invoice residual, order total,
	// expected revenue) one action may carry and still run alone; larger
	// ones wait for approval. 0 means no cap.
	MaxAmount float64 `json:"max_amount"`
	// MaxPerDay is how many actions of the type may run alone per day (in
	// Timezone); further ones wait for approval. 0 means no cap.
	MaxPerDay int `json:"max_per_day"`
	// MaxPerCustomerWeek is how many actions of the type may run alone per
	// customer over the last 7 days. 0 means no cap.
	MaxPerCustomerWeek int `json:"max_per_customer_week"`
	// QuietStart and QuietEnd ("HH:MM", in Timezone) bound a daily period
	// in which nothing of the type runs, approved or not; it waits until
	// QuietEnd. Both empty means no quiet hours. The period may span
	// midnight ("20:00" to "07:00").
	QuietStart string `json:"quiet_start,omitempty"`
	QuietEnd   string `json:"quiet_end,omitempty"`
	// Timezone is an IANA zone name. Defaults to UTC.
	Timezone string `json:"timezone,omitempty"`
	// Stored is false for a type's default policy (no row yet).
	Stored bool `json:"-"`
}

// ErrPolicy marks a policy that cannot be saved.
var ErrPolicy = errors.New("actions: invalid policy")

// ValidatePolicy checks p for its type among ks: a known type, a known
// mode no more permissive than the type's ceiling, non-negative limits,
// well-formed quiet hours and a known time zone.
func (ks *Kinds) ValidatePolicy(p Policy) error {
	info, err := ks.Info(p.Type)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrPolicy, err)
	}
	var errs []error
	if !p.Mode.Valid() {
		errs = append(errs, fmt.Errorf("mode %q is not auto, approve or never", p.Mode))
	} else if p.Mode.rank() > info.Ceiling.rank() {
		errs = append(errs, fmt.Errorf("%s actions can be at most %q, not %q", p.Type, info.Ceiling, p.Mode))
	}
	if p.MaxAmount < 0 || math.IsNaN(p.MaxAmount) || math.IsInf(p.MaxAmount, 0) {
		errs = append(errs, errors.New("max amount must be a number of at least 0"))
	}
	if p.MaxPerDay < 0 || p.MaxPerCustomerWeek < 0 {
		errs = append(errs, errors.New("limits per day and per customer per week must be at least 0"))
	}
	if (p.QuietStart == "") != (p.QuietEnd == "") {
		errs = append(errs, errors.New("quiet hours need both a start and an end"))
	} else if p.QuietStart != "" {
		for _, s := range []string{p.QuietStart, p.QuietEnd} {
			if _, err := parseClock(s); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if _, err := time.LoadLocation(p.zone()); err != nil {
		errs = append(errs, fmt.Errorf("time zone %q: %w", p.Timezone, err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w for %s: %w", ErrPolicy, p.Type, err)
	}
	return nil
}

func (p Policy) zone() string {
	if p.Timezone == "" {
		return "UTC"
	}
	return p.Timezone
}

func (p Policy) location() *time.Location {
	loc, err := time.LoadLocation(p.zone())
	if err != nil {
		return time.UTC
	}
	return loc
}

// parseClock parses "HH:MM" into minutes after midnight.
func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("quiet hour %q is not HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// QuietUntil reports whether now falls in the quiet hours, and when they
// end.
func (p Policy) QuietUntil(now time.Time) (time.Time, bool) {
	if p.QuietStart == "" || p.QuietEnd == "" {
		return time.Time{}, false
	}
	start, err1 := parseClock(p.QuietStart)
	end, err2 := parseClock(p.QuietEnd)
	if err1 != nil || err2 != nil || start == end {
		return time.Time{}, false
	}
	local := now.In(p.location())
	mins := local.Hour()*60 + local.Minute()
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location())
	at := func(dayOffset, m int) time.Time {
		return midnight.AddDate(0, 0, dayOffset).Add(time.Duration(m) * time.Minute).UTC()
	}
	if start < end { // same day, e.g. 12:00-14:00
		if mins >= start && mins < end {
			return at(0, end), true
		}
		return time.Time{}, false
	}
	// Across midnight, e.g. 20:00-07:00.
	switch {
	case mins >= start:
		return at(1, end), true
	case mins < end:
		return at(0, end), true
	}
	return time.Time{}, false
}

// dayStart returns the start of now's day in the policy's time zone.
func (p Policy) dayStart(now time.Time) time.Time {
	local := now.In(p.location())
	return time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, local.Location()).UTC()
}

func policyFromStore(sp *store.ActionPolicy) Policy {
	return Policy{Type: Type(sp.ActionType), Mode: Mode(sp.Mode), MaxAmount: sp.MaxAmount, MaxPerDay: sp.MaxPerDay,
		MaxPerCustomerWeek: sp.MaxPerCustomerWeek, QuietStart: sp.QuietStart, QuietEnd: sp.QuietEnd,
		Timezone: sp.Timezone, Stored: true}
}

// Policy returns the connection's policy for t: the stored one, or the
// type's default. A stored policy more permissive than the type allows (an
// edited row) is clamped to the ceiling, so the database cannot widen it
// either.
func (s *Service) Policy(ctx context.Context, connectionID int64, t Type) (Policy, error) {
	return policyOf(ctx, s.cfg.Kinds, s.cfg.Store, connectionID, t)
}

func policyOf(ctx context.Context, ks *Kinds, st *store.Store, connectionID int64, t Type) (Policy, error) {
	info, err := ks.Info(t)
	if err != nil {
		return Policy{}, err
	}
	sp, err := st.ActionPolicyGet(ctx, connectionID, string(t))
	if errors.Is(err, store.ErrNotFound) {
		p := info.Default
		p.Type = t
		return p, nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("actions: policy of %s: %w", t, err)
	}
	p := policyFromStore(sp)
	if !p.Mode.Valid() {
		p.Mode = ModeNever
	}
	if p.Mode.rank() > info.Ceiling.rank() {
		p.Mode = info.Ceiling
	}
	return p, nil
}

// Policies returns the connection's policy for every type, in display
// order.
func (s *Service) Policies(ctx context.Context, connectionID int64) ([]Policy, error) {
	out := make([]Policy, 0, len(s.cfg.Kinds.list))
	for _, info := range s.cfg.Kinds.Types() {
		p, err := s.Policy(ctx, connectionID, info.Type)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// SetPolicy stores a policy after checking it (Validate) and that actor is
// an admin, and appends a "policy.changed" audit entry with the policy
// before and after, in one transaction. Returns ErrForbidden for anyone but
// an admin.
func (s *Service) SetPolicy(ctx context.Context, connectionID int64, actor Actor, p Policy) error {
	if actor.Role != store.RoleAdmin {
		return fmt.Errorf("%w: only admins change action policies (%s is %q)", ErrForbidden, actor.label(), actor.Role)
	}
	if err := s.cfg.Kinds.ValidatePolicy(p); err != nil {
		return err
	}
	return s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		before, err := policyOf(ctx, s.cfg.Kinds, tx, connectionID, p.Type)
		if err != nil {
			return err
		}
		if _, err := tx.ActionPolicyPut(ctx, store.ActionPolicy{ConnectionID: connectionID, ActionType: string(p.Type),
			Mode: string(p.Mode), MaxAmount: p.MaxAmount, MaxPerDay: p.MaxPerDay, MaxPerCustomerWeek: p.MaxPerCustomerWeek,
			QuietStart: p.QuietStart, QuietEnd: p.QuietEnd, Timezone: p.zone(), UpdatedBy: actor.UserID}); err != nil {
			return err
		}
		p.Timezone = p.zone()
		details, err := json.Marshal(map[string]any{"before": before, "after": p, "before_was_default": !before.Stored})
		if err != nil {
			return fmt.Errorf("actions: policy audit: %w", err)
		}
		_, err = tx.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: actor.label(),
			Action: AuditPolicyChanged, Subject: "policy:" + string(p.Type), Details: details})
		return err
	})
}

// decision is the policy's verdict on a new action.
type decision struct {
	mode   Mode
	status string
	reason string
}

// decide applies the policy to an action about partnerID carrying amount,
// proposed at now. A model's or a rule's suggestion plays no part: only the
// stored policy, the type's ceiling and the counts of earlier actions do.
func decide(ctx context.Context, st *store.Store, connectionID int64, p Policy, partnerID int64, amount float64, now time.Time) (decision, error) {
	switch p.Mode {
	case ModeNever:
		return decision{ModeNever, store.ActionBlocked, fmt.Sprintf("the policy for %s is never", p.Type)}, nil
	case ModeApprove:
		return decision{ModeApprove, store.ActionPending, fmt.Sprintf("the policy for %s requires approval", p.Type)}, nil
	case ModeAuto:
	default:
		return decision{ModeNever, store.ActionBlocked, fmt.Sprintf("the policy for %s has an unknown mode %q", p.Type, p.Mode)}, nil
	}
	if p.MaxAmount > 0 && amount > p.MaxAmount {
		return decision{ModeApprove, store.ActionPending,
			fmt.Sprintf("amount %.2f exceeds the %.2f a %s may carry to run alone; approval needed", amount, p.MaxAmount, p.Type)}, nil
	}
	if p.MaxPerDay > 0 {
		n, err := st.ActionCountExecuted(ctx, store.ActionCountParams{ConnectionID: connectionID, ActionType: string(p.Type), Since: p.dayStart(now)})
		if err != nil {
			return decision{}, err
		}
		if n >= p.MaxPerDay {
			return decision{ModeApprove, store.ActionPending,
				fmt.Sprintf("%d %s actions already ran today, the daily limit; approval needed", n, p.Type)}, nil
		}
	}
	if p.MaxPerCustomerWeek > 0 && partnerID != 0 {
		n, err := st.ActionCountExecuted(ctx, store.ActionCountParams{ConnectionID: connectionID, ActionType: string(p.Type),
			PartnerID: partnerID, Since: now.Add(-7 * 24 * time.Hour)})
		if err != nil {
			return decision{}, err
		}
		if n >= p.MaxPerCustomerWeek {
			return decision{ModeApprove, store.ActionPending,
				fmt.Sprintf("%d %s actions for this customer in the last 7 days, the weekly limit; approval needed", n, p.Type)}, nil
		}
	}
	return decision{ModeAuto, store.ActionApproved, fmt.Sprintf("the policy lets %s run alone and it is within the limits", p.Type)}, nil
}
