package odoo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Version is an Odoo server version.
type Version struct {
	// Major and Minor are 17 and 0 for "17.0", 18 and 4 for "saas~18.4".
	Major, Minor int
	// SaaS is true for Odoo Online intermediate versions ("saas~18.4").
	SaaS bool
	// Raw is the server_version string as the server sent it, for example
	// "17.0+e" or "saas~18.4".
	Raw string
}

// String returns the series, for example "17.0" or "saas~18.4".
func (v Version) String() string {
	if v.SaaS {
		return fmt.Sprintf("saas~%d.%d", v.Major, v.Minor)
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// AtLeast reports whether v is major.minor or later.
func (v Version) AtLeast(major, minor int) bool {
	return v.Major > major || (v.Major == major && v.Minor >= minor)
}

// HasJSON2 reports whether the server offers the JSON-2 API (19 and later,
// and saas 18.4 and later).
func (v Version) HasJSON2() bool { return v.AtLeast(18, 4) }

// ParseVersion parses a server_version or server_serie string such as
// "17.0", "18.0+e", "19.0-20251001" or "saas~18.4".
func ParseVersion(s string) (Version, error) {
	v := Version{Raw: s}
	rest := strings.TrimSpace(s)
	if after, ok := strings.CutPrefix(rest, "saas~"); ok {
		v.SaaS, rest = true, after
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r != '.' && (r < '0' || r > '9') })
	if end >= 0 {
		rest = rest[:end]
	}
	majorStr, minorStr, _ := strings.Cut(rest, ".")
	major, err := strconv.Atoi(majorStr)
	if err != nil || major <= 0 {
		return Version{}, fmt.Errorf("unrecognised Odoo version %q", s)
	}
	v.Major = major
	if minorStr != "" {
		minorStr, _, _ = strings.Cut(minorStr, ".")
		if v.Minor, err = strconv.Atoi(minorStr); err != nil {
			return Version{}, fmt.Errorf("unrecognised Odoo version %q", s)
		}
	}
	return v, nil
}

// versionFromInfo reads server_version_info ([17,0,0,"final",0,""] or
// ["saas~18",4,0,"final",0,""]) and falls back to the version string.
func versionFromInfo(info any, raw string) (Version, error) {
	if list, ok := info.([]any); ok && len(list) >= 2 {
		var v Version
		switch first := list[0].(type) {
		case string:
			after, ok := strings.CutPrefix(first, "saas~")
			n, err := strconv.Atoi(after)
			if !ok || err != nil {
				return ParseVersion(raw)
			}
			v.SaaS, v.Major = true, n
		default:
			n, err := decodeInt(first)
			if err != nil {
				return ParseVersion(raw)
			}
			v.Major = int(n)
		}
		minor, err := decodeInt(list[1])
		if err != nil {
			return ParseVersion(raw)
		}
		v.Minor = int(minor)
		v.Raw = raw
		if v.Raw == "" {
			v.Raw = v.String()
		}
		return v, nil
	}
	return ParseVersion(raw)
}

// versionFromResult reads the answer of common.version or
// /web/webclient/version_info ({server_version, server_version_info, ...})
// or of /web/version ({version, version_info}).
func versionFromResult(v any) (Version, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return Version{}, errors.New("version answer is not an object")
	}
	raw, _ := m["server_version"].(string)
	info := m["server_version_info"]
	if raw == "" && info == nil {
		raw, _ = m["version"].(string)
		info = m["version_info"]
	}
	return versionFromInfo(info, raw)
}

// versionProbe is one way to ask a server for its version.
type versionProbe struct {
	name string
	get  func(ctx context.Context) (any, error)
}

// versionProbes returns the ways to learn the version, in the order tried.
// /web/webclient/version_info answers on 16-19 without a session (odoorpc
// uses it); /web/version is the documented way on 19; common.version is the
// RPC service call.
func (c *Client) versionProbes(p Protocol) []versionProbe {
	jr := &jsonrpcTransport{h: c.http}
	if p == ProtocolXMLRPC {
		return []versionProbe{{"/xmlrpc/2/common version", func(ctx context.Context) (any, error) {
			return c.xmlrpcCommon(ctx, "version", []any{})
		}}}
	}
	return []versionProbe{
		{"/web/webclient/version_info", func(ctx context.Context) (any, error) {
			return jr.rpc(ctx, "/web/webclient/version_info", map[string]any{})
		}},
		{"/web/version", func(ctx context.Context) (any, error) {
			resp, err := c.http.do(ctx, http.MethodGet, "/web/version", nil, nil)
			if err != nil {
				return nil, err
			}
			if resp.status != http.StatusOK || resp.looksHTML() || !isJSONObject(resp.body) {
				return nil, resp.unexpectedStatus(ProtocolJSON2)
			}
			return decodeJSONValue(resp.body)
		}},
		{"/jsonrpc common.version", func(ctx context.Context) (any, error) {
			return jr.service(ctx, "common", "version", []any{})
		}},
	}
}

// detectVersion asks the server for its version, trying each probe until one
// answers. Network failures end the detection at once; answers that are not
// Odoo's move on to the next probe.
func (c *Client) detectVersion(ctx context.Context, p Protocol) (Version, error) {
	var lastErr error
	for _, probe := range c.versionProbes(p) {
		v, err := c.do(ctx, "version", "", probe.get)
		if err == nil {
			ver, perr := versionFromResult(v)
			if perr == nil {
				return ver, nil
			}
			lastErr = &Error{Kind: ErrNotOdoo, Op: "version", Message: probe.name + ": " + perr.Error()}
			continue
		}
		e := asError(err)
		if e.Op == "" {
			e.Op = "version"
		}
		if !errors.Is(err, ErrNotOdoo) && !errors.Is(err, ErrProtocol) && !errors.Is(err, ErrServerFault) && !errors.Is(err, ErrNotInstalled) {
			return Version{}, err
		}
		c.log.DebugContext(ctx, "odoo: version probe failed", "probe", probe.name, "error", err)
		lastErr = err
	}
	e := asError(lastErr)
	return Version{}, &Error{Kind: ErrNotOdoo, Op: "version", Message: "no Odoo version endpoint answered", Status: e.Status, Err: lastErr}
}
