package discordtest

import (
	"encoding/json"
	"fmt"
	"regexp"
	"unicode/utf16"
)

// Discord's limits, from its developer documentation.
const (
	MaxContent       = 2000
	MaxEmbeds        = 10
	MaxEmbedsTotal   = 6000
	MaxEmbedTitle    = 256
	MaxEmbedDesc     = 4096
	MaxFields        = 25
	MaxFieldName     = 256
	MaxFieldValue    = 1024
	MaxFooter        = 2048
	MaxAuthorName    = 256
	MaxRows          = 5
	MaxButtonsPerRow = 5
	MaxCustomID      = 100
	MaxButtonLabel   = 80
	MaxButtonURL     = 512
	MaxChoices       = 25
	MaxChoiceName    = 100
)

// Len is the length of s as Discord counts it: UTF-16 code units.
func Len(s string) int { return len(utf16.Encode([]rune(s))) }

// CheckMessage returns every way the message payload raw breaks Discord's rules or could
// ping someone. nonEmpty requires content or an embed, as a new message does.
func CheckMessage(raw json.RawMessage) []string { return checkMessage(raw, true) }

func checkMessage(raw json.RawMessage, nonEmpty bool) []string {
	var p Payload
	if len(raw) == 0 || string(raw) == "null" {
		if nonEmpty {
			return []string{"empty message: no data"}
		}
		return nil
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return []string{fmt.Sprintf("cannot decode message: %v", err)}
	}
	var probs []string
	bad := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }

	var present map[string]json.RawMessage
	json.Unmarshal(raw, &present)
	if nonEmpty && p.Content == "" && len(p.Embeds) == 0 {
		bad("empty message: no content and no embed")
	}
	if _, has := present["allowed_mentions"]; !has || p.AllowedMentions == nil {
		bad("no allowed_mentions: the message could ping")
	} else {
		am := p.AllowedMentions
		if am.Parse == nil || len(*am.Parse) != 0 || len(am.Users) > 0 || len(am.Roles) > 0 || am.RepliedUser {
			bad("allowed_mentions %s lets the message ping", present["allowed_mentions"])
		}
	}
	if n := Len(p.Content); n > MaxContent {
		bad("content has %d characters (limit %d)", n, MaxContent)
	}
	if len(p.Embeds) > MaxEmbeds {
		bad("%d embeds (limit %d)", len(p.Embeds), MaxEmbeds)
	}
	total := 0
	for i, e := range p.Embeds {
		check := func(what, s string, limit int) {
			n := Len(s)
			total += n
			if n > limit {
				bad("embed %d %s has %d characters (limit %d)", i, what, n, limit)
			}
		}
		check("title", e.Title, MaxEmbedTitle)
		check("description", e.Description, MaxEmbedDesc)
		if e.Footer != nil {
			check("footer", e.Footer.Text, MaxFooter)
		}
		if e.Author != nil {
			check("author", e.Author.Name, MaxAuthorName)
		}
		if len(e.Fields) > MaxFields {
			bad("embed %d has %d fields (limit %d)", i, len(e.Fields), MaxFields)
		}
		for _, f := range e.Fields {
			check("field name", f.Name, MaxFieldName)
			check("field value", f.Value, MaxFieldValue)
			if f.Name == "" || f.Value == "" {
				bad("embed %d has an empty field", i)
			}
		}
		if e.Title == "" && e.Description == "" && len(e.Fields) == 0 {
			bad("embed %d is empty", i)
		}
	}
	if total > MaxEmbedsTotal {
		bad("embeds have %d characters together (limit %d)", total, MaxEmbedsTotal)
	}
	if len(p.Components) > MaxRows {
		bad("%d action rows (limit %d)", len(p.Components), MaxRows)
	}
	ids := map[string]bool{}
	for i, row := range p.Components {
		if row.Type != 1 {
			bad("component %d is of type %d, not an action row", i, row.Type)
		}
		if len(row.Components) == 0 || len(row.Components) > MaxButtonsPerRow {
			bad("action row %d has %d buttons (1 to %d)", i, len(row.Components), MaxButtonsPerRow)
		}
		for _, b := range row.Components {
			if b.Type != 2 {
				bad("row %d holds a component of type %d", i, b.Type)
				continue
			}
			if Len(b.Label) > MaxButtonLabel {
				bad("button label %q has %d characters (limit %d)", b.Label, Len(b.Label), MaxButtonLabel)
			}
			if b.Label == "" && b.Emoji == nil {
				bad("button with neither label nor emoji")
			}
			if b.Style == 5 {
				if b.URL == "" || b.CustomID != "" {
					bad("link button needs a url and no custom_id")
				}
				if Len(b.URL) > MaxButtonURL {
					bad("link button url has %d characters (limit %d)", Len(b.URL), MaxButtonURL)
				}
				continue
			}
			if b.CustomID == "" || b.URL != "" {
				bad("button needs a custom_id and no url")
			}
			if Len(b.CustomID) > MaxCustomID {
				bad("custom_id %q has %d characters (limit %d)", b.CustomID, Len(b.CustomID), MaxCustomID)
			}
			if ids[b.CustomID] {
				bad("custom_id %q used twice in a message", b.CustomID)
			}
			ids[b.CustomID] = true
		}
	}
	return probs
}

// checkChoices checks an autocomplete result.
func checkChoices(raw json.RawMessage) []string {
	var d struct {
		Choices *[]Choice `json:"choices"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		return []string{fmt.Sprintf("cannot decode choices: %v", err)}
	}
	if d.Choices == nil {
		return []string{"autocomplete result without a choices list"}
	}
	var probs []string
	if len(*d.Choices) > MaxChoices {
		probs = append(probs, fmt.Sprintf("%d choices (limit %d)", len(*d.Choices), MaxChoices))
	}
	for _, c := range *d.Choices {
		if n := Len(c.Name); n < 1 || n > MaxChoiceName {
			probs = append(probs, fmt.Sprintf("choice name %q has %d characters (1 to %d)", c.Name, n, MaxChoiceName))
		}
		if s, ok := c.Value.(string); ok && (Len(s) < 1 || Len(s) > MaxChoiceName) {
			probs = append(probs, fmt.Sprintf("choice value %q has %d characters (1 to %d)", s, Len(s), MaxChoiceName))
		}
	}
	return probs
}

var chatNameRe = regexp.MustCompile(`^[-_\p{Ll}\p{Lo}\p{N}]{1,32}$`)

// checkCommands checks a bulk overwrite of commands.
func checkCommands(cmds []map[string]any) []string {
	var probs []string
	bad := func(format string, a ...any) { probs = append(probs, fmt.Sprintf(format, a...)) }
	if len(cmds) > 100 {
		bad("%d commands (limit 100)", len(cmds))
	}
	seen := map[string]bool{}
	for _, c := range cmds {
		name, _ := c["name"].(string)
		typ := 1.0
		if t, ok := c["type"].(float64); ok {
			typ = t
		}
		desc, _ := c["description"].(string)
		key := fmt.Sprintf("%v/%s", typ, name)
		if seen[key] {
			bad("command %q registered twice", name)
		}
		seen[key] = true
		switch typ {
		case 1:
			if !chatNameRe.MatchString(name) {
				bad("slash command name %q is not 1 to 32 lower-case letters, digits, - or _", name)
			}
			if n := Len(desc); n < 1 || n > 100 {
				bad("command %q description has %d characters (1 to 100)", name, n)
			}
		default:
			if n := Len(name); n < 1 || n > 32 {
				bad("command name %q has %d characters (1 to 32)", name, n)
			}
			if desc != "" {
				bad("context-menu command %q has a description", name)
			}
		}
		opts, _ := c["options"].([]any)
		if len(opts) > 25 {
			bad("command %q has %d options (limit 25)", name, len(opts))
		}
		required := true
		for _, o := range opts {
			om, _ := o.(map[string]any)
			oname, _ := om["name"].(string)
			odesc, _ := om["description"].(string)
			if !chatNameRe.MatchString(oname) {
				bad("option name %q of %q is not valid", oname, name)
			}
			if n := Len(odesc); n < 1 || n > 100 {
				bad("option %q of %q: description has %d characters (1 to 100)", oname, name, n)
			}
			req, _ := om["required"].(bool)
			if req && !required {
				bad("required option %q of %q comes after an optional one", oname, name)
			}
			required = req
		}
	}
	return probs
}
