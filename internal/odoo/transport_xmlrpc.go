package odoo

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
)

// xmlrpcTransport speaks XML-RPC on /xmlrpc/2/common and /xmlrpc/2/object
// (Odoo 16-19; deprecated since 19). Faults carry integer codes 1-4.
type xmlrpcTransport struct {
	h *httpDoer
}

func (t *xmlrpcTransport) protocol() Protocol { return ProtocolXMLRPC }

// xmlrpcEncoder sends nil as False: Odoo's "empty" value.
var xmlrpcEncoder = xmlrpc.Encoder{NilPolicy: xmlrpc.NilAsFalse}

// call posts one methodCall to path and returns the decoded result.
func (t *xmlrpcTransport) call(ctx context.Context, path, method string, params ...any) (any, error) {
	var buf bytes.Buffer
	if err := xmlrpcEncoder.EncodeCall(&buf, method, params...); err != nil {
		return nil, &Error{Kind: ErrInvalidArgument, Protocol: ProtocolXMLRPC, Err: err}
	}
	header := http.Header{}
	header.Set("Content-Type", "text/xml")
	resp, err := t.h.do(ctx, http.MethodPost, path, header, buf.Bytes())
	if err != nil {
		e := asError(err)
		e.Protocol = ProtocolXMLRPC
		return nil, e
	}
	return parseXMLRPC(resp)
}

// parseXMLRPC decodes a methodResponse; Odoo answers 200 for faults too.
func parseXMLRPC(resp *httpResponse) (any, error) {
	if resp.status != http.StatusOK {
		return nil, resp.unexpectedStatus(ProtocolXMLRPC)
	}
	if resp.looksHTML() {
		return nil, &Error{Kind: ErrNotOdoo, Protocol: ProtocolXMLRPC, Status: resp.status, Message: "the answer is an HTML page"}
	}
	var dec xmlrpc.Decoder
	v, err := dec.DecodeResponse(bytes.NewReader(resp.body))
	if err != nil {
		var f *xmlrpc.Fault
		if errors.As(err, &f) {
			return nil, classifyFault(f.Code, f.String)
		}
		b := bytes.TrimSpace(resp.body)
		if !bytes.HasPrefix(b, []byte("<")) {
			return nil, &Error{Kind: ErrNotOdoo, Protocol: ProtocolXMLRPC, Status: resp.status, Message: "the answer is not XML-RPC", Err: err}
		}
		return nil, malformed(ProtocolXMLRPC, err)
	}
	return v, nil
}

func (t *xmlrpcTransport) authenticate(ctx context.Context, s *session) (int64, error) {
	v, err := t.call(ctx, "/xmlrpc/2/common", "authenticate", s.db, s.login, s.secret, map[string]any{})
	if err != nil {
		return 0, err
	}
	return uidFromAuthenticate(ProtocolXMLRPC, v)
}

func (t *xmlrpcTransport) execute(ctx context.Context, s *session, r *request) (any, error) {
	args, kw := r.legacyArgs()
	return t.call(ctx, "/xmlrpc/2/object", "execute_kw", s.db, s.uid, s.secret, r.model, r.method, args, kw)
}

// xmlrpcCommon calls a method of /xmlrpc/2/common, for version detection.
func (c *Client) xmlrpcCommon(ctx context.Context, method string, args []any) (any, error) {
	t := &xmlrpcTransport{h: c.http}
	return t.call(ctx, "/xmlrpc/2/common", method, args...)
}
