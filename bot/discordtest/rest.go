package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Discord's answer time and token lifetime for interactions.
const (
	ackWindow     = 3 * time.Second
	tokenLifetime = 15 * time.Minute
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func discordError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

// serveREST answers /api/v9/...: the calls the bot makes.
func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	path := strings.TrimPrefix(r.URL.Path, "/api/v9")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	rec := &Call{Time: time.Now(), Method: r.Method, Path: path, Kind: KindOther}
	if json.Valid(body) {
		rec.Body = append(json.RawMessage(nil), body...)
	} else if len(body) > 0 {
		b, _ := json.Marshal(string(body))
		rec.Body = b
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		s.mu.Lock()
		rec.Seq = s.callCount
		s.callCount++
		rec.Status = sw.status
		if !s.noRecord {
			s.calls = append(s.calls, *rec)
			if rec.InteractionID != "" {
				s.byInter[rec.InteractionID] = append(s.byInter[rec.InteractionID], rec.Seq)
			}
		}
		hook := s.hook
		s.notifyLocked()
		s.mu.Unlock()
		if hook != nil {
			hook(*rec)
		}
	}()
	w = sw
	rec.Kind = kindOf(r.Method, path, parts)
	if rec.Kind == KindCallback {
		rec.InteractionID, rec.Token = parts[1], parts[2]
	}
	if wait, over := s.overLimit(rec.Kind); over {
		rec.Faulted = true
		applyFault(sw, Fault{Status: http.StatusTooManyRequests, RetryAfter: wait}, nil)
		return
	}
	if f, ok := s.takeFault(rec.Kind); ok {
		rec.Faulted = f.Status != 0 || f.Reset
		if applyFault(sw, f, func(w http.ResponseWriter) { s.handleREST(w, r, rec, path, parts, body) }) {
			return
		}
	}
	s.handleREST(w, r, rec, path, parts, body)
}

// kindOf says what a REST call is, from its method and path.
func kindOf(method, path string, parts []string) CallKind {
	switch {
	case method == http.MethodGet && (path == "/gateway" || path == "/gateway/bot"):
		return KindGateway
	case method == http.MethodPost && len(parts) == 4 && parts[0] == "interactions" && parts[3] == "callback":
		return KindCallback
	case len(parts) >= 3 && parts[0] == "webhooks":
		switch {
		case len(parts) == 3 && method == http.MethodPost:
			return KindFollowup
		case len(parts) == 5 && parts[3] == "messages" && method == http.MethodPatch && parts[4] == "@original":
			return KindEditOriginal
		case len(parts) == 5 && parts[3] == "messages" && method == http.MethodPatch:
			return KindEditFollowup
		case len(parts) == 5 && parts[3] == "messages" && method == http.MethodDelete:
			return KindDeleteOriginal
		}
	case method == http.MethodPost && len(parts) == 3 && parts[0] == "channels" && parts[2] == "messages":
		return KindChannelMessage
	case method == http.MethodPost && len(parts) == 5 && parts[0] == "channels" && parts[2] == "messages" && parts[4] == "threads":
		return KindThreadStart
	case method == http.MethodPost && path == "/users/@me/channels":
		return KindDMChannel
	case method == http.MethodPut && parts[0] == "applications" && (len(parts) == 3 && parts[2] == "commands" ||
		len(parts) == 5 && parts[2] == "guilds" && parts[4] == "commands"):
		return KindCommands
	}
	return KindOther
}

// handleREST answers one REST call of kind rec.Kind.
func (s *Server) handleREST(w http.ResponseWriter, r *http.Request, rec *Call, path string, parts []string, body []byte) {
	authed := r.Header.Get("Authorization") == "Bot "+s.token()
	if s.takeRateLimit(path) {
		w.Header().Set("Retry-After", "0.05")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{
			"message": "You are being rate limited.", "retry_after": 0.05, "global": false,
		})
		return
	}

	switch rec.Kind {
	case KindGateway:
		if path == "/gateway/bot" && !authed {
			discordError(w, 401, 0, "401: Unauthorized")
			return
		}
		s.mu.Lock()
		shards := s.recommend
		s.mu.Unlock()
		writeJSON(w, 200, map[string]any{
			"url":    "ws" + strings.TrimPrefix(s.URL, "http") + "/gateway",
			"shards": shards,
			"session_start_limit": map[string]any{
				"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1,
			},
		})
	case KindCallback:
		rec.InteractionID, rec.Token = parts[1], parts[2]
		s.holdCallback()
		s.callback(w, rec, body)
	case KindFollowup, KindEditOriginal, KindEditFollowup, KindDeleteOriginal:
		rec.Token = parts[2]
		s.webhook(w, r, rec, parts, body)
	case KindChannelMessage:
		rec.ChannelID = parts[1]
		if !authed {
			discordError(w, 401, 0, "401: Unauthorized")
			return
		}
		s.mu.Lock()
		refused := s.refusesMessagesLocked(rec.ChannelID)
		s.mu.Unlock()
		if refused {
			discordError(w, 403, 50013, "Missing Permissions")
			return
		}
		s.channelMessage(w, rec, body)
	case KindThreadStart:
		if !authed {
			discordError(w, 401, 0, "401: Unauthorized")
			return
		}
		s.threadStart(w, rec, parts[1], parts[3], body)
	case KindDMChannel:
		if !authed {
			discordError(w, 401, 0, "401: Unauthorized")
			return
		}
		s.dmChannel(w, rec, body)
	case KindCommands:
		if len(parts) == 5 {
			rec.GuildID = parts[3]
		}
		if !authed {
			discordError(w, 401, 0, "401: Unauthorized")
			return
		}
		if parts[1] != AppID {
			discordError(w, 403, 50001, "Missing Access")
			return
		}
		s.commands(w, rec, body)
	default:
		if len(parts) >= 3 && parts[0] == "webhooks" {
			rec.Token = parts[2]
			s.webhook(w, r, rec, parts, body)
			return
		}
		discordError(w, 404, 0, "404: Not Found")
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// RateLimitNext makes the server answer the next n REST requests (other than GET
// /gateway) with 429 Too Many Requests and a retry_after of 50 ms, as Discord does when a
// bucket is empty.
func (s *Server) RateLimitNext(n int) {
	s.mu.Lock()
	s.limitNext = n
	s.mu.Unlock()
}

// takeRateLimit reports whether the request for path is to be refused with a 429.
func (s *Server) takeRateLimit(path string) bool {
	if path == "/gateway" || path == "/gateway/bot" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limitNext <= 0 {
		return false
	}
	s.limitNext--
	return true
}

// holdCallback waits the delay set by SetCallbackDelay, counted in DelayedCallbacks.
func (s *Server) holdCallback() {
	s.mu.Lock()
	d := s.delay
	if d <= 0 {
		s.mu.Unlock()
		return
	}
	s.delayed++
	s.notifyLocked()
	s.mu.Unlock()
	time.Sleep(d)
	s.mu.Lock()
	s.delayed--
	s.notifyLocked()
	s.mu.Unlock()
}

// callback handles POST /interactions/{id}/{token}/callback.
func (s *Server) callback(w http.ResponseWriter, rec *Call, body []byte) {
	var cb struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		discordError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.inters[rec.Token]
	if in == nil || in.id != rec.InteractionID {
		s.violateLocked("callback for unknown interaction %s", rec.InteractionID)
		discordError(w, 404, 10062, "Unknown interaction")
		return
	}
	if in.acked != 0 {
		s.violateLocked("interaction %s answered twice (type %d, then %d)", in.id, in.acked, cb.Type)
		discordError(w, 400, 40060, "Interaction has already been acknowledged.")
		return
	}
	if late := rec.Time.Sub(in.sent); late > ackWindow {
		s.violateLocked("interaction %s acknowledged after %s (limit %s)", in.id, late.Round(time.Millisecond), ackWindow)
		discordError(w, 404, 10062, "Unknown interaction")
		return
	}
	allowed := map[int][]int{2: {4, 5, 9}, 3: {4, 5, 6, 7, 9}, 4: {8}, 5: {4, 5, 6, 7}}[in.typ]
	ok := false
	for _, t := range allowed {
		ok = ok || t == cb.Type
	}
	if !ok {
		s.violateLocked("interaction %s of type %d answered with callback type %d", in.id, in.typ, cb.Type)
		discordError(w, 400, 50035, "Invalid Form Body")
		return
	}
	var problems []string
	switch cb.Type {
	case 4, 7:
		problems = checkMessage(cb.Data, true)
	case 5:
		problems = checkMessage(cb.Data, false)
	case 8:
		problems = checkChoices(cb.Data)
	}
	if len(problems) > 0 {
		for _, p := range problems {
			s.violateLocked("interaction %s callback type %d: %s", in.id, cb.Type, p)
		}
		discordError(w, 400, 50035, "Invalid Form Body")
		return
	}
	in.acked = cb.Type
	var m messageFields
	json.Unmarshal(cb.Data, &m)
	switch cb.Type {
	case 4, 5:
		id := s.newIDLocked()
		sm := &storedMessage{ID: id, ChannelID: in.channelID, GuildID: in.guildID, AuthorID: BotUserID, Flags: m.Flags}
		if cb.Type == 4 {
			m.apply(sm)
		}
		s.messages[id] = sm
		in.original = id
		rec.MessageID = id
	case 6:
		in.original = in.messageID
	case 7:
		in.original = in.messageID
		if sm := s.messages[in.messageID]; sm != nil {
			flags := sm.Flags
			m.apply(sm)
			sm.Flags = flags // an update cannot change whether a message is ephemeral
		}
		rec.MessageID = in.messageID
	}
	w.WriteHeader(http.StatusNoContent)
}

// messageFields are the parts of a message payload the server keeps.
type messageFields struct {
	Content    *string         `json:"content"`
	Embeds     json.RawMessage `json:"embeds"`
	Components json.RawMessage `json:"components"`
	Flags      int             `json:"flags"`
}

func (m messageFields) apply(sm *storedMessage) {
	if m.Content != nil {
		sm.Content = *m.Content
	}
	if m.Embeds != nil {
		sm.Embeds = m.Embeds
	}
	if m.Components != nil {
		sm.Components = m.Components
	}
	sm.Flags = m.Flags
}

// webhook handles the interaction webhooks: edits of the original response, follow-ups.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request, rec *Call, parts []string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.inters[rec.Token]
	if parts[1] != AppID || in == nil {
		s.violateLocked("webhook call %s %s for an unknown interaction", r.Method, rec.Path)
		discordError(w, 404, 10015, "Unknown Webhook")
		return
	}
	rec.InteractionID = in.id
	if in.acked == 0 {
		s.violateLocked("webhook call %s %s before the interaction was acknowledged", r.Method, rec.Path)
		discordError(w, 404, 10015, "Unknown Webhook")
		return
	}
	if time.Since(in.sent) > tokenLifetime {
		s.violateLocked("webhook call after the interaction token expired")
		discordError(w, 401, 50027, "Invalid Webhook Token")
		return
	}
	switch {
	case len(parts) == 3 && r.Method == http.MethodPost:
		rec.Kind = KindFollowup
		if probs := checkMessage(body, true); len(probs) > 0 {
			for _, p := range probs {
				s.violateLocked("follow-up to interaction %s: %s", in.id, p)
			}
			discordError(w, 400, 50035, "Invalid Form Body")
			return
		}
		var m messageFields
		json.Unmarshal(body, &m)
		id := s.newIDLocked()
		sm := &storedMessage{ID: id, ChannelID: in.channelID, GuildID: in.guildID, AuthorID: BotUserID}
		m.apply(sm)
		s.messages[id] = sm
		rec.MessageID = id
		if r.URL.Query().Get("wait") == "true" {
			raw, _ := s.messageJSONLocked(id)
			w.Header().Set("Content-Type", "application/json")
			w.Write(raw)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case len(parts) == 5 && parts[3] == "messages":
		target := parts[4]
		if target == "@original" {
			target = in.original
		}
		sm := s.messages[target]
		if sm == nil {
			discordError(w, 404, 10008, "Unknown Message")
			return
		}
		rec.MessageID = target
		switch r.Method {
		case http.MethodPatch:
			rec.Kind = KindEditOriginal
			if parts[4] != "@original" {
				rec.Kind = KindEditFollowup
			}
			if probs := checkMessage(body, false); len(probs) > 0 {
				for _, p := range probs {
					s.violateLocked("edit for interaction %s: %s", in.id, p)
				}
				discordError(w, 400, 50035, "Invalid Form Body")
				return
			}
			var m messageFields
			json.Unmarshal(body, &m)
			m.Flags = sm.Flags
			m.apply(sm)
			if sm.Content == "" && len(rawOr(sm.Embeds, "[]")) <= 2 {
				s.violateLocked("edit for interaction %s leaves an empty message", in.id)
			}
			raw, _ := s.messageJSONLocked(target)
			w.Header().Set("Content-Type", "application/json")
			w.Write(raw)
		case http.MethodDelete:
			rec.Kind = KindDeleteOriginal
			delete(s.messages, target)
			w.WriteHeader(http.StatusNoContent)
		case http.MethodGet:
			raw, _ := s.messageJSONLocked(target)
			w.Header().Set("Content-Type", "application/json")
			w.Write(raw)
		default:
			discordError(w, 405, 0, "405: Method Not Allowed")
		}
	default:
		discordError(w, 404, 0, "404: Not Found")
	}
}

// channelMessage handles POST /channels/{id}/messages.
func (s *Server) channelMessage(w http.ResponseWriter, rec *Call, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if probs := checkMessage(body, true); len(probs) > 0 {
		for _, p := range probs {
			s.violateLocked("message to channel %s: %s", rec.ChannelID, p)
		}
		discordError(w, 400, 50035, "Invalid Form Body")
		return
	}
	var m messageFields
	json.Unmarshal(body, &m)
	var nonce struct {
		Nonce   string `json:"nonce"`
		Enforce bool   `json:"enforce_nonce"`
	}
	json.Unmarshal(body, &nonce)
	key := rec.ChannelID + "/" + nonce.Nonce
	if id, seen := s.nonces[key]; seen && nonce.Enforce && nonce.Nonce != "" {
		// Discord returns the message made with this nonce instead of making another.
		rec.MessageID = id
		raw, _ := s.messageJSONLocked(id)
		w.Header().Set("Content-Type", "application/json")
		w.Write(raw)
		return
	}
	var guild string
	for _, sm := range s.messages {
		if sm.ChannelID == rec.ChannelID && sm.GuildID != "" {
			guild = sm.GuildID
			break
		}
	}
	id := s.newIDLocked()
	sm := &storedMessage{ID: id, ChannelID: rec.ChannelID, GuildID: guild, AuthorID: BotUserID}
	m.apply(sm)
	s.messages[id] = sm
	if nonce.Enforce && nonce.Nonce != "" {
		s.nonces[key] = id
	}
	rec.MessageID = id
	raw, _ := s.messageJSONLocked(id)
	w.Header().Set("Content-Type", "application/json")
	w.Write(raw)
}

// commands handles a bulk overwrite of commands.
func (s *Server) commands(w http.ResponseWriter, rec *Call, body []byte) {
	var cmds []map[string]any
	if err := json.Unmarshal(body, &cmds); err != nil {
		discordError(w, 400, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if probs := checkCommands(cmds); len(probs) > 0 {
		for _, p := range probs {
			s.violateLocked("command registration: %s", p)
		}
		discordError(w, 400, 50035, "Invalid Form Body")
		return
	}
	for _, c := range cmds {
		c["id"] = s.newIDLocked()
		c["application_id"] = AppID
		c["version"] = s.newIDLocked()
		if rec.GuildID != "" {
			c["guild_id"] = rec.GuildID
		}
		if v, ok := c["default_member_permissions"]; ok && v != nil {
			if _, isString := v.(string); !isString {
				s.violateLocked("command %v: default_member_permissions must be a string", c["name"])
			}
		}
	}
	writeJSON(w, 200, cmds)
}

// Commands returns the commands of the last bulk overwrite for guild (empty: global).
func (s *Server) Commands(guild string) []map[string]any {
	var last []map[string]any
	for _, c := range s.Calls() {
		if c.Kind == KindCommands && c.GuildID == guild && c.Status == 200 {
			last = nil
			json.Unmarshal(c.Body, &last)
		}
	}
	return last
}

// Sprint is a helper for messages in tests: a payload's content and embeds as text.
func (p Payload) Sprint() string {
	var b strings.Builder
	b.WriteString(p.Content)
	for _, e := range p.Embeds {
		fmt.Fprintf(&b, "\n[%s](%s)\n%s", e.Title, e.URL, e.Description)
		if e.Footer != nil {
			fmt.Fprintf(&b, "\n— %s", e.Footer.Text)
		}
	}
	for _, c := range p.Buttons() {
		fmt.Fprintf(&b, "\n<button %q %s%s>", c.Label, c.CustomID, c.URL)
	}
	return b.String()
}
