package bot

// This file: Mentions and direct messages: the adapter that brings them to the question path.

import (
	"context"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"strconv"
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
	if !b.seen.first("message:" + m.ID) {
		b.log.Debug("message delivered again: handled once already", "request_id", m.ID, "shard", s.ShardID)
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
	log := b.log.With("request_id", m.ID, "user", b.loggedMember(m.Author.ID), "type", "Message", "shard", s.ShardID)
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: new(bool)}
	out := &messageReply{s: s, m: m, log: log, ref: ref, start: start, rest: b.rest}
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
			User: m.Author.ID, Guild: m.GuildID, Channel: m.ChannelID, Start: start, ID: m.ID, Log: log, Asker: m.Author.ID,
			Empty: how + " — or use `/ask`. `/help` shows more."})
	}, tell)
}

// messageReply is the outlet of a mention or a direct message: a public reply to it.
type messageReply struct {
	s     *discordgo.Session
	m     *discordgo.Message
	ref   *discordgo.MessageReference
	log   *slog.Logger
	start time.Time
	rest  restPolicy
	// denied, when set, is called when Discord refuses the reply for a permission the
	// bot lacks in the channel (see tellMissing).
	denied func()
}

// replySend is a message with the nonce that makes Discord create it once however many
// times it is sent: a retry after a lost answer does not post the reply twice.
type replySend struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// replyLanes is how many rate-limit buckets the replies in one channel are spread over.
const replyLanes = 8

// reply sends msg as a reply to the message, within messageWindow of its arrival; it
// pings no one. The replies in a channel are spread over replyLanes rate-limit buckets
// (by the message's id), so that a reply that hangs does not hold back the others
// (discordgo holds a bucket for the whole request); Discord's 429s still bound them,
// through the REST policy. discordgo keeps every bucket it made: a few a channel.
func (o *messageReply) reply(ctx context.Context, msg message) error {
	msg.Ephemeral = false
	endpoint := discordgo.EndpointChannelMessages(o.m.ChannelID)
	body := replySend{MessageSend: msg.messageSend(o.ref), Nonce: replyNonce(o.m.ID), EnforceNonce: true}
	bucket := endpoint + "#" + strconv.Itoa(replyLane(o.m.ID))
	err := o.rest.do(ctx, restCall{deadline: o.start.Add(messageWindow)}, func(opts ...discordgo.RequestOption) error {
		_, err := o.s.RequestWithBucketID(http.MethodPost, endpoint, body, bucket, opts...)
		return err
	})
	if err != nil {
		o.log.Error("replying to a message failed", "err", err)
		if o.denied != nil && missingPermission(err) {
			o.denied()
		}
		return fmt.Errorf("%w: %w", errUndelivered, err)
	}
	return nil
}

// replyLane is the rate-limit bucket, of replyLanes, of the reply to the message id.
func replyLane(id string) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % replyLanes)
}

// replyNonce is the nonce of the reply to the message with id: Discord takes at most 25
// characters, and one reply per message is what the bot sends.
func replyNonce(id string) string {
	if len(id) > 25 {
		return id[len(id)-25:]
	}
	return id
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
	return o.reply(ctx, m)
}
