package web

import (
	"encoding/json"
	"github.com/aicoo/aicoo/internal/store"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"time"
)

// opDoc documents an API route: a summary and the name of its response
// schema (a key of apiSchemas; "" for a stream).
type opDoc struct {
	Summary string
	Schema  string
}

// apiSchemas maps response schema names to the Go values they describe;
// the OpenAPI document derives each schema from the type's JSON tags, so
// the two cannot drift apart.
var apiSchemas = map[string]any{
	"Me":               meJSON{},
	"Inbox":            inboxJSON{},
	"NotifyPrefs":      store.NotifyPrefs{},
	"PolicyLadderList": policyList{},
	"PolicyLadder":     policyView{},
	"Forecast":         forecastJSON{},
	"ScenarioList":     scenarioList{},
	"Scenario":         scenarioJSON{},
	"FlowSwitch":       flowSwitchJSON{},
	"InboxRead":        inboxReadJSON{},
	"Overview":         overviewJSON{},
	"AlertList":        listResponse[alertView]{},
	"Alert":            alertView{},
	"JobList":          listResponse[jobJSON]{},
	"Job":              jobJSON{},
	"RunList":          listResponse[runJSON]{},
	"BulkAcknowledge": struct {
		Acknowledged []int64 `json:"acknowledged"`
	}{},
	"Enqueued": struct {
		JobID  int64  `json:"job_id"`
		Status string `json:"status"`
	}{},
	"AreaList": struct {
		Data []areaSummary `json:"data"`
	}{},
	"AreaResult":    areaResult{},
	"SearchResults": searchJSON{},
	"MetricDetail":  metricDetail{},
	"SyncList": struct {
		Data []syncJSON `json:"data"`
	}{},
	"Connection": connectionJSON{},
	"ConnectionTest": struct {
		OK     bool              `json:"ok"`
		Error  string            `json:"error,omitempty"`
		Report *ConnectionReport `json:"report,omitempty"`
	}{},
	"UserList":         listResponse[userJSON]{},
	"ThresholdList":    listResponse[thresholdJSON]{},
	"TokenList":        listResponse[tokenView]{},
	"Token":            tokenView{},
	"TokenCreated":     tokenCreated{},
	"Threshold":        thresholdJSON{},
	"ThresholdPreview": previewJSON{},
	"Error":            apiErrorBody{},
	"BriefingList":     listResponse[briefingJSON]{},
	"BriefingToday":    todayJSON{},
	"Briefing":         briefingJSON{},
	"RuleList": struct {
		Data []ruleJSON `json:"data"`
	}{},
	"RuleTest":     ruleTestJSON{},
	"Rule":         ruleJSON{},
	"ActionList":   listResponse[actionJSON]{},
	"Action":       actionJSON{},
	"BulkApproval": bulkJSON{},
	"PolicyList": struct {
		Data []policyJSON `json:"data"`
	}{},
	"Usage":         usageReport{},
	"JobStats":      jobStatsReport{},
	"AlertResponse": alertResponseReport{},
	"Impact":        impactReport{},
	"ChannelList": struct {
		Data []ChannelStatus `json:"data"`
	}{},
	"ChannelTest": channelTestResult{},
	"User":        userJSON{},
	"AskAnswer":   askAnswerJSON{},
	"ThreadList": struct {
		Data []threadJSON `json:"data"`
	}{},
	"Thread":        threadDetail{},
	"ThreadSummary": threadJSON{},
	"ThreadDeleted": struct {
		Deleted int64 `json:"deleted"`
	}{},
	"UserCredentials": userCredentials{},
}

// apiRequests maps "METHOD pattern" to the Go value its JSON body decodes
// into, for the routes whose body is not the alert actions' one.
var apiRequests = map[string]any{
	"POST /api/v1/settings/channels/{channel}/test": channelTestInput{},
	"POST /api/v1/users":                            userInput{},
	"POST /api/v1/users/{id}/role":                  roleInput{},
	"POST /api/v1/users/{id}/password":              passwordInput{},
	"POST /api/v1/users/{id}/phone":                 phoneInput{},
	"POST /api/v1/ask":                              askInput{},
	"POST /api/v1/threads/{id}/rename":              renameInput{},
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// openAPIDoc builds the OpenAPI 3.1 document of the API from the route
// table.
func (s *Server) openAPIDoc() map[string]any {
	paths := map[string]map[string]any{}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
	}
	for _, rt := range s.routes() {
		if !rt.api {
			continue
		}
		p := strings.TrimSuffix(rt.pattern, "{$}")
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
			typ := "string"
			if m[1] == "id" {
				typ = "integer"
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
		}
		if strings.Contains(rt.doc.Summary, "page, per_page") {
			params = append(params,
				map[string]any{"name": "page", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "default": 1}},
				map[string]any{"name": "per_page", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": PerPageMax, "default": PerPageDefault}})
		}
		if strings.Contains(rt.doc.Summary, "over the last days") {
			params = append(params, map[string]any{"name": "days", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": opsDaysMax}})
		}
		if strings.Contains(rt.doc.Summary, "format=csv") {
			params = append(params, map[string]any{"name": "format", "in": "query", "schema": map[string]any{"type": "string", "enum": []string{"json", "csv"}}})
		}
		ok := map[string]any{"description": "OK"}
		switch {
		case rt.doc.Schema != "":
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + rt.doc.Schema}}}
		default:
			ok["content"] = map[string]any{"text/event-stream": map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		if rt.doc.Schema != "" && strings.Contains(rt.doc.Summary, "text/event-stream") {
			// JSON by default, a stream when asked for.
			ok["content"].(map[string]any)["text/event-stream"] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		code := "200"
		switch {
		case rt.doc.Schema == "Enqueued":
			code = "202"
		case rt.method == "POST" && p == "/api/v1/users":
			code = "201"
		}
		op := map[string]any{
			"summary":     rt.doc.Summary,
			"operationId": strings.ToLower(rt.method) + strings.NewReplacer("/api/v1/", "_", "/", "_", "{", "", "}", "", ".", "_").Replace(p),
			"responses": map[string]any{code: ok, "400": errResp("Bad input"), "401": errResp("Not signed in, or a bad API token"),
				"403": errResp("The role may not do this"), "404": errResp("Not found")},
		}
		if params != nil {
			op["parameters"] = params
		}
		if rt.method == "POST" {
			op["responses"].(map[string]any)["413"] = errResp("The body is over 64 KiB (code too_large)")
		}
		if rt.method == "POST" && strings.HasPrefix(p, "/api/v1/alerts/") {
			op["requestBody"] = map[string]any{"required": false, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(alertActionInput{}))}}}
		}
		if body, ok := apiRequests[rt.method+" "+p]; ok {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(body))}}}
		}
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.method)] = op
	}
	schemas := map[string]any{}
	for name, v := range apiSchemas {
		schemas[name] = schemaOf(reflect.TypeOf(v))
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "aicoo API", "version": s.cfg.Version,
			"description": "The JSON API of the aicoo dashboard. Authenticate with a session cookie or an API token (`aicoo token create --user NAME`) sent as `Authorization: Bearer <token>`. Bodies are one JSON object of at most 64 KiB, UTF-8 without NUL characters. Errors are `{\"error\": {\"code\", \"message\"}}`; lists are `{\"data\": [...], \"pagination\": {\"page\", \"per_page\", \"has_more\"}}`."},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas, "securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}, "session": map[string]any{"type": "apiKey", "in": "cookie", "name": sessionCookie}}},
		"security":   []any{map[string]any{"bearer": []any{}}, map[string]any{"session": []any{}}},
	}
}

var (
	timeType = reflect.TypeOf(time.Time{})
	rawType  = reflect.TypeOf(json.RawMessage{})
)

// schemaOf derives a JSON schema from a Go type's JSON encoding.
func schemaOf(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem())}
	case reflect.Struct:
		props := map[string]any{}
		var required []string
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				// encoding/json lifts an embedded struct's fields; the
				// outer struct's own fields win a clash.
				inner := schemaOf(f.Type)
				if ip, ok := inner["properties"].(map[string]any); ok {
					for k, v := range ip {
						if _, taken := props[k]; !taken {
							props[k] = v
						}
					}
					if req, ok := inner["required"].([]string); ok {
						required = append(required, req...)
					}
				}
				continue
			}
			if name == "" {
				name = f.Name
			}
			props[name] = schemaOf(f.Type)
			if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
				required = append(required, name)
			}
		}
		out := map[string]any{"type": "object", "properties": props}
		if required != nil {
			out["required"] = required
		}
		return out
	}
	return map[string]any{}
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	writeJSON(w, http.StatusOK, s.openAPIDoc())
}
