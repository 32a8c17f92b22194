package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"
)

// modReply answers one interaction of /corpus. Every reply is ephemeral and pings no
// one. Slow work is deferred first (deferReply, deferUpdate) and its result edited in.
type modReply struct {
	s   *discordgo.Session
	i   *discordgo.Interaction
	log *slog.Logger
}

// send responds with m: a new ephemeral message, or (update) a new version of the
// message the button is on.
func (r *modReply) send(ctx context.Context, update bool, m message) {
	typ := discordgo.InteractionResponseChannelMessageWithSource
	m.Ephemeral = !update
	if update {
		typ = discordgo.InteractionResponseUpdateMessage
	}
	data := m.responseData()
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: typ, Data: data}, opts...)
	})
	if err != nil {
		r.log.Error("responding to a corpus command failed", "err", err)
	}
}

// deferReply acknowledges a command with an ephemeral "thinking…"; it reports whether
// Discord took it.
func (r *modReply) deferReply(ctx context.Context) bool {
	return r.deferAs(ctx, discordgo.InteractionResponseDeferredChannelMessageWithSource,
		&discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral, AllowedMentions: noMentions()})
}

// deferUpdate acknowledges a button; the message it is on is edited later.
func (r *modReply) deferUpdate(ctx context.Context) bool {
	return r.deferAs(ctx, discordgo.InteractionResponseDeferredMessageUpdate, nil)
}

func (r *modReply) deferAs(ctx context.Context, typ discordgo.InteractionResponseType, data *discordgo.InteractionResponseData) bool {
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		return r.s.InteractionRespond(r.i, &discordgo.InteractionResponse{Type: typ, Data: data}, opts...)
	})
	if err != nil {
		r.log.Error("deferring a corpus command failed", "err", err)
		return false
	}
	return true
}

// edit replaces the deferred response (or the message a deferred button is on) with m.
// It runs even when ctx is done, for a few seconds: the work it reports is done.
func (r *modReply) edit(ctx context.Context, m message) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := r.s.InteractionResponseEdit(r.i, m.webhookEdit(), opts...)
		return err
	})
	if err != nil {
		r.log.Error("editing the response to a corpus command failed", "err", err)
	}
}

// choices answers an autocomplete request. discordgo's response type drops an empty list
// (omitempty); Discord wants it, so the payload is sent as it should be.
func (r *modReply) choices(ctx context.Context, choices []*discordgo.ApplicationCommandOptionChoice) error {
	payload := struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data struct {
			Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
		} `json:"data"`
	}{Type: discordgo.InteractionApplicationCommandAutocompleteResult}
	payload.Data.Choices = choices
	endpoint := discordgo.EndpointInteractionResponse(r.i.ID, r.i.Token)
	return callREST(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := r.s.RequestWithBucketID("POST", endpoint, payload, endpoint, opts...)
		return err
	})
}
