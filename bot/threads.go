package bot

// This file: what the bot needs of a server to answer in its channels and threads: the
// permissions of its invite, shown by /about.

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// InvitePermissions are the permissions the bot asks for when it is invited: View
// Channels, Send Messages and Send Messages in Threads (replies to mentions, in channels,
// threads and forum posts), Create Public Threads (an answer in a thread, where a
// channel's /settings ask for one), Embed Links (the passages) and Read Message History
// (replying to a message). Replies to slash commands need none. The README's invite link carries the same number.
const InvitePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionSendMessagesInThreads | discordgo.PermissionCreatePublicThreads |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

// permissionNames are the names Discord's settings give InvitePermissions, in its order.
var permissionNames = []struct {
	bit  int64
	name string
}{
	{discordgo.PermissionViewChannel, "View Channels"},
	{discordgo.PermissionSendMessages, "Send Messages"},
	{discordgo.PermissionSendMessagesInThreads, "Send Messages in Threads"},
	{discordgo.PermissionCreatePublicThreads, "Create Public Threads"},
	{discordgo.PermissionEmbedLinks, "Embed Links"},
	{discordgo.PermissionReadMessageHistory, "Read Message History"},
}

// permissionList names the permissions set in p, comma-separated.
func permissionList(p int64) string {
	var names []string
	for _, n := range permissionNames {
		if p&n.bit != 0 {
			names = append(names, n.name)
		}
	}
	return strings.Join(names, ", ")
}

// inviteURL is the link that invites the application appID with InvitePermissions; ""
// when the id is not known yet.
func inviteURL(appID string) string {
	if appID == "" {
		return ""
	}
	return "https://discord.com/oauth2/authorize?client_id=" + appID +
		"&scope=bot+applications.commands&permissions=" + strconv.FormatInt(InvitePermissions, 10)
}

// withPermissions adds to /about what the bot needs in a server, and the link that
// invites it with that.
func withPermissions(msg message, appID string) message {
	if len(msg.Embeds) == 0 {
		return msg
	}
	v := permissionList(InvitePermissions) + "."
	if u := inviteURL(appID); u != "" {
		v += " [Invite link](" + u + ")"
	}
	msg.Embeds[0].Fields = append(msg.Embeds[0].Fields,
		&discordgo.MessageEmbedField{Name: "Permissions it needs", Value: cutText(v, 1024)})
	return msg
}

// threadNameRunes is the most runes of a thread's name that the bot gives (Discord allows 100).
const threadNameRunes = 80

// threadName names the thread of a question: the question itself, cut.
func threadName(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if q == "" {
		return "Question"
	}
	return cutText(q, threadNameRunes)
}

// openThread opens a public thread on the member's message m for the question q and
// returns the outlet that replies in it, with the thread's id; where the thread cannot be
// opened, the member is told once, privately, and the reply goes to the channel (out and
// m.ChannelID). threadReply calls it once there is an answer to give.
func (b *Bot) openThread(ctx context.Context, s *discordgo.Session, m *discordgo.Message, q string, out *messageReply) (*messageReply, string) {
	var th *discordgo.Channel
	// Once only, but for a 429: a retry after a lost answer could open a second thread.
	err := b.rest.do(ctx, restCall{deadline: out.start.Add(messageWindow), attempts: 1}, func(opts ...discordgo.RequestOption) error {
		var err error
		th, err = s.MessageThreadStartComplex(m.ChannelID, m.ID, &discordgo.ThreadStart{
			Name: threadName(q), AutoArchiveDuration: 1440, Type: discordgo.ChannelTypeGuildPublicThread}, opts...)
		return err
	})
	if err != nil || th == nil || th.ID == "" {
		out.log.Warn("opening a thread for an answer failed; answering in the channel", "err", err)
		if missingPermission(err) {
			b.tellMissing(ctx, s, m, "Create Public Threads", out)
		}
		return out, m.ChannelID
	}
	in := *m
	in.ChannelID = th.ID
	thread := &messageReply{s: s, m: &in, log: out.log, start: out.start, rest: out.rest}
	thread.denied = func() { b.tellMissing(ctx, s, &in, "Send Messages in Threads", thread) }
	return thread, th.ID
}

// missingPermission reports whether err is Discord's refusal for a permission the bot
// lacks in a channel.
func missingPermission(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil &&
		(re.Message.Code == discordgo.ErrCodeMissingPermissions || re.Message.Code == discordgo.ErrCodeMissingAccess)
}

// sendPermission names the permission a message to m's channel needs: Send Messages in
// Threads in a thread the session's state knows, Send Messages in a channel it knows.
func sendPermission(s *discordgo.Session, channel string) string {
	if s != nil && s.State != nil {
		if ch, err := s.State.Channel(channel); err == nil {
			if ch.IsThread() {
				return "Send Messages in Threads"
			}
			return "Send Messages"
		}
	}
	return "Send Messages (Send Messages in Threads, in a thread or forum post)"
}

// maxTold bounds the memory of the channels whose missing permission was told.
const maxTold = 10000

// toldOnce remembers which missing permissions were told, per guild, channel and
// permission, so that each is told once (until the process restarts or the memory is
// full).
type toldOnce struct {
	mu   sync.Mutex
	seen map[string]bool
}

// first reports whether key is new, and remembers it.
func (t *toldOnce) first(key string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen == nil || len(t.seen) >= maxTold {
		t.seen = map[string]bool{}
	}
	if t.seen[key] {
		return false
	}
	t.seen[key] = true
	return true
}

// tellMissing tells the author of m, once per channel and permission and in a direct
// message, that the bot lacks perm in m's channel. A member whose direct messages are
// closed is not told; that is logged.
func (b *Bot) tellMissing(ctx context.Context, s *discordgo.Session, m *discordgo.Message, perm string, out *messageReply) {
	if m.Author == nil || !b.told.first(m.GuildID+"/"+m.ChannelID+"/"+perm) {
		return
	}
	text := "I could not answer you in <#" + m.ChannelID + ">: I lack the **" + perm +
		"** permission there. A server admin can give it to me; `/about` lists what I need."
	err := b.rest.do(ctx, restCall{deadline: time.Now().Add(messageWindow), attempts: 1}, func(opts ...discordgo.RequestOption) error {
		dm, err := s.UserChannelCreate(m.Author.ID, opts...)
		if err != nil {
			return err
		}
		_, err = s.ChannelMessageSendComplex(dm.ID, &discordgo.MessageSend{Content: text, AllowedMentions: noMentions()}, opts...)
		return err
	})
	if err != nil {
		out.log.Warn("telling a member of a missing permission failed", "permission", perm, "err", err)
		return
	}
	out.log.Info("member told of a missing permission", "permission", perm)
}

// threadReply is the outlet of a mention in a channel whose answers go to a thread: the
// thread is opened only when there is an answer to give (not for a member over the rate
// limit), and the question is carried into it, so that a follow-up there leans on it.
type threadReply struct {
	b      *Bot
	s      *discordgo.Session
	m      *discordgo.Message
	q      string
	inline *messageReply // the reply in the channel, where no thread can be opened
}

// tooFast tells the member in the channel, as an inline reply would.
func (o *threadReply) tooFast(ctx context.Context, wait time.Duration, tell bool) {
	o.inline.tooFast(ctx, wait, tell)
}

// deliver opens the thread and replies in it with what produce makes.
func (o *threadReply) deliver(ctx context.Context, update, private bool, produce func(context.Context) (message, error)) error {
	out, thread := o.b.openThread(ctx, o.s, o.m, o.q, o.inline)
	if thread == o.m.ChannelID || o.m.Author == nil {
		return out.deliver(ctx, update, private, produce)
	}
	return out.deliver(ctx, update, private, func(ctx context.Context) (message, error) {
		msg, err := produce(ctx)
		// Before the reply is sent: a follow-up in the thread may come as soon as it is.
		o.b.convs.carry(o.m.Author.ID, o.m.ChannelID, thread)
		return msg, err
	})
}
