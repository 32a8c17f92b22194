package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
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

// gwShard is one shard's gateway session: its connection (nil while the bot is away),
// its session id, and the events dispatched to it, kept for a RESUME.
type gwShard struct {
	conn      *gwConn
	sessionID string
	intents   int64 // the session's, from its IDENTIFY
	seq       int64
	history   []dispatch
}

// ShardOf returns the shard that receives the events of guild among count shards, by
// Discord's rule (guild_id >> 22) % count; direct messages (no guild) go to shard 0.
func ShardOf(guild string, count int) int {
	if count <= 1 || guild == "" {
		return 0
	}
	id, err := strconv.ParseUint(guild, 10, 64)
	if err != nil {
		return 0
	}
	return int((id >> 22) % uint64(count))
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
		for _, sh := range s.shards {
			if sh.conn == c {
				sh.conn = nil
			}
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
			if ce, ok := err.(*websocket.CloseError); ok && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
				// Discord ends a session its client closes with 1000 or 1001: no RESUME.
				s.mu.Lock()
				for _, sh := range s.shards {
					if sh.conn == c {
						sh.sessionID = ""
					}
				}
				s.mu.Unlock()
			}
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
			zombie := c.noAck
			if zombie {
				s.unacked++
			}
			s.notifyLocked()
			s.mu.Unlock()
			if zombie {
				continue
			}
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
		Token   string  `json:"token"`
		Intents int64   `json:"intents"`
		Shard   *[2]int `json:"shard"`
	}
	if json.Unmarshal(d, &id) != nil || id.Token != "Bot "+s.token() {
		c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		return false
	}
	shard, count := 0, 1
	if id.Shard != nil {
		shard, count = id.Shard[0], id.Shard[1]
	}
	if count < 1 || shard < 0 || shard >= count {
		c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4010, "Invalid shard."))
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if id.Intents&s.disallowed != 0 {
		c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."))
		return false
	}
	if count != s.shardCount {
		// A new shard count: sessions of the old layout are over.
		for k, sh := range s.shards {
			if sh.conn != nil && sh.conn != c {
				sh.conn.ws.Close()
			}
			delete(s.shards, k)
		}
		s.shardCount = count
	}
	sh := s.shards[shard]
	if sh == nil {
		sh = &gwShard{}
		s.shards[shard] = sh
	}
	if sh.conn != nil && sh.conn != c {
		sh.conn.ws.Close()
	}
	s.sessions++
	sh.sessionID = fmt.Sprintf("fake-session-%d", s.sessions)
	sh.seq = 0
	sh.intents = id.Intents
	sh.history = nil
	s.identifies = append(s.identifies, append(json.RawMessage(nil), redactToken(d)...))
	s.intents = id.Intents
	sh.conn = c
	sh.seq++
	seq := sh.seq
	ready := map[string]any{
		"v":                  9,
		"session_id":         sh.sessionID,
		"resume_gateway_url": "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway",
		"user":               map[string]any{"id": BotUserID, "username": BotName, "discriminator": "0", "bot": true},
		"application":        map[string]any{"id": AppID, "flags": 0},
		"guilds":             []any{},
		"private_channels":   []any{},
		"shard":              []int{shard, count},
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
	if json.Unmarshal(d, &rp) != nil || rp.Token != "Bot "+s.token() {
		c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4004, "Authentication failed."))
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var sh *gwShard
	for _, x := range s.shards {
		if rp.SessionID != "" && x.sessionID == rp.SessionID {
			sh = x
		}
	}
	if sh == nil {
		// Invalid session, not resumable: the client identifies anew.
		return c.write(outFrame{Op: 9, D: false}) == nil
	}
	if sh.intents&s.disallowed != 0 {
		c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4014, "Disallowed intent(s)."))
		return false
	}
	if sh.conn != nil && sh.conn != c {
		sh.conn.ws.Close()
	}
	sh.conn = c
	s.resumes++
	seq := rp.Seq
	if err := c.write(outFrame{Op: 0, T: "RESUMED", S: &seq, D: map[string]any{}}); err != nil {
		return false
	}
	from := rp.Seq - int64(s.replay)
	s.replay = 0
	for _, ev := range sh.history {
		if ev.seq > from {
			sq := ev.seq
			if c.write(outFrame{Op: 0, T: ev.typ, S: &sq, D: ev.data}) != nil {
				return false
			}
		}
	}
	s.notifyLocked()
	return true
}

// Dispatch sends an event to the bot, on the shard of the event's guild_id (shard 0 when
// it has none), or keeps it for the bot to receive when it resumes if that shard's
// connection is down, as Discord does.
func (s *Server) Dispatch(typ string, data any) error {
	raw, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("discordtest: dispatch %s: %w", typ, err)
	}
	var where struct {
		GuildID string `json:"guild_id"`
	}
	json.Unmarshal(raw, &where)
	s.mu.Lock()
	defer s.mu.Unlock()
	id := ShardOf(where.GuildID, s.shardCount)
	sh := s.shards[id]
	if sh == nil {
		sh = &gwShard{}
		s.shards[id] = sh
	}
	sh.seq++
	seq := sh.seq
	sh.history = append(sh.history, dispatch{seq: seq, typ: typ, data: raw})
	if len(sh.history) > maxHistory {
		sh.history = append([]dispatch(nil), sh.history[len(sh.history)-maxHistory/2:]...)
	}
	if sh.conn != nil {
		// A failed write leaves the event in the history, for the resume.
		sh.conn.write(outFrame{Op: 0, T: typ, S: &seq, D: json.RawMessage(raw)})
	}
	s.notifyLocked()
	return nil
}

// DropConnection cuts every gateway connection without a close frame, as a network
// failure would; the bot should reconnect and RESUME.
func (s *Server) DropConnection() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sh := range s.shards {
		if sh.conn != nil {
			sh.conn.ws.UnderlyingConn().Close()
			sh.conn = nil
		}
	}
	s.notifyLocked()
}

// DropShard cuts the gateway connection of one shard, as DropConnection does for all.
func (s *Server) DropShard(id int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh := s.shards[id]; sh != nil && sh.conn != nil {
		sh.conn.ws.UnderlyingConn().Close()
		sh.conn = nil
	}
	s.notifyLocked()
}

// WaitConnected waits up to timeout for a bot to hold a gateway connection on every shard.
func (s *Server) WaitConnected(timeout time.Duration) bool {
	return s.WaitUntil(timeout, s.Connected)
}
