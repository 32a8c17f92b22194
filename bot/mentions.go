package bot

// This file: Mentions and direct messages: the adapter that brings them to the question path.

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// mentions reports whether m mentions the user me.
func mentions(m *discordgo.Message, me string) bool {
	if me == "" {
		return false
	}
	for _, u := range m.Mentions {
		if u != nil && u.ID == me {
			return true
		}
	}
	return strings.Contains(m.Content, "<@"+me+">") || strings.Contains(m.Content, "<@!"+me+">")
}

// onMessage answers a message that mentions the bot, or a direct message, with a reply
// to it. Without the Message Content intent, these are the only messages whose text the
// bot receives.
func (b *Bot) onMessage(s *discordgo.Session, ev *discordgo.MessageCreate) {
	if ev == nil || ev.Message == nil || ev.Author == nil || ev.Author.Bot || !b.track() {
		return
	}
	defer b.wg.Done()
	start := time.Now()
	m := ev.Message
	ctx, cancel := context.WithTimeout(b.handlerContext(), b.opts.AnswerTimeout+10*time.Second)
	defer cancel()
	select {
	case <-b.ready:
	case <-ctx.Done():
		return
	}
	me := b.botUser()
	if m.Author.ID == me {
		return
	}
	dm := m.GuildID == ""
	if !dm && !mentions(m, me) {
		return
	}
	source := "mention"
	if dm {
		source = "dm"
	}
	replies := b.channelSetting(s, m.GuildID, m.ChannelID).Replies
	if replies == RepliesOff {
		b.log.Debug("mention not answered: answers are off in this channel", "request_id", m.ID)
		return
	}
	log := b.log.With("request_id", m.ID, "user", m.Author.ID, "type", "Message", "shard", s.ShardID)
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: new(bool)}
	out := &messageReply{s: s, m: m, log: log, ref: ref}
	out.denied = func() { b.tellMissing(ctx, s, m, sendPermission(s, out.m.ChannelID), out) }
	tell := func(error) { out.reply(ctx, message{Content: msgPanic}) }
	b.guard(log, func() {
		q := stripMentions(m.Content)
		if q == "" && m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID != me {
			// "@standoff" alone in reply to a message: look up what that message says.
			q = stripMentions(m.ReferencedMessage.Content)
		}
		// The example names the bot as text, not as a mention: no reply holds a mention.
		how := "Ask me a question after the mention, for example “@" + b.botName() + " what is breakout time?”"
		if dm {
			how = "Send me a question, for example “what is breakout time?”"
		}
		var via outlet = out
		if replies == RepliesThread && q != "" {
			// The channel's admins want answers in a thread on the member's message.
			via = &threadReply{b: b, s: s, m: m, q: q, inline: out}
		}
		// Every message to the bot counts, a bare mention too; over the limit, the member
		// is told once, and the messages after that are not answered until they may ask.
		b.ask(ctx, via, question{Mode: askNew, Kind: kindAsk, Source: source, Text: cutQuestion(q),
			User: m.Author.ID, Guild: m.GuildID, Channel: m.ChannelID, Start: start, Log: log, Asker: m.Author.ID,
			Empty: how + " — or use `/ask`. `/help` shows more."})
	}, tell)
}

// messageReply is the outlet of a mention or a direct message: a public reply to it.
type messageReply struct {
	s   *discordgo.Session
	m   *discordgo.Message
	ref *discordgo.MessageReference
	log *slog.Logger
	// denied, when set, is called when Discord refuses the reply for a permission the
	// bot lacks in the channel (see tellMissing).
	denied func()
}

// reply sends msg as a reply to the message; it pings no one.
func (o *messageReply) reply(ctx context.Context, msg message) {
	msg.Ephemeral = false
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := o.s.ChannelMessageSendComplex(o.m.ChannelID, msg.messageSend(o.ref), opts...)
		return err
	})
	if err != nil {
		o.log.Error("replying to a message failed", "err", err)
		if o.denied != nil && missingPermission(err) {
			o.denied()
		}
	}
}

// tooFast tells the member, once, that they ask too fast; later messages get no reply.
func (o *messageReply) tooFast(ctx context.Context, wait time.Duration, tell bool) {
	if tell {
		o.reply(ctx, message{Content: rateText(wait)})
		return
	}
	o.log.Debug("message ignored: over the rate limit, already told")
}

// deliver replies with what produce makes, or with why it failed. A message needs no
// acknowledgement within three seconds, so nothing is deferred.
func (o *messageReply) deliver(ctx context.Context, _, _ bool, produce func(context.Context) (message, error)) error {
	m, err := produce(ctx)
	if err != nil {
		o.log.Error("request failed", "err", err)
		o.reply(ctx, message{Content: reason(err)})
		return err
	}
	o.reply(ctx, m)
	return nil
}
