package actions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/store"
)

// ProposalTTLDefault is how long a proposal waits for approval before it
// expires.
const ProposalTTLDefault = 7 * 24 * time.Hour

// Audit log actions written by this package.
const (
	AuditProposed       = "action.proposed"
	AuditPolicyDecision = "action.policy_decision"
	AuditApproved       = "action.approved"
	AuditRejected       = "action.rejected"
	AuditExpired        = "action.expired"
	AuditCancelled      = "action.cancelled"
	AuditReturned       = "action.returned_to_approval"
	AuditExecuted       = "action.executed"
	AuditFailed         = "action.failed"
	AuditRolledBack     = "action.rolled_back"
	AuditRollbackRefuse = "action.rollback_refused"
	AuditPolicyChanged  = "policy.changed"
)

// Errors returned by the Service. Each is wrapped with the details.
var (
	// ErrForbidden: the actor's role may not do this.
	ErrForbidden = errors.New("actions: not allowed")
	// ErrNotPending: the action is not waiting for approval.
	ErrNotPending = errors.New("actions: action is not waiting for approval")
	// ErrStale: the facts behind the action no longer hold; it expired.
	ErrStale = errors.New("actions: the facts behind the action no longer hold")
	// ErrBlocked: the policy forbids the action.
	ErrBlocked = errors.New("actions: the policy forbids this action")
	// ErrRollbackRefused: the action cannot be rolled back; the message
	// says why.
	ErrRollbackRefused = errors.New("actions: rollback refused")
	// ErrNotExecutable: the action is in a status that cannot run
	// (pending, rejected, blocked, expired, failed, cancelled).
	ErrNotExecutable = errors.New("actions: action cannot run in its status")
	// ErrPermanent: Odoo refused the action for a reason a retry does not
	// change; it was marked failed.
	ErrPermanent = errors.New("actions: Odoo refused the action")
)

// Actor is who does something: a signed-in person, or the system.
type Actor struct {
	UserID   int64
	Username string
	Role     string
}

// System is the actor for what aicoo does by itself under the policy.
var System = Actor{Username: "system"}

func (a Actor) label() string {
	if a.UserID == 0 && a.Username == "" {
		return "system"
	}
	if a.UserID == 0 {
		return a.Username
	}
	return "user:" + a.Username
}

// Config configures a Service.
type Config struct {
	// Store holds actions, policies and the audit log. Required.
	Store *store.Store
	// OdooFunc returns the Odoo client of a connection. Required.
	OdooFunc func(ctx context.Context, connectionID int64) (Odoo, error)
	// EnqueueFunc, when set, is called after an action becomes approved
	// (by a person or by the policy) so that it gets executed; wire it to
	// a River insert of ExecuteArgs.
	EnqueueFunc func(ctx context.Context, connectionID, actionID int64) error
	// ProposalTTL is how long a proposal may wait. Defaults to
	// ProposalTTLDefault.
	ProposalTTL time.Duration
	// ImpactDays is how many days after execution an action's effect is
	// looked for (see EvaluateImpact). Defaults to ImpactDaysDefault.
	ImpactDays int
	// NowFunc is the clock. Defaults to time.Now.
	NowFunc func() time.Time
	// Logger defaults to a discarding logger.
	Logger *slog.Logger
	// Kinds are the action types the service proposes, decides and
	// executes. Defaults to the built-in ones (Builtin).
	Kinds *Kinds
}

// Service proposes, decides, approves, executes and rolls back actions.
type Service struct {
	cfg Config
}

// New returns a Service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.OdooFunc == nil {
		return nil, errors.New("actions: Store and OdooFunc are required")
	}
	if cfg.ProposalTTL <= 0 {
		cfg.ProposalTTL = ProposalTTLDefault
	}
	if cfg.ImpactDays <= 0 {
		cfg.ImpactDays = ImpactDaysDefault
	}
	if cfg.NowFunc == nil {
		cfg.NowFunc = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Kinds == nil {
		cfg.Kinds = builtin
	}
	return &Service{cfg: cfg}, nil
}

func (s *Service) now() time.Time { return s.cfg.NowFunc().UTC() }

// Kinds returns the action types of the service.
func (s *Service) Kinds() *Kinds { return s.cfg.Kinds }

// Proposal is an action someone or something suggests. It carries no mode:
// whether it runs alone, waits or is blocked is the policy's decision only.
type Proposal struct {
	Type Type
	// Subject names what it is about ("account.move:42"); with Type it
	// forms the idempotency key, so a lasting finding is proposed once.
	Subject string
	// Source says who proposed it: "insight:overdue_invoice", "user:ann"...
	Source      string
	InsightKind string
	TargetModel string
	TargetID    int64
	PartnerID   int64
	// Amount is what is at stake (policy amount limit).
	Amount float64
	Title  string
	// Reasoning explains why, with the figures.
	Reasoning string
	Facts     map[string]float64
	Refs      []analysis.Ref
	Params    Params
	// Asked marks a proposal made from a question (a chat, an MCP client):
	// the policy still decides, but never lets it run alone, so a
	// language model cannot write to Odoo without a person's approval.
	Asked bool
}

// Key is the proposal's idempotency key.
func (p *Proposal) Key() string { return string(p.Type) + ":" + p.Subject }

// newMarker returns the text written into the Odoo record so a retried
// execution finds what an earlier attempt created. It is random (128 bits)
// and stored with the action before any write, so nobody can compute it
// in advance and plant it in Odoo; it needs no secret shared between
// instances and survives restarts.
func newMarker() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return "aicoo:" + hex.EncodeToString(b[:])
}

// Propose records a proposal, lets the policy decide (auto: approved to
// run; approve: pending; never: blocked) and audits both, in one
// transaction. A proposal whose key exists already returns the existing
// action with created false and changes nothing. An approved action is
// handed to EnqueueFunc.
func (s *Service) Propose(ctx context.Context, connectionID int64, p Proposal) (a *store.Action, created bool, err error) {
	if _, err := s.cfg.Kinds.Info(p.Type); err != nil {
		return nil, false, err
	}
	if p.Subject == "" || p.Title == "" {
		return nil, false, fmt.Errorf("actions: propose %s: subject and title are required", p.Type)
	}
	if err := p.Params.validate(s.cfg.Kinds, p.Type); err != nil {
		return nil, false, fmt.Errorf("actions: propose %s %s: %w", p.Type, p.Subject, err)
	}
	key := p.Key()
	if existing, err := s.cfg.Store.ActionByKey(ctx, connectionID, key); err == nil {
		return existing, false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, false, fmt.Errorf("actions: propose: %w", err)
	}
	params, err := json.Marshal(p.Params)
	if err != nil {
		return nil, false, fmt.Errorf("actions: propose: %w", err)
	}
	evidence, err := json.Marshal(map[string]any{"source": p.Source, "facts": p.Facts, "refs": p.Refs})
	if err != nil {
		return nil, false, fmt.Errorf("actions: propose: %w", err)
	}
	now := s.now()
	errExists := errors.New("exists")
	err = s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		// The proposal's audit entry comes first: on PostgreSQL it takes
		// the connection's audit lock, which also serialises the limit
		// counts below.
		if _, err := tx.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: p.Source,
			Action: AuditProposed, Subject: "action:" + key, Details: mustJSON(map[string]any{
				"type": p.Type, "title": p.Title, "reasoning": p.Reasoning, "params": p.Params, "facts": p.Facts,
				"refs": p.Refs, "amount": p.Amount, "partner_id": p.PartnerID})}); err != nil {
			return err
		}
		pol, err := policyOf(ctx, s.cfg.Kinds, tx, connectionID, p.Type)
		if err != nil {
			return err
		}
		d, err := decide(ctx, tx, connectionID, pol, p.PartnerID, p.Amount, now)
		if err != nil {
			return err
		}
		if p.Asked && d.mode == ModeAuto {
			d = decision{ModeApprove, store.ActionPending, fmt.Sprintf("proposed from a question: a person approves it, although the policy lets %s run alone", p.Type)}
		}
		a, created, err = tx.ActionCreate(ctx, store.ActionCreateParams{ConnectionID: connectionID, IdempotencyKey: key,
			ActionType: string(p.Type), Subject: p.Subject, InsightKind: p.InsightKind, GroupKey: groupKey(p.Type, p.InsightKind),
			TargetModel: p.TargetModel, TargetID: p.TargetID, PartnerID: p.PartnerID, Amount: p.Amount, Description: p.Title,
			Parameters: params, Reasoning: p.Reasoning, Evidence: evidence, PolicyMode: string(d.mode), PolicyReason: d.reason,
			Status: d.status, ExpiresAt: now.Add(s.cfg.ProposalTTL), Marker: newMarker()})
		if err != nil {
			return err
		}
		if !created {
			return errExists // a concurrent proposer won: drop our audit entry
		}
		_, err = tx.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: "policy",
			Action: AuditPolicyDecision, Subject: actionSubject(a), Details: mustJSON(map[string]any{
				"mode": d.mode, "status": d.status, "reason": d.reason, "policy": pol})})
		return err
	})
	if errors.Is(err, errExists) {
		a, err = s.cfg.Store.ActionByKey(ctx, connectionID, key)
		return a, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("actions: propose %s: %w", key, err)
	}
	if a.Status == store.ActionApproved {
		s.enqueue(ctx, a)
	}
	return a, true, nil
}

func groupKey(t Type, insightKind string) string {
	if insightKind == "" {
		return string(t)
	}
	return string(t) + ":" + insightKind
}

func actionSubject(a *store.Action) string { return "action:" + strconv.FormatInt(a.ID, 10) }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		// Only maps of plain values reach here; fail loudly in the log
		// rather than lose the audit entry.
		b, _ = json.Marshal(map[string]string{"marshal_error": err.Error()})
	}
	return b
}

func (s *Service) enqueue(ctx context.Context, a *store.Action) {
	if s.cfg.EnqueueFunc == nil {
		return
	}
	if err := s.cfg.EnqueueFunc(ctx, a.ConnectionID, a.ID); err != nil {
		// The action stays approved; Runnable lists it for a later enqueue.
		s.cfg.Logger.ErrorContext(ctx, "actions: enqueue execution", "action", a.ID, "error", err)
	}
}

// Runnable returns the ids of the connection's actions that are approved
// or were cut off while executing, oldest first, so a periodic job can
// enqueue any whose enqueue was lost. Executing one twice is harmless.
func (s *Service) Runnable(ctx context.Context, connectionID int64) ([]int64, error) {
	list, err := s.cfg.Store.ActionList(ctx, store.ActionListParams{ConnectionID: connectionID,
		Statuses: []string{store.ActionApproved, store.ActionExecuting}, Limit: 10000})
	if err != nil {
		return nil, fmt.Errorf("actions: runnable: %w", err)
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[len(list)-1-i] = a.ID
	}
	return ids, nil
}

// Approve approves a pending action for actor, after checking the actor's
// role, that the policy still allows it, and that its facts still hold
// (otherwise it expires and ErrStale is returned). The approval is audited
// and the action handed to EnqueueFunc.
func (s *Service) Approve(ctx context.Context, connectionID, actionID int64, actor Actor) (*store.Action, error) {
	a, err := s.cfg.Store.ActionByID(ctx, connectionID, actionID)
	if err != nil {
		return nil, fmt.Errorf("actions: approve: %w", err)
	}
	if !s.cfg.Kinds.MayApprove(Type(a.ActionType), actor.Role) {
		return nil, fmt.Errorf("%w: role %q may not approve %s actions", ErrForbidden, actor.Role, a.ActionType)
	}
	if a.Status != store.ActionPending {
		return nil, fmt.Errorf("%w: action %d is %s", ErrNotPending, a.ID, a.Status)
	}
	pol, err := s.Policy(ctx, connectionID, Type(a.ActionType))
	if err != nil {
		return nil, err
	}
	if pol.Mode == ModeNever {
		return nil, fmt.Errorf("%w: the policy for %s is now never", ErrBlocked, a.ActionType)
	}
	if stale, err := s.checkFacts(ctx, a); err != nil {
		return nil, err
	} else if stale != "" {
		if _, err := s.transition(ctx, a, store.ActionTransitionParams{From: []string{store.ActionPending}, Status: store.ActionExpired,
			StatusReason: stale}, actor.label(), AuditExpired, map[string]any{"reason": stale}); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %s", ErrStale, stale)
	}
	a, err = s.transition(ctx, a, store.ActionTransitionParams{From: []string{store.ActionPending}, Status: store.ActionApproved,
		StatusReason: "approved by " + actor.label(), Approved: true, ApprovedBy: actor.UserID},
		actor.label(), AuditApproved, map[string]any{"by": actor.label(), "role": actor.Role})
	if err != nil {
		return nil, err
	}
	s.enqueue(ctx, a)
	return a, nil
}

// Reject rejects a pending action, with the actor's reason, and audits it.
func (s *Service) Reject(ctx context.Context, connectionID, actionID int64, actor Actor, reason string) (*store.Action, error) {
	a, err := s.cfg.Store.ActionByID(ctx, connectionID, actionID)
	if err != nil {
		return nil, fmt.Errorf("actions: reject: %w", err)
	}
	if !s.cfg.Kinds.MayApprove(Type(a.ActionType), actor.Role) {
		return nil, fmt.Errorf("%w: role %q may not decide on %s actions", ErrForbidden, actor.Role, a.ActionType)
	}
	if a.Status != store.ActionPending {
		return nil, fmt.Errorf("%w: action %d is %s", ErrNotPending, a.ID, a.Status)
	}
	return s.transition(ctx, a, store.ActionTransitionParams{From: []string{store.ActionPending}, Status: store.ActionRejected,
		StatusReason: reason, Rejected: true, RejectedBy: actor.UserID},
		actor.label(), AuditRejected, map[string]any{"by": actor.label(), "role": actor.Role, "reason": reason})
}

// BulkResult counts what a bulk approval did.
type BulkResult struct {
	Approved []int64
	// Expired lists actions whose facts no longer held.
	Expired []int64
	// Skipped maps other actions to why they were not approved.
	Skipped map[int64]string
}

// ApproveSimilar approves every pending action of a group (see
// store.Action.GroupKey, the type and the insight kind it came from), each
// checked as Approve does. ids, when not empty, narrows it to those
// actions of the group.
func (s *Service) ApproveSimilar(ctx context.Context, connectionID int64, groupKey string, ids []int64, actor Actor) (*BulkResult, error) {
	if groupKey == "" {
		return nil, errors.New("actions: bulk approval needs a group")
	}
	list, err := s.cfg.Store.ActionList(ctx, store.ActionListParams{ConnectionID: connectionID, GroupKey: groupKey,
		Statuses: []string{store.ActionPending}, IDs: ids})
	if err != nil {
		return nil, fmt.Errorf("actions: bulk approve: %w", err)
	}
	res := &BulkResult{Skipped: map[int64]string{}}
	for _, a := range list {
		_, err := s.Approve(ctx, connectionID, a.ID, actor)
		switch {
		case err == nil:
			res.Approved = append(res.Approved, a.ID)
		case errors.Is(err, ErrStale):
			res.Expired = append(res.Expired, a.ID)
		case errors.Is(err, ErrForbidden), errors.Is(err, ErrBlocked), errors.Is(err, ErrNotPending):
			res.Skipped[a.ID] = err.Error()
		default:
			return res, err
		}
	}
	return res, nil
}

// ExpireStale expires pending actions older than the proposal TTL and
// pending or approved actions whose facts no longer hold (the invoice was
// paid meanwhile), and returns how many it expired.
func (s *Service) ExpireStale(ctx context.Context, connectionID int64) (int, error) {
	list, err := s.cfg.Store.ActionList(ctx, store.ActionListParams{ConnectionID: connectionID,
		Statuses: []string{store.ActionPending, store.ActionApproved}})
	if err != nil {
		return 0, fmt.Errorf("actions: expire: %w", err)
	}
	n := 0
	now := s.now()
	for _, a := range list {
		reason := ""
		if a.Status == store.ActionPending && !a.ExpiresAt.IsZero() && now.After(a.ExpiresAt) {
			reason = "nobody decided within " + s.cfg.ProposalTTL.String()
		} else if reason, err = s.checkFacts(ctx, a); err != nil {
			return n, err
		}
		if reason == "" {
			continue
		}
		_, err := s.transition(ctx, a, store.ActionTransitionParams{From: []string{a.Status}, Status: store.ActionExpired,
			StatusReason: reason}, "system", AuditExpired, map[string]any{"reason": reason})
		if errors.Is(err, store.ErrActionStatus) {
			continue // moved meanwhile
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// transition changes an action's status and appends the audit entry in one
// transaction.
func (s *Service) transition(ctx context.Context, a *store.Action, p store.ActionTransitionParams, actor, auditAction string, details map[string]any) (*store.Action, error) {
	p.ConnectionID, p.ID = a.ConnectionID, a.ID
	var out *store.Action
	err := s.cfg.Store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if out, err = tx.ActionTransition(ctx, p); err != nil {
			return err
		}
		if details == nil {
			details = map[string]any{}
		}
		details["status"] = p.Status
		details["type"] = a.ActionType
		details["key"] = a.IdempotencyKey
		_, err = tx.AuditAppend(ctx, store.AuditAppendParams{ConnectionID: a.ConnectionID, Actor: actor,
			Action: auditAction, Subject: actionSubject(a), Details: mustJSON(details)})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("actions: action %d: %w", a.ID, err)
	}
	return out, nil
}
