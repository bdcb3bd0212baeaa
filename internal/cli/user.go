package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aicoo/aicoo/internal/auth"
	"github.com/aicoo/aicoo/internal/store"
)

func userCommand() command {
	return command{
		name:  "user",
		usage: " add|list|reset-password|set-phone|disable|enable [NAME]",
		summary: `Manage the people who sign in to the dashboard.
  aicoo user add NAME --role ceo [--email E] [--phone +E164]
                                               create a user; prints a generated password
  aicoo user list                              list users
  aicoo user reset-password NAME               set a new password (generated, or --password-stdin)
  aicoo user set-phone NAME +32470123456       the mobile number alerts on the sms channel go to
                                               (E.164; "none" removes it)
  aicoo user disable NAME / enable NAME        block or allow sign-in
Roles: admin, ceo, cfo, sales, ops, viewer.`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			role := fs.String("role", "viewer", "role of a new user")
			email := fs.String("email", "", "email of a new user")
			phone := fs.String("phone", "", "mobile number of a new user in E.164 form (+32470123456), for SMS alerts")
			tz := fs.String("timezone", "UTC", "IANA time zone of a new user, for briefings")
			fromStdin := fs.Bool("password-stdin", false, "read the password from standard input instead of generating one")
			asJSON := fs.Bool("json", false, "list: print JSON (shape in docs/cli.md)")
			return func(ctx context.Context, e *env) error {
				args := e.args
				if len(args) == 0 {
					return errUsage
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				s, conn := o.s, o.conn
				password := func() (string, bool, error) {
					if !*fromStdin {
						return auth.NewPassword(), true, nil
					}
					line, err := bufio.NewReader(os.Stdin).ReadString('\n')
					if err != nil && !errors.Is(err, io.EOF) {
						return "", false, fmt.Errorf("read password: %w", err)
					}
					return strings.TrimRight(line, "\r\n"), false, nil
				}
				name := func() (string, error) {
					if len(args) != 2 {
						return "", errUsage
					}
					return args[1], nil
				}
				switch args[0] {
				case "list":
					users, err := s.UserList(ctx, conn.ID)
					if err != nil {
						return err
					}
					if *asJSON {
						out := []userJSON{}
						for _, u := range users {
							out = append(out, userOf(u))
						}
						return writeJSON(e.stdout, out)
					}
					tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "USERNAME\tROLE\tEMAIL\tTIMEZONE\tSTATUS\tPHONE")
					for _, u := range users {
						status := "active"
						if u.Disabled {
							status = "disabled"
						}
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, u.Email, u.Timezone, status, u.Phone)
					}
					return tw.Flush()
				case "add":
					n, err := name()
					if err != nil {
						return err
					}
					if !store.ValidRole(*role) {
						return fmt.Errorf("--role %q: want admin, ceo, cfo, sales, ops or viewer", *role)
					}
					if *phone != "" && !store.ValidPhone(*phone) {
						return fmt.Errorf("--phone %q: %s", *phone, phoneForm)
					}
					pw, generated, err := password()
					if err != nil {
						return err
					}
					hash, err := auth.HashPassword(pw)
					if err != nil {
						return err
					}
					err = s.InTx(ctx, func(tx *store.Store) error {
						u, err := tx.UserCreate(ctx, store.UserCreateParams{ConnectionID: conn.ID, Username: n, Email: *email, Role: *role, PasswordHash: hash, Timezone: *tz, Phone: *phone})
						if err != nil {
							return err
						}
						return auditUserChange(ctx, tx, conn.ID, "user.created", u, map[string]any{"role": u.Role, "email": u.Email, "generated_password": generated})
					})
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "user %s (%s) created on %s\n", n, *role, conn.Name)
					if generated {
						fmt.Fprintf(e.stdout, "password: %s\n", pw)
					}
					return nil
				case "set-phone":
					if len(args) != 3 {
						return usageErrorf("%s", "set-phone needs NAME NUMBER, e.g. aicoo user set-phone olga +32470123456 (none removes it)")
					}
					number := args[2]
					if number == "none" {
						number = ""
					} else if !store.ValidPhone(number) {
						return fmt.Errorf("phone number %q: %s", number, phoneForm)
					}
					u, err := s.UserByUsername(ctx, conn.ID, args[1])
					if errors.Is(err, store.ErrNotFound) {
						return fmt.Errorf("no user %q on connection %q", args[1], conn.Name)
					}
					if err != nil {
						return err
					}
					err = s.InTx(ctx, func(tx *store.Store) error {
						if err := tx.UserSetPhone(ctx, u.ID, number); err != nil {
							return err
						}
						// Audited without the number, as on the dashboard.
						return auditUserChange(ctx, tx, conn.ID, "user.phone_changed", u, map[string]any{"had_phone": u.Phone != "", "has_phone": number != ""})
					})
					if err != nil {
						return err
					}
					if number == "" {
						fmt.Fprintf(e.stdout, "phone number of %s removed\n", u.Username)
					} else {
						fmt.Fprintf(e.stdout, "phone number of %s set to %s\n", u.Username, number)
					}
					return nil
				case "reset-password", "disable", "enable":
					n, err := name()
					if err != nil {
						return err
					}
					u, err := s.UserByUsername(ctx, conn.ID, n)
					if err != nil {
						return err
					}
					if args[0] != "reset-password" {
						// The dashboard's rules: the last enabled administrator
						// stays, and the change is audited with it.
						disabled := args[0] == "disable"
						err := s.InTx(ctx, func(tx *store.Store) error {
							before, err := tx.UserSetDisabledChecked(ctx, conn.ID, u.ID, disabled)
							if err != nil {
								return err
							}
							return auditUserChange(ctx, tx, conn.ID, "user."+args[0]+"d", before, map[string]any{"was_disabled": before.Disabled})
						})
						if errors.Is(err, store.ErrLastAdmin) {
							return fmt.Errorf("%s is the only enabled administrator of %q: make another user admin first", n, conn.Name)
						}
						if err != nil {
							return err
						}
						fmt.Fprintf(e.stdout, "user %s %sd\n", n, args[0])
						return nil
					}
					pw, generated, err := password()
					if err != nil {
						return err
					}
					hash, err := auth.HashPassword(pw)
					if err != nil {
						return err
					}
					var reset *store.PasswordReset
					err = s.InTx(ctx, func(tx *store.Store) error {
						if reset, err = tx.UserResetPassword(ctx, conn.ID, u.ID, hash, ""); err != nil {
							return err
						}
						return auditUserChange(ctx, tx, conn.ID, "user.password_reset", reset.User, map[string]any{"generated_password": generated,
							"sessions_ended": reset.SessionsEnded, "tokens_revoked": reset.TokensRevoked})
					})
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "password of %s changed; %d sessions ended, %d API tokens revoked\n", n, reset.SessionsEnded, reset.TokensRevoked)
					if generated {
						fmt.Fprintf(e.stdout, "password: %s\n", pw)
					}
					return nil
				}
				return usageErrorf("unknown action %q: want add, list, reset-password, set-phone, disable or enable", args[0])
			}
		},
	}
}

// phoneForm explains the phone number format users are given in.
const phoneForm = "want E.164 form: + then the country code and number, no spaces, like +32470123456"

// auditUserChange appends the audit entry of a user change made from the
// command line, in the change's transaction: the same actions and details
// as the dashboard's, with "cli" as the actor (whoever can run the command
// holds the store).
func auditUserChange(ctx context.Context, tx *store.Store, connectionID int64, action string, target *store.User, details map[string]any) error {
	details["user_id"] = target.ID
	_, err := tx.AuditRecord(ctx, store.AuditAppendParams{ConnectionID: connectionID, Actor: "cli", Action: action,
		Subject: "user:" + target.Username}, details)
	return err
}
