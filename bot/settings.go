package bot

// This file: channel settings. A server's admins (Manage Server in that server) say per
// channel how the bot answers there: inline (the default), in a thread opened on the
// member's message, or not at all, and whether /ask answers privately by default. The
// settings live in one file of the corpus folder (corpus.SettingsFile), committed and
// synced with the documents: the corpus repository is the one state that every process
// serving a guild shares, whichever shard or machine a reshard gives the guild to.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	git "github.com/go-git/go-git/v5"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
)

// How the bot replies in a channel.
const (
	RepliesInline = "inline" // in the channel (the default)
	RepliesThread = "thread" // a mention is answered in a thread opened on it
	RepliesOff    = "off"    // no answers: a private hint on /ask, silence on mentions
)

// Limits of the settings file, which comes from the corpus remote like any document.
const (
	maxSettingsBytes    = 1 << 20
	maxChannelsPerGuild = 500
)

// ChannelSetting is how the bot answers in one channel.
type ChannelSetting struct {
	Replies          string `json:"replies"`
	PrivateByDefault bool   `json:"private_by_default,omitempty"`
}

// isDefault reports whether cs is what a channel without a setting gets.
func (cs ChannelSetting) isDefault() bool {
	return (cs.Replies == "" || cs.Replies == RepliesInline) && !cs.PrivateByDefault
}

// describe says what cs does, for /settings.
func (cs ChannelSetting) describe() string {
	var s string
	switch cs.Replies {
	case RepliesThread:
		s = "mentions are answered in a thread"
	case RepliesOff:
		s = "no answers"
	default:
		s = "answers in the channel"
	}
	if cs.PrivateByDefault && cs.Replies != RepliesOff {
		s += "; /ask answers privately unless asked otherwise"
	}
	return s
}

// settingsDoc is the settings file: guild id → channel id → setting.
type settingsDoc struct {
	Guilds map[string]map[string]ChannelSetting `json:"guilds"`
}

// SettingsSaver records a change of the settings file: it runs write, which writes the
// file, and commits that file (pushing it where the corpus has a remote), one change of
// the corpus folder at a time. Moderation.SaveSettings is one.
type SettingsSaver func(ctx context.Context, who curate.Actor, subject string, write func() error) error

// Settings are the channel settings of every guild, read from the settings file of the
// corpus folder whenever it changed (a sync from the remote changes it too).
type Settings struct {
	path string
	save SettingsSaver
	log  *slog.Logger

	mu     sync.Mutex
	stamp  fileStamp
	doc    settingsDoc
	warned fileStamp // the broken file already warned about
}

// fileStamp tells whether a file changed since it was read.
type fileStamp struct {
	mod  time.Time
	size int64
	ok   bool
}

// NewSettings returns the settings kept in the corpus folder corpusDir; save records a
// change (nil: the file is written, not committed).
func NewSettings(corpusDir string, save SettingsSaver, logger *slog.Logger) *Settings {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if save == nil {
		save = func(_ context.Context, _ curate.Actor, _ string, write func() error) error { return write() }
	}
	return &Settings{path: filepath.Join(corpusDir, corpus.SettingsFile), save: save, log: logger}
}

// Channel returns the setting of channel in guild; the default (inline) when it has none,
// in a direct message, or when the file cannot be read.
func (s *Settings) Channel(guild, channel string) ChannelSetting {
	if s == nil || guild == "" {
		return ChannelSetting{Replies: RepliesInline}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshLocked()
	if cs, ok := s.doc.Guilds[guild][channel]; ok {
		return cs
	}
	return ChannelSetting{Replies: RepliesInline}
}

// Guild returns the settings of the channels of guild that have one.
func (s *Settings) Guild(guild string) map[string]ChannelSetting {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshLocked()
	out := map[string]ChannelSetting{}
	for ch, cs := range s.doc.Guilds[guild] {
		out[ch] = cs
	}
	return out
}

// Set records cs for channel in guild, made by who.
func (s *Settings) Set(ctx context.Context, who curate.Actor, guild, channel string, cs ChannelSetting) error {
	if !snowflake(guild) || !snowflake(channel) {
		return errors.New("set channel setting: not a guild and channel id")
	}
	subject := "settings: replies " + cs.Replies + " in channel " + channel + " of guild " + guild
	if cs.PrivateByDefault {
		subject += ", private by default"
	}
	return s.save(ctx, who, subject, func() error {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.stamp = fileStamp{} // read it afresh: another process may have written it
		s.refreshLocked()
		doc := settingsDoc{Guilds: map[string]map[string]ChannelSetting{}}
		for g, chans := range s.doc.Guilds {
			doc.Guilds[g] = map[string]ChannelSetting{}
			for c, v := range chans {
				doc.Guilds[g][c] = v
			}
		}
		chans := doc.Guilds[guild]
		if chans == nil {
			chans = map[string]ChannelSetting{}
			doc.Guilds[guild] = chans
		}
		if cs.isDefault() {
			delete(chans, channel)
			if len(chans) == 0 {
				delete(doc.Guilds, guild)
			}
		} else {
			if _, had := chans[channel]; !had && len(chans) >= maxChannelsPerGuild {
				return &userError{msg: fmt.Sprintf("This server has settings for %d channels already, the most it may have. Set a channel back to inline to make room.", maxChannelsPerGuild),
					err: errors.New("set channel setting: too many channels")}
			}
			chans[channel] = cs
		}
		data, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return fmt.Errorf("set channel setting: %w", err)
		}
		if err := corpus.WriteFileAtomic(s.path, append(data, '\n'), 0o644); err != nil {
			return fmt.Errorf("set channel setting: %w", err)
		}
		s.doc, s.stamp = doc, fileStamp{}
		return nil
	})
}

// refreshLocked reads the file again when it changed; the caller holds s.mu. A file that
// cannot be read leaves every channel at its default, with one warning.
func (s *Settings) refreshLocked() {
	fi, err := os.Stat(s.path)
	if err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			s.warnLocked(fileStamp{}, err)
		}
		s.doc, s.stamp = settingsDoc{}, fileStamp{}
		return
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size(), ok: true}
	if st == s.stamp {
		return
	}
	doc, err := readSettings(s.path)
	if err != nil {
		s.warnLocked(st, err)
		doc = settingsDoc{}
	}
	s.doc, s.stamp = doc, st
}

func (s *Settings) warnLocked(st fileStamp, err error) {
	if st == s.warned && st.ok {
		return
	}
	s.warned = st
	s.log.Warn("channel settings unreadable: every channel answers inline until they are fixed", "file", corpus.SettingsFile, "err", err)
}

// readSettings reads and checks a settings file: ids are Discord ids, modes are known,
// at most maxChannelsPerGuild channels a guild; what is not is dropped.
func readSettings(path string) (settingsDoc, error) {
	f, err := os.Open(path)
	if err != nil {
		return settingsDoc{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSettingsBytes+1))
	if err != nil {
		return settingsDoc{}, err
	}
	if len(data) > maxSettingsBytes {
		return settingsDoc{}, fmt.Errorf("read settings: larger than %d bytes", maxSettingsBytes)
	}
	var doc settingsDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return settingsDoc{}, fmt.Errorf("read settings: %w", err)
	}
	clean := settingsDoc{Guilds: map[string]map[string]ChannelSetting{}}
	for g, chans := range doc.Guilds {
		if !snowflake(g) {
			continue
		}
		ids := make([]string, 0, len(chans))
		for c := range chans {
			ids = append(ids, c)
		}
		sort.Strings(ids)
		out := map[string]ChannelSetting{}
		for _, c := range ids {
			cs := chans[c]
			if !snowflake(c) || !knownReplies(cs.Replies) || len(out) >= maxChannelsPerGuild {
				continue
			}
			out[c] = cs
		}
		clean.Guilds[g] = out
	}
	return clean, nil
}

func knownReplies(r string) bool {
	return r == RepliesInline || r == RepliesThread || r == RepliesOff
}

// SaveSettings is the SettingsSaver of the corpus folder: it writes the settings file and
// commits it (pushed when the corpus has a remote), one change of the folder at a time.
// A push the remote cannot take now is pushed by a later sync; the same file changed on
// another machine meanwhile refuses the change.
func (m *Moderation) SaveSettings(ctx context.Context, who curate.Actor, subject string, write func() error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := write(); err != nil {
		return err
	}
	repo := m.opts.Repo
	if repo == nil {
		return nil
	}
	author, trailers := curate.GitAuthor(who)
	_, err := repo.Commit(ctx, gitcorpus.Change{Subject: subject, Author: author, Trailers: trailers, Paths: []string{corpus.SettingsFile}})
	var pe *gitcorpus.PushError
	var ce *gitcorpus.ConflictError
	switch {
	case err == nil, errors.Is(err, git.ErrEmptyCommit):
		return nil
	case errors.As(err, &pe):
		m.log.Warn("channel settings committed but not pushed; a later sync pushes them", "err", err)
		return nil
	case errors.As(err, &ce):
		return &userError{msg: "The settings were changed on another machine at the same moment, so this change was not made. Look at `/settings show` and try again.", err: fmt.Errorf("save settings: %w", err)}
	default:
		return fmt.Errorf("save settings: %w", err)
	}
}

// Names of /settings.
const (
	cmdSettings     = "settings"
	subSetChannel   = "channel"
	subShow         = "show"
	optChannel      = "channel"
	optReplies      = "replies"
	optPrivateByDef = "private-by-default"
)

// settingsDefinition is /settings, for the members with Manage Server of any guild.
func settingsDefinition() *discordgo.ApplicationCommand {
	manage := int64(discordgo.PermissionManageGuild)
	return &discordgo.ApplicationCommand{
		Name:                     cmdSettings,
		Type:                     discordgo.ChatApplicationCommand,
		Description:              "How I answer in this server's channels (Manage Server only).",
		DefaultMemberPermissions: &manage,
		Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		IntegrationTypes:         &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall},
		Options: []*discordgo.ApplicationCommandOption{
			{
				Type: discordgo.ApplicationCommandOptionSubCommand, Name: subSetChannel,
				Description: "Set how I answer in a channel.",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionChannel, Name: optChannel, Description: "The channel", Required: true,
						ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildForum, discordgo.ChannelTypeGuildNews}},
					{Type: discordgo.ApplicationCommandOptionString, Name: optReplies, Description: "inline (in the channel), thread (mentions answered in a thread) or off", Required: true,
						Choices: []*discordgo.ApplicationCommandOptionChoice{
							{Name: "inline", Value: RepliesInline}, {Name: "thread", Value: RepliesThread}, {Name: "off", Value: RepliesOff}}},
					{Type: discordgo.ApplicationCommandOptionBoolean, Name: optPrivateByDef, Description: "/ask answers privately unless the member asks otherwise (default: false)"},
				},
			},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subShow, Description: "List the channels of this server that have a setting."},
		},
	}
}

// Replies of /settings.
const (
	msgSettingsRefused = "Only members with the Manage Server permission in this server can change how I answer here."
	msgSettingsDM      = "Channel settings belong to a server: use `/settings` in one."
	msgSettingsFailed  = "I could not save the setting; nothing was changed. Please try again later."
	msgAnswersOff      = "This server's admins have turned my answers off in this channel. Ask in another channel, or send me a direct message."
)

// onSettings answers /settings: the member must have Manage Server (or Administrator)
// in the guild the command comes from, and changes that guild's channels only.
func (b *Bot) onSettings(ctx context.Context, r *responder, data discordgo.ApplicationCommandInteractionData) {
	i := r.i
	if i.GuildID == "" {
		r.send(ctx, false, notice(msgSettingsDM))
		return
	}
	if i.Member == nil || i.Member.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) == 0 {
		r.log.Info("settings refused: no Manage Server")
		r.send(ctx, false, notice(msgSettingsRefused))
		return
	}
	if len(data.Options) != 1 {
		r.send(ctx, false, notice(msgUnknownCmd))
		return
	}
	sub := data.Options[0]
	switch sub.Name {
	case subShow:
		r.send(ctx, false, settingsList(b.opts.Settings.Guild(i.GuildID)))
	case subSetChannel:
		var channel string
		cs := ChannelSetting{}
		for _, o := range sub.Options {
			switch o.Name {
			case optChannel:
				if id, ok := o.Value.(string); ok {
					channel = id
				}
			case optReplies:
				if v, ok := o.Value.(string); ok {
					cs.Replies = v
				}
			case optPrivateByDef:
				if v, ok := o.Value.(bool); ok {
					cs.PrivateByDefault = v
				}
			}
		}
		if !snowflake(channel) || !knownReplies(cs.Replies) {
			r.send(ctx, false, notice("Give a channel of this server and one of inline, thread or off."))
			return
		}
		who := curate.Actor{ID: userOf(i), Name: displayName(i), Via: "discord", Guild: i.GuildID}
		if err := b.opts.Settings.Set(ctx, who, i.GuildID, channel, cs); err != nil {
			r.log.Error("saving a channel setting failed", "err", err)
			msg := msgSettingsFailed
			var ue *userError
			if errors.As(err, &ue) {
				msg = ue.msg
			}
			r.send(ctx, false, notice(msg))
			return
		}
		r.log.Info("channel setting changed", "channel", channel, "replies", cs.Replies, "private_by_default", cs.PrivateByDefault)
		r.send(ctx, false, notice("Done: in <#"+channel+">, "+cs.describe()+"."))
	default:
		r.send(ctx, false, notice(msgUnknownCmd))
	}
}

// settingsList is the reply to /settings show.
func settingsList(chans map[string]ChannelSetting) message {
	if len(chans) == 0 {
		return notice("No channel of this server has a setting: I answer inline everywhere. Use `/settings channel` to change that.")
	}
	ids := make([]string, 0, len(chans))
	for c := range chans {
		ids = append(ids, c)
	}
	sort.Strings(ids)
	lines := []string{"**Channel settings of this server** (any other channel: answers in the channel)"}
	for _, c := range ids {
		lines = append(lines, "• <#"+c+">: "+chans[c].describe())
	}
	return notice(cutText(strings.Join(lines, "\n"), maxContent))
}

// channelSetting is the setting that holds in channel of guild: a thread's is its parent
// channel's, where the session's state knows the thread.
func (b *Bot) channelSetting(s *discordgo.Session, guild, channel string) ChannelSetting {
	if b.opts.Settings == nil || guild == "" {
		return ChannelSetting{Replies: RepliesInline}
	}
	if s != nil && s.State != nil {
		if ch, err := s.State.Channel(channel); err == nil && ch.IsThread() && ch.ParentID != "" {
			channel = ch.ParentID
		}
	}
	return b.opts.Settings.Channel(guild, channel)
}
