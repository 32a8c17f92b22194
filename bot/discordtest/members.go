package discordtest

import (
	"encoding/json"
	"strconv"
	"time"
)

// Permission bits of a Member, as Discord numbers them.
const (
	PermAdministrator int64 = 1 << 3
	PermManageServer  int64 = 1 << 5
)

// Member is a guild member with roles and permissions, for the commands that check them;
// the members of Slash, Click and Autocomplete have no role and no Manage Server.
type Member struct {
	User
	Roles       []string
	Permissions int64
}

// Attachment is a file a member attached to a slash command's attachment option; URL is
// where the bot downloads it from.
type Attachment struct {
	ID          string
	Filename    string
	ContentType string
	Size        int
	URL         string
}

// Subcommand dispatches /name sub with options, as member m typed it at p; an option
// whose Value is an Attachment is an attachment option, resolved as Discord does. It
// returns the interaction's id.
func (s *Server) Subcommand(m Member, p Place, name, sub string, opts ...Opt) string {
	options := []map[string]any{}
	attachments := map[string]any{}
	for _, o := range opts {
		if a, ok := o.Value.(Attachment); ok {
			options = append(options, map[string]any{"name": o.Name, "type": 11, "value": a.ID})
			att := map[string]any{"id": a.ID, "filename": a.Filename, "size": a.Size, "url": a.URL, "proxy_url": a.URL}
			if a.ContentType != "" {
				att["content_type"] = a.ContentType
			}
			attachments[a.ID] = att
			continue
		}
		options = append(options, map[string]any{"name": o.Name, "type": optionType(o.Value), "value": o.Value})
	}
	data := map[string]any{"id": "cmd-" + name, "name": name, "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": options}}}
	if len(attachments) > 0 {
		data["resolved"] = map[string]any{"attachments": attachments}
	}
	return s.interactAs(m, p, 2, data, nil, "")
}

// SubcommandGroup dispatches /name group sub with options (strings, numbers, booleans),
// as member m typed it at p; it returns the interaction's id.
func (s *Server) SubcommandGroup(m Member, p Place, name, group, sub string, opts ...Opt) string {
	options := []map[string]any{}
	for _, o := range opts {
		options = append(options, map[string]any{"name": o.Name, "type": optionType(o.Value), "value": o.Value})
	}
	data := map[string]any{"id": "cmd-" + name, "name": name, "type": 1,
		"options": []map[string]any{{"name": group, "type": 2, "options": []map[string]any{{"name": sub, "type": 1, "options": options}}}}}
	return s.interactAs(m, p, 2, data, nil, "")
}

// MessageCommandAs is MessageCommand by member m, with m's roles and permissions.
func (s *Server) MessageCommandAs(m Member, p Place, name, target string) (string, error) {
	data, err := s.messageCommandData(name, target)
	if err != nil {
		return "", err
	}
	return s.interactAs(m, p, 2, data, nil, ""), nil
}

// SubcommandAutocomplete dispatches an autocomplete request for option focused of
// /name sub, typed so far, as member m, with the options filled in already; it returns
// the interaction's id.
func (s *Server) SubcommandAutocomplete(m Member, p Place, name, sub, focused, typed string, filled ...Opt) string {
	options := []map[string]any{}
	for _, o := range filled {
		options = append(options, map[string]any{"name": o.Name, "type": optionType(o.Value), "value": o.Value})
	}
	options = append(options, map[string]any{"name": focused, "type": 3, "value": typed, "focused": true})
	data := map[string]any{"id": "cmd-" + name, "name": name, "type": 1,
		"options": []map[string]any{{"name": sub, "type": 1, "options": options}}}
	return s.interactAs(m, p, 4, data, nil, "")
}

// ClickAs is Click by member m, with m's roles and permissions.
func (s *Server) ClickAs(m Member, messageID, customID string) (string, error) {
	place, raw, err := s.clickTarget(messageID, customID)
	if err != nil {
		return "", err
	}
	data := map[string]any{"custom_id": customID, "component_type": 2}
	return s.interactAs(m, place, 3, data, raw, messageID), nil
}

// ClickFrom presses a button with customID as member m at place p without checking that
// a message there has it: the click of a stale or forged message, which Discord delivers
// all the same. It returns the interaction's id.
func (s *Server) ClickFrom(m Member, p Place, customID string) string {
	data := map[string]any{"custom_id": customID, "component_type": 2}
	return s.interactAs(m, p, 3, data, nil, "")
}

// ChannelMessages returns the contents of the messages the bot posted to channel, in
// order.
func (s *Server) ChannelMessages(channel string) []string {
	var out []string
	for _, c := range s.Calls() {
		if c.Kind != KindChannelMessage || c.ChannelID != channel || c.Status >= 300 {
			continue
		}
		if p, err := c.Payload(); err == nil {
			out = append(out, p.Content)
		}
	}
	return out
}

// interactAs registers and dispatches an interaction of type typ by member m (a user,
// in a direct message, when p has no guild); it returns the interaction's id.
func (s *Server) interactAs(m Member, p Place, typ int, data any, message json.RawMessage, messageID string) string {
	s.mu.Lock()
	id := s.newIDLocked()
	token := "itoken-" + id
	s.inters[token] = &interaction{id: id, token: token, typ: typ, channelID: p.ChannelID, guildID: p.GuildID,
		sent: time.Now(), messageID: messageID}
	s.mu.Unlock()
	obj := map[string]any{
		"id": id, "application_id": AppID, "type": typ, "token": token, "version": 1,
		"channel_id": p.ChannelID, "data": data, "locale": "en-US",
		"app_permissions": "2248473465835073", "entitlements": []any{},
	}
	if p.GuildID != "" {
		roles := []any{}
		for _, r := range m.Roles {
			roles = append(roles, r)
		}
		obj["guild_id"], obj["guild_locale"], obj["context"] = p.GuildID, "en-US", 0
		obj["member"] = map[string]any{
			"user": userJSON(m.User), "roles": roles, "permissions": strconv.FormatInt(m.Permissions, 10),
			"joined_at": "2025-01-01T00:00:00Z", "deaf": false, "mute": false,
		}
	} else {
		obj["context"] = 1
		obj["user"] = userJSON(m.User)
	}
	if message != nil {
		obj["message"] = message
	}
	s.Dispatch("INTERACTION_CREATE", obj)
	return id
}
