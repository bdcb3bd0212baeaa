package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/aicoo/aicoo/internal/analysis"
	"github.com/aicoo/aicoo/internal/settings"
)

func settingsCommand() command {
	return command{
		name:  "settings",
		usage: " list|get|set|reset|preview [KEY [VALUE]]",
		summary: `Read and change the analyzer thresholds of a connection; every change is audited.
They are stored with the area's analysis job, so its next run uses them.
  aicoo settings list [--area finance] [--json]
  aicoo settings get KEY [--json]
  aicoo settings preview KEY VALUE     findings of the area now and with VALUE (writes nothing)
  aicoo settings set KEY VALUE [--as USERNAME]
  aicoo settings reset KEY [--as USERNAME]    back to the default`,
		setup: func(fs *flag.FlagSet) func(context.Context, *env) error {
			open := connFlags(fs)
			area := fs.String("area", "", "list: only this `area` (finance, expenses, sales, customers, operations)")
			asJSON := fs.Bool("json", false, "print JSON (shapes in docs/cli.md)")
			as := fs.String("as", "", "record the change as made by this `username` (default: cli)")
			return func(ctx context.Context, e *env) error {
				if len(e.args) == 0 {
					return errUsage
				}
				action, args := e.args[0], e.args[1:]
				want := map[string]int{"list": 0, "get": 1, "reset": 1, "set": 2, "preview": 2}
				n, ok := want[action]
				if !ok {
					return usageErrorf("unknown action %q: want list, get, set, reset or preview", action)
				}
				if len(args) != n {
					return usageErrorf("%s needs %s", action, map[int]string{0: "no argument", 1: "KEY", 2: "KEY VALUE"}[n])
				}
				var value float64
				if n == 2 {
					v, err := strconv.ParseFloat(args[1], 64)
					if err != nil {
						return fmt.Errorf("value %q is not a number", args[1])
					}
					value = v
				}
				o, err := open(ctx, e)
				if err != nil {
					return err
				}
				defer o.s.Close()
				svc := &settings.Service{Store: o.s, Now: time.Now}
				actor := "cli"
				if *as != "" {
					a, err := o.actor(ctx, *as)
					if err != nil {
						return err
					}
					actor = "user:" + a.Username
				}
				err = runSettings(ctx, e.stdout, svc, o.conn.ID, action, args, value, *area, actor, *asJSON)
				var inv *settings.InvalidError
				if errors.As(err, &inv) {
					return errors.New(inv.Msg)
				}
				return err
			}
		},
	}
}

func runSettings(ctx context.Context, w io.Writer, svc *settings.Service, connID int64, action string, args []string, value float64, area, actor string, asJSON bool) error {
	switch action {
	case "list":
		vals, err := svc.List(ctx, connID)
		if err != nil {
			return err
		}
		out := vals[:0:0]
		for _, v := range vals {
			if area == "" || v.Area == area {
				out = append(out, v)
			}
		}
		if len(out) == 0 && area != "" {
			return fmt.Errorf("--area %q: no such area (want finance, expenses, sales, customers or operations)", area)
		}
		if asJSON {
			return writeJSON(w, out)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tVALUE\tDEFAULT\tUNIT\tDESCRIPTION")
		for _, v := range out {
			val := analysis.FormatThreshold(v.Value)
			if v.Set {
				val += " *"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.Key, val, analysis.FormatThreshold(v.Default), v.Unit, v.Description)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, "* set on this connection; the others use their default")
		return err
	case "get":
		v, err := svc.Get(ctx, connID, args[0])
		if err != nil {
			return err
		}
		return printSetting(w, v, asJSON)
	case "preview":
		p, err := svc.Preview(ctx, connID, args[0], value)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(w, p)
		}
		_, err = fmt.Fprintln(w, p.Sentence())
		return err
	case "set", "reset":
		var v settings.Value
		var err error
		if action == "set" {
			v, err = svc.Set(ctx, connID, actor, args[0], value)
		} else {
			v, err = svc.Reset(ctx, connID, actor, args[0])
		}
		if err != nil {
			return err
		}
		return printSetting(w, v, asJSON)
	}
	return errUsage
}

func printSetting(w io.Writer, v settings.Value, asJSON bool) error {
	if asJSON {
		return writeJSON(w, v)
	}
	state := "default"
	if v.Set {
		state = "default " + analysis.FormatThreshold(v.Default)
	}
	_, err := fmt.Fprintf(w, "%s = %s %s (%s)\n  %s\n", v.Key, analysis.FormatThreshold(v.Value), v.Unit, state, v.Description)
	return err
}
