package discordtest

// This file: threads, direct-message channels and permissions the bot lacks in a channel.

import (
	"encoding/json"
	"net/http"
)

// Kinds of the calls of this file.
const (
	KindThreadStart CallKind = "thread_start" // POST /channels/{id}/messages/{id}/threads
	KindDMChannel   CallKind = "dm_channel"   // POST /users/@me/channels
)

// channelState is what the server knows of channels beyond their messages.
type channelState struct {
	noSend    map[string]bool   // channels where the bot's messages are refused
	noThreads map[string]bool   // channels where the bot may not open a thread
	threads   map[string]string // thread id → the channel it was opened in
	dms       map[string]string // user id → direct-message channel id
}

func (c *channelState) init() {
	if c.noSend == nil {
		c.noSend, c.noThreads, c.threads, c.dms = map[string]bool{}, map[string]bool{}, map[string]string{}, map[string]string{}
	}
}

// RefuseMessages makes the server refuse the bot's messages to channel with 403 Missing
// Permissions, as Discord does where the bot lacks Send Messages (Send Messages in
// Threads, in a thread).
func (s *Server) RefuseMessages(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chans.init()
	s.chans.noSend[channel] = true
}

// RefuseThreads makes the server refuse to open a thread on a message of channel with
// 403 Missing Permissions, as Discord does where the bot lacks Create Public Threads.
func (s *Server) RefuseThreads(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chans.init()
	s.chans.noThreads[channel] = true
}

// ThreadParent returns the channel the thread with id was opened in by the bot, and
// whether it was.
func (s *Server) ThreadParent(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.chans.threads[id]
	return p, ok
}

// refusesMessagesLocked reports whether the bot's messages to channel are refused.
func (s *Server) refusesMessagesLocked(channel string) bool { return s.chans.noSend[channel] }

// threadStart answers POST /channels/{channel}/messages/{message}/threads: a public
// thread on the message.
func (s *Server) threadStart(w http.ResponseWriter, rec *Call, channel, message string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chans.init()
	rec.Kind, rec.ChannelID, rec.MessageID = KindThreadStart, channel, message
	if s.chans.noThreads[channel] {
		discordError(w, 403, 50013, "Missing Permissions")
		return
	}
	var req struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Name == "" || len([]rune(req.Name)) > 100 {
		s.violateLocked("thread on message %s: a name of 1 to 100 characters is required", message)
		discordError(w, 400, 50035, "Invalid Form Body")
		return
	}
	m, ok := s.messages[message]
	if !ok || m.ChannelID != channel {
		discordError(w, 404, 10008, "Unknown Message")
		return
	}
	id := s.newIDLocked()
	s.chans.threads[id] = channel
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "type": 11, "guild_id": m.GuildID,
		"parent_id": channel, "name": req.Name, "owner_id": BotUserID})
}

// dmChannel answers POST /users/@me/channels: the direct-message channel with a user.
func (s *Server) dmChannel(w http.ResponseWriter, rec *Call, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chans.init()
	rec.Kind = KindDMChannel
	var req struct {
		RecipientID string `json:"recipient_id"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.RecipientID == "" {
		discordError(w, 400, 50035, "Invalid Form Body")
		return
	}
	id, ok := s.chans.dms[req.RecipientID]
	if !ok {
		id = s.newIDLocked()
		s.chans.dms[req.RecipientID] = id
	}
	rec.ChannelID = id
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "type": 1,
		"recipients": []any{map[string]any{"id": req.RecipientID, "username": "member", "discriminator": "0"}}})
}

// DMChannel returns the direct-message channel the bot opened with user, if any.
func (s *Server) DMChannel(user string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.chans.dms[user]
	return id, ok
}
