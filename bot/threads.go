package bot

// This file: what the bot needs of a server to answer in its channels and threads: the
// permissions of its invite, shown by /about.

import (
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// InvitePermissions are the permissions the bot asks for when it is invited: View
// Channels, Send Messages and Send Messages in Threads (replies to mentions, in channels,
// threads and forum posts), Create Public Threads, Embed Links
// (the passages) and Read Message History (replying to a message). Create Public Threads
// is asked for ahead of answers that open a thread; none does yet. Replies to slash
// commands need none. The README's invite link carries the same number.
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
