package actions

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aicoo/aicoo/internal/store"
)

// ErrAuditBroken is returned by VerifyAudit when the chain does not hold.
var ErrAuditBroken = errors.New("audit chain broken")

// VerifyAudit checks the connection's hash-chained audit log and writes one
// line to w: how many entries hold, or the first broken entry and why. It
// returns an error wrapping ErrAuditBroken when the chain is broken, for
// `aicoo audit verify` to exit non-zero.
func VerifyAudit(ctx context.Context, st *store.Store, connectionID int64, w io.Writer) error {
	res, err := st.AuditVerify(ctx, connectionID)
	if err != nil {
		return fmt.Errorf("actions: audit verify: %w", err)
	}
	if res.BrokenAt == 0 {
		_, err = fmt.Fprintf(w, "audit log intact: %d entries verified\n", res.Entries)
		return err
	}
	_, _ = fmt.Fprintf(w, "audit log BROKEN at entry %d of %d: %s\n", res.BrokenAt, res.Entries, res.Reason)
	return fmt.Errorf("actions: %w at entry %d: %s", ErrAuditBroken, res.BrokenAt, res.Reason)
}
