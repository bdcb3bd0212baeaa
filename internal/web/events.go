package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// sseKeepAlive is how often an idle event stream sends a comment, so
// proxies keep it open.
const sseKeepAlive = 25 * time.Second

// events streams the connection's alert changes as Server-Sent Events
// ("event: alert", data: an Event as JSON), filtered by the areas the
// user's role may see.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// A first comment tells the client the stream is open.
	fmt.Fprint(w, ": connected\n\nretry: 3000\n\n")
	if err := rc.Flush(); err != nil {
		return
	}
	ch, cancel := s.cfg.Broker.Subscribe(u.ConnectionID)
	defer cancel()
	tick := time.NewTicker(sseKeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		case e := <-ch:
			if !canSeeArea(u.Role, e.Area) {
				continue
			}
			data, err := json.Marshal(e)
			if err != nil {
				return
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, data)
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
