package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// frame is a gateway payload.
type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int64          `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

type outFrame struct {
	Op int    `json:"op"`
	D  any    `json:"d"`
	S  *int64 `json:"s"`
	T  string `json:"t,omitempty"`
}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws}
	defer func() {
		ws.Close()
		s.mu.Lock()
		if s.conn == c {
			s.conn = nil
		}
		s.notifyLocked()
		s.mu.Unlock()
	}()
	s.mu.Lock()
	closed := s.closed
	hb := s.heartbeat
	s.mu.Unlock()
	if closed {
		return
	}
	if err := c.write(outFrame{Op: 10, D: map[string]any{"heartbeat_interval": hb.Milliseconds()}}); err != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4002, "Error while decoding payload."))
			return
		}
		switch f.Op {
		case 1: // heartbeat
			s.mu.Lock()
			s.heartbeats++
			s.notifyLocked()
			s.mu.Unlock()
			if c.write(outFrame{Op: 11}) != nil {
				return
			}
		case 2: // identify
			if !s.identify(c, f.D) {
				return
			}
		case 6: // resume
			if !s.resume(c, f.D) {
				return
			}
		default:
			// Presence updates and the like: accepted and ignored.
		}
	}
}

func (s *Server) identify(c *gwConn, d json.RawMessage) bool {
	var id struct {
		Token   string `json:"token"`
		Intents int64  `json:"intents"`
	}
	if json.Unmarshal(d, &id) != nil || id.Token != "Bot "+s.Token {
		c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil && s.conn != c {
		s.conn.ws.Close()
	}
	s.sessions++
	s.sessionID = fmt.Sprintf("fake-session-%d", s.sessions)
	s.seq = 0
	s.history = nil
	s.identifies = append(s.identifies, append(json.RawMessage(nil), redactToken(d)...))
	s.intents = id.Intents
	s.conn = c
	s.seq++
	seq := s.seq
	ready := map[string]any{
		"v":                  9,
		"session_id":         s.sessionID,
		"resume_gateway_url": "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway",
		"user":               map[string]any{"id": BotUserID, "username": BotName, "discriminator": "0", "bot": true},
		"application":        map[string]any{"id": AppID, "flags": 0},
		"guilds":             []any{},
		"private_channels":   []any{},
	}
	err := c.write(outFrame{Op: 0, T: "READY", S: &seq, D: ready})
	s.notifyLocked()
	return err == nil
}

func redactToken(d json.RawMessage) json.RawMessage {
	var m map[string]any
	if json.Unmarshal(d, &m) != nil {
		return d
	}
	m["token"] = "[redacted]"
	b, _ := json.Marshal(m)
	return b
}

func (s *Server) resume(c *gwConn, d json.RawMessage) bool {
	var rp struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(d, &rp) != nil || rp.Token != "Bot "+s.Token {
		c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rp.SessionID != s.sessionID || rp.SessionID == "" {
		// Invalid session, not resumable: the client identifies anew.
		return c.write(outFrame{Op: 9, D: false}) == nil
	}
	if s.conn != nil && s.conn != c {
		s.conn.ws.Close()
	}
	s.conn = c
	s.resumes++
	seq := rp.Seq
	if err := c.write(outFrame{Op: 0, T: "RESUMED", S: &seq, D: map[string]any{}}); err != nil {
		return false
	}
	for _, ev := range s.history {
		if ev.seq > rp.Seq {
			sq := ev.seq
			if c.write(outFrame{Op: 0, T: ev.typ, S: &sq, D: ev.data}) != nil {
				return false
			}
		}
	}
	s.notifyLocked()
	return true
}

// Dispatch sends an event to the bot, or keeps it for the bot to receive when it resumes
// if the connection is down, as Discord does.
func (s *Server) Dispatch(typ string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("discordtest: dispatch %s: %w", typ, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	seq := s.seq
	s.history = append(s.history, dispatch{seq: seq, typ: typ, data: raw})
	if s.conn != nil {
		// A failed write leaves the event in the history, for the resume.
		s.conn.write(outFrame{Op: 0, T: typ, S: &seq, D: json.RawMessage(raw)})
	}
	s.notifyLocked()
	return nil
}

// DropConnection cuts the gateway connection without a close frame, as a network failure
// would; the bot should reconnect and RESUME.
func (s *Server) DropConnection() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		s.conn.ws.UnderlyingConn().Close()
		s.conn = nil
		s.notifyLocked()
	}
}

// WaitConnected waits up to timeout for a bot to hold a gateway connection.
func (s *Server) WaitConnected(timeout time.Duration) bool {
	return s.WaitUntil(timeout, s.Connected)
}
