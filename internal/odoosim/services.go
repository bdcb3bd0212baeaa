package odoosim

import (
	"context"
	"fmt"
)

// dispatchService runs a method of the common, db or object service, as
// Odoo's dispatch_rpc does for XML-RPC and JSON-RPC.
func (s *Server) dispatchService(ctx context.Context, service, method string, args []any) (any, error) {
	switch service {
	case "common":
		return s.commonService(method, args)
	case "db":
		return s.dbService(method, args)
	case "object":
		return s.objectService(ctx, method, args)
	}
	return nil, newErr(excKeyError, "'%s'", service)
}

// need fails like Python when a service function gets too few arguments.
func need(fn string, args []any, names ...string) error {
	if len(args) < len(names) {
		missing := names[len(args):]
		list := ""
		for i, n := range missing {
			if i > 0 {
				list += " and "
			}
			list += "'" + n + "'"
		}
		return errType("%s() missing %d required positional argument%s: %s", fn, len(missing), plural(len(missing)), list)
	}
	return nil
}

func (s *Server) commonService(method string, args []any) (any, error) {
	switch method {
	case "version":
		return s.versionInfo(), nil
	case "about":
		return "See http://openerp.com", nil
	case "login", "authenticate":
		names := []string{"db", "login", "password"}
		if method == "authenticate" {
			names = append(names, "user_agent_env")
		}
		if err := need("exp_"+method, args, names...); err != nil {
			return nil, err
		}
		if err := s.checkDB(args[0]); err != nil {
			return nil, err
		}
		login, _ := args[1].(string)
		secret, _ := args[2].(string)
		if u := s.authenticate(login, secret, passwordOrKey); u != nil {
			return u.uid, nil
		}
		return false, nil
	}
	return nil, newErr(excKeyError, "'exp_%s'", method)
}

func (s *Server) dbService(method string, args []any) (any, error) {
	switch method {
	case "list":
		if s.opts.DisableDBList {
			return nil, errAccessDenied()
		}
		return []any{s.db}, nil
	case "server_version":
		return s.version, nil
	case "db_exist":
		if err := need("exp_db_exist", args, "db_name"); err != nil {
			return nil, err
		}
		name, _ := args[0].(string)
		return name == s.db, nil
	case "list_lang":
		return []any{[]any{"en_US", "English (US)"}}, nil
	case "create_database", "duplicate_database", "drop", "dump", "restore", "rename", "change_admin_password", "migrate_databases":
		return nil, errAccessDenied()
	}
	return nil, newErr(excKeyError, "'exp_%s'", method)
}

// objectService runs execute and execute_kw after Odoo's security.check:
// the database must exist and uid and password must match.
func (s *Server) objectService(ctx context.Context, method string, args []any) (any, error) {
	var callArgs []any
	var kwargs map[string]any
	switch method {
	case "execute":
		if err := need("execute", args, "db", "uid", "passwd", "obj", "method"); err != nil {
			return nil, err
		}
		callArgs = args[5:]
	case "execute_kw":
		if err := need("execute_kw", args, "db", "uid", "passwd", "obj", "method", "args"); err != nil {
			return nil, err
		}
		list, ok := args[5].([]any)
		if !ok {
			return nil, errType("argument after * must be an iterable, not %s", pyType(args[5]))
		}
		callArgs = list
		if len(args) > 6 && args[6] != nil && args[6] != false {
			kw, ok := args[6].(map[string]any)
			if !ok {
				return nil, errType("argument after ** must be a mapping, not %s", pyType(args[6]))
			}
			kwargs = kw
		}
	default:
		return nil, newErr(excNameError, "Method not available %s", method)
	}
	if err := s.checkDB(args[0]); err != nil {
		return nil, err
	}
	u, err := s.checkUID(args[1], args[2])
	if err != nil {
		return nil, err
	}
	model, _ := args[3].(string)
	name, _ := args[4].(string)
	return s.invoke(ctx, &invocation{user: u, model: model, method: name, args: callArgs, kwargs: kwargs})
}

// pyType names a decoded value's Python type, for messages.
func pyType(v any) string {
	switch v.(type) {
	case string:
		return "str"
	case int64:
		return "int"
	case float64:
		return "float"
	case bool:
		return "bool"
	case map[string]any:
		return "dict"
	case []any:
		return "list"
	case nil:
		return "NoneType"
	}
	return fmt.Sprintf("%T", v)
}
