package odoosim

import (
	"bytes"
	"errors"
	"net/http"

	"github.com/aicoo/aicoo/internal/odoo/xmlrpc"
)

// xmlEncoder never sends <nil/>: Odoo's marshaller does not (None results
// are turned into a fault before encoding).
var xmlEncoder = xmlrpc.Encoder{NilPolicy: xmlrpc.NilAsFalse}

// handleXMLRPC serves /xmlrpc/2/<service> and, with legacy set, the
// historical /xmlrpc/<service> whose faultCodes are strings.
func (s *Server) handleXMLRPC(service string, legacy bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			writeHTML(w, http.StatusMethodNotAllowed, "405 Method Not Allowed", "The method is not allowed for the requested URL.")
			return
		}
		s.warnLegacy(r.URL.Path)
		var dec xmlrpc.Decoder
		method, params, err := dec.DecodeCall(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
		var result any
		if err != nil {
			err = newErr("xml.parsers.expat.ExpatError", "%s", err.Error())
		} else {
			for i := range params {
				params[i] = normalizeInput(params[i])
			}
			result, err = s.dispatchService(r.Context(), service, method, params)
		}
		writeXMLRPC(w, result, err, legacy)
	}
}

// writeXMLRPC writes a methodResponse: the result, or a fault. A result
// holding None becomes the fault Python's marshaller raises, as in Odoo,
// where the work was already committed.
func writeXMLRPC(w http.ResponseWriter, result any, err error, legacy bool) {
	var buf bytes.Buffer
	if err == nil {
		val, hasNone := toXMLRPC(result)
		switch {
		case hasNone:
			err = errNone()
		default:
			if encErr := xmlEncoder.EncodeResponse(&buf, val); encErr != nil {
				if errors.Is(encErr, xmlrpc.ErrIntOverflow) {
					err = newErr(excOverflowError, "int exceeds XML-RPC limits")
				} else {
					err = errType("cannot marshal result: %s", encErr.Error())
				}
			}
		}
	}
	if err != nil {
		buf.Reset()
		e := asRPCError(err)
		f := e.fault()
		if legacy {
			f = e.legacyFault()
		}
		_ = xmlEncoder.EncodeFault(&buf, f)
	}
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}
