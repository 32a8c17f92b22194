package bot

import (
	"context"
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"
)

// mentionRe matches user, role and channel mentions and custom emoji in message text.
var mentionRe = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>`)

// stripMentions removes mentions and custom emoji from a message's text and normalises
// its white space.
func stripMentions(s string) string {
	return strings.Join(strings.Fields(mentionRe.ReplaceAllString(s, " ")), " ")
}

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
	log := b.log.With("request_id", m.ID, "user", m.Author.ID, "type", "Message", "shard", s.ShardID)
	ref := &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: new(bool)}
	reply := func(msg message) {
		msg.Ephemeral = false
		err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := s.ChannelMessageSendComplex(m.ChannelID, msg.messageSend(ref), opts...)
			return err
		})
		if err != nil {
			log.Error("replying to a message failed", "err", err)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			b.metrics.panics.Inc()
			log.Error("panic in message handler", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			reply(message{Content: msgPanic})
			b.endQuestion(log, source, "", start, OutcomeError, 0)
		}
	}()

	q := stripMentions(m.Content)
	if q == "" && m.ReferencedMessage != nil && m.ReferencedMessage.Author != nil && m.ReferencedMessage.Author.ID != me {
		// "@standoff" alone in reply to a message: look up what that message says.
		q = stripMentions(m.ReferencedMessage.Content)
	}
	q = cutQuestion(q)
	// Every message to the bot counts, a bare mention too; over the limit, the member
	// is told once, and the messages after that are not answered until they may ask.
	if wait, ok, tell := b.limiter.allow(m.Author.ID); !ok {
		if tell {
			reply(message{Content: rateText(wait)})
		} else {
			log.Debug("message ignored: over the rate limit, already told")
		}
		b.endQuestion(log, source, q, start, OutcomeRateLimited, 0)
		return
	}
	if q == "" {
		// The example names the bot as text, not as a mention: no reply holds a mention.
		how := "Ask me a question after the mention, for example “@" + b.botName() + " what is breakout time?”"
		if dm {
			how = "Send me a question, for example “what is breakout time?”"
		}
		reply(message{Content: how + " — or use `/ask`. `/help` shows more."})
		return
	}
	ans, err := b.answer(ctx, standoff.Request{Question: q}, source, m.GuildID)
	if err != nil {
		log.Error("request failed", "err", err)
		reply(message{Content: reason(err)})
		b.endQuestion(log, source, q, start, OutcomeError, 0)
		return
	}
	reply(renderAnswer(view{Kind: kindAsk, Question: q, Answer: ans, Asker: m.Author.ID}, b.opts.Split))
	b.endQuestion(log, source, q, start, outcome(ans, nil), len(ans.Results))
}
