package discordtest

import (
	"encoding/json"
	"fmt"
	"time"
)

// Opt is an option of a slash command as a member filled it in.
type Opt struct {
	Name  string
	Value any // string, bool, int or float64
}

func userJSON(u User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Name, "global_name": u.Name, "discriminator": "0"}
}

// memberPermissions is what a member of the fake guild may do, as Discord sends it: a
// string.
const memberPermissions = "1071698660929"

// newInteraction registers and dispatches an interaction of type typ with data; it
// returns the interaction's id.
func (s *Server) newInteraction(u User, p Place, typ int, data any, message json.RawMessage, messageID string) string {
	s.mu.Lock()
	id := s.newIDLocked()
	token := "itoken-" + id
	in := &interaction{id: id, token: token, typ: typ, channelID: p.ChannelID, guildID: p.GuildID, sent: time.Now(), messageID: messageID}
	s.inters[token] = in
	s.mu.Unlock()

	obj := map[string]any{
		"id":              id,
		"application_id":  AppID,
		"type":            typ,
		"token":           token,
		"version":         1,
		"channel_id":      p.ChannelID,
		"data":            data,
		"locale":          "en-US",
		"app_permissions": "2248473465835073",
		"entitlements":    []any{},
	}
	if p.GuildID != "" {
		obj["guild_id"] = p.GuildID
		obj["guild_locale"] = "en-US"
		obj["context"] = 0
		obj["member"] = map[string]any{
			"user": userJSON(u), "roles": []any{}, "permissions": memberPermissions,
			"joined_at": "2025-01-01T00:00:00Z", "deaf": false, "mute": false,
		}
	} else {
		obj["context"] = 1
		obj["user"] = userJSON(u)
	}
	if message != nil {
		obj["message"] = message
	}
	s.Dispatch("INTERACTION_CREATE", obj)
	return id
}

func optionType(v any) int {
	switch v.(type) {
	case bool:
		return 5
	case int, int64:
		return 4
	case float64:
		return 10
	default:
		return 3
	}
}

// Slash dispatches a slash command /name with options, as member u typed it at p; it
// returns the interaction's id.
func (s *Server) Slash(u User, p Place, name string, opts ...Opt) string {
	var options []map[string]any
	for _, o := range opts {
		options = append(options, map[string]any{"name": o.Name, "type": optionType(o.Value), "value": o.Value})
	}
	data := map[string]any{"id": "cmd-" + name, "name": name, "type": 1, "options": options}
	return s.newInteraction(u, p, 2, data, nil, "")
}

// Autocomplete dispatches an autocomplete request for option focused of /name, whose
// text so far is typed; it returns the interaction's id.
func (s *Server) Autocomplete(u User, p Place, name, focused, typed string, others ...Opt) string {
	options := []map[string]any{{"name": focused, "type": 3, "value": typed, "focused": true}}
	for _, o := range others {
		options = append(options, map[string]any{"name": o.Name, "type": optionType(o.Value), "value": o.Value})
	}
	data := map[string]any{"id": "cmd-" + name, "name": name, "type": 1, "options": options}
	return s.newInteraction(u, p, 4, data, nil, "")
}

// MessageCommand dispatches the message command name used on the message with id target
// (posted with Post); it returns the interaction's id.
func (s *Server) MessageCommand(u User, p Place, name, target string) (string, error) {
	data, err := s.messageCommandData(name, target)
	if err != nil {
		return "", err
	}
	return s.newInteraction(u, p, 2, data, nil, ""), nil
}

// messageCommandData is the data of the message command name on the message target.
func (s *Server) messageCommandData(name, target string) (map[string]any, error) {
	s.mu.Lock()
	raw, ok := s.messageJSONLocked(target)
	s.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("discordtest: no message %s", target)
	}
	return map[string]any{
		"id": "cmd-" + name, "name": name, "type": 3, "target_id": target,
		"resolved": map[string]any{"messages": map[string]json.RawMessage{target: raw}},
	}, nil
}

// Click presses the button with customID on the message with id messageID, as member u;
// it returns the interaction's id. Like Discord, it refuses a button the message does not
// have, or one that is disabled.
func (s *Server) Click(u User, messageID, customID string) (string, error) {
	place, raw, err := s.clickTarget(messageID, customID)
	if err != nil {
		return "", err
	}
	data := map[string]any{"custom_id": customID, "component_type": 2}
	return s.newInteraction(u, place, 3, data, raw, messageID), nil
}

// clickTarget returns where the message messageID is and its JSON, after checking, as
// Discord does before it sends a click, that it has an enabled button customID.
func (s *Server) clickTarget(messageID, customID string) (Place, json.RawMessage, error) {
	s.mu.Lock()
	m, ok := s.messages[messageID]
	var raw json.RawMessage
	if ok {
		raw, ok = s.messageJSONLocked(messageID)
	}
	s.mu.Unlock()
	if !ok {
		return Place{}, nil, fmt.Errorf("discordtest: no message %s", messageID)
	}
	var p Payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return Place{}, nil, fmt.Errorf("discordtest: message %s: %w", messageID, err)
	}
	for _, b := range p.Buttons() {
		if b.CustomID == customID && !b.Disabled {
			return Place{GuildID: m.GuildID, ChannelID: m.ChannelID}, raw, nil
		}
	}
	return Place{}, nil, fmt.Errorf("discordtest: message %s has no enabled button %q", messageID, customID)
}

// Post dispatches MESSAGE_CREATE for a message by u at p, mentioning the bot when
// mentionBot is set (the content should then hold "<@BotUserID>"); it returns the
// message's id. The message is kept, so that a message command can target it.
func (s *Server) Post(u User, p Place, content string, mentionBot bool) string {
	return s.post(u, p, content, mentionBot, "")
}

// PostReply is Post for a message that replies to the message with id replyTo.
func (s *Server) PostReply(u User, p Place, content string, mentionBot bool, replyTo string) string {
	return s.post(u, p, content, mentionBot, replyTo)
}

func (s *Server) post(u User, p Place, content string, mentionBot bool, replyTo string) string {
	s.mu.Lock()
	id := s.newIDLocked()
	s.messages[id] = &storedMessage{ID: id, ChannelID: p.ChannelID, GuildID: p.GuildID, AuthorID: u.ID, AuthorName: u.Name, Content: content}
	var ref json.RawMessage
	if replyTo != "" {
		ref, _ = s.messageJSONLocked(replyTo)
	}
	s.mu.Unlock()
	mentions := []any{}
	if mentionBot {
		mentions = append(mentions, map[string]any{"id": BotUserID, "username": BotName, "bot": true, "discriminator": "0"})
	}
	obj := map[string]any{
		"id": id, "channel_id": p.ChannelID, "author": userJSON(u), "content": content,
		"timestamp": time.Now().UTC().Format(time.RFC3339), "type": 0, "mentions": mentions,
		"mention_roles": []any{}, "attachments": []any{}, "embeds": []any{}, "tts": false,
		"mention_everyone": false, "pinned": false,
	}
	if p.GuildID != "" {
		obj["guild_id"] = p.GuildID
		obj["member"] = map[string]any{"roles": []any{}, "joined_at": "2025-01-01T00:00:00Z", "deaf": false, "mute": false}
	}
	if ref != nil {
		obj["type"] = 19
		obj["message_reference"] = map[string]any{"message_id": replyTo, "channel_id": p.ChannelID, "guild_id": p.GuildID}
		obj["referenced_message"] = ref
	}
	s.Dispatch("MESSAGE_CREATE", obj)
	return id
}
