package bot

// This file: the connection to Discord: sessions, READY, command registration, REST calls.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// botIntents are the gateway intents the bot asks for: messages that mention the bot
// and direct messages; no privileged intent. Slash commands, buttons and message
// commands need no intent.
const botIntents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages

// newSession builds a discordgo session: token, HTTP client pointed at APIURL, intents
// and logging; Run sets its shard.
func (b *Bot) newSession() (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + b.cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	client, err := apiClient(b.opts.HTTPClient, b.cfg.APIURL)
	if err != nil {
		return nil, fmt.Errorf("new session: %w", err)
	}
	s.Client = countingClient(client, b.metrics.tooMany.Inc)
	// The gateway connection resumes after an op 9 that allows it (gatewayconn.go).
	s.Dialer = gatewayDialer(b.log, nil, http.ProxyFromEnvironment)
	s.Identify.Intents = botIntents
	s.StateEnabled = false
	// The bot reconnects itself (gateway.go): it sees why a connection failed, and stops
	// when Discord says no reconnection will do; discordgo's own loop never ends.
	s.ShouldReconnectOnError = false
	// Our own REST calls bound their wait on Discord's rate limits (see call).
	s.ShouldRetryOnRateLimit = false
	s.LogLevel = discordLogLevel(b.cfg.LogLevel)
	return s, nil
}

// openSession opens s, giving up after timeout or when ctx is done: discordgo's Open has
// no time-out of its own.
func openSession(ctx context.Context, s *discordgo.Session, timeout time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- s.Open() }()
	giveUp := func() {
		go func() {
			if <-errc == nil {
				s.Close()
			}
		}()
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		giveUp()
		return ctx.Err()
	case <-t.C:
		giveUp()
		return fmt.Errorf("no answer from the gateway within %s", timeout)
	}
}

// onReady records who the bot is.
func (b *Bot) onReady(s *discordgo.Session, r *discordgo.Ready) {
	b.mu.Lock()
	if r.User != nil {
		b.userID, b.userName = r.User.ID, r.User.Username
	}
	if r.Application != nil {
		b.appID = r.Application.ID
	}
	b.mu.Unlock()
	b.readyOnce.Do(func() { close(b.ready) })
	// The shard as a number, whatever Discord sent (null unsharded, [id, count] sharded).
	b.log.Info("gateway ready", "shard", s.ShardID, "session_guilds", len(r.Guilds))
}

func (b *Bot) botUser() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.userID
}

// botName is the bot's user name, for examples in replies; "standoff" before READY.
func (b *Bot) botName() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.userName == "" {
		return "standoff"
	}
	return escapeMarkdown(b.userName)
}

func (b *Bot) application() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.appID
}

// register overwrites the application's commands in one bulk call per place: per guild
// when GuildIDs is set, else globally; a GuildOnly command is added to the calls of its
// own guilds only (a guild of its own outside GuildIDs gets a call of its own). A call
// that fails for a passing reason (a 5xx, a lost connection, a 429) is retried with
// back-off until it succeeds or ctx is done; one that Discord refuses is logged. The bot
// is not ready until every call went through: mentions and direct messages work
// meanwhile.
func (b *Bot) register(ctx context.Context, s *discordgo.Session) {
	app := b.application()
	if app == "" {
		b.log.Error("cannot register commands: READY carried no application id")
		b.setRegistered("READY carried no application id")
		return
	}
	guilds := b.cfg.GuildIDs
	if len(guilds) == 0 {
		guilds = []string{""}
	}
	places := slices.Clone(guilds)
	sets := map[string][]*discordgo.ApplicationCommand{}
	for _, g := range guilds {
		sets[g] = slices.Clone(b.commands)
	}
	for _, c := range b.guildCmd {
		for _, g := range c.Guilds {
			if g == "" {
				continue
			}
			if _, ok := sets[g]; !ok {
				places = append(places, g)
			}
			sets[g] = append(sets[g], c.Definition)
		}
	}
	var failed []string
	for _, g := range places {
		cmds := sets[g]
		err := b.rest.do(ctx, restCall{}, func(opts ...discordgo.RequestOption) error {
			_, err := s.ApplicationCommandBulkOverwrite(app, g, cmds, opts...)
			if err != nil && ctx.Err() == nil {
				b.log.Warn("registering commands failed; trying again", "guild", g, "err", redactError(err))
			}
			return err
		})
		// Ids go in attributes, never in the message, so that one message is one event.
		where := []any{"scope", "global"}
		if g != "" {
			where = []any{"scope", "guild", "guild", g}
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			b.log.Error("registering commands failed", append(where, "err", b.redact(err))...)
			if g == "" {
				failed = append(failed, "globally")
			} else {
				failed = append(failed, "in guild "+g)
			}
			continue
		}
		if g == "" {
			where = append(where, "note", "global commands may take up to an hour to appear")
		}
		b.log.Info("commands registered", append(where, "commands", len(cmds))...)
	}
	problem := ""
	if len(failed) > 0 {
		problem = "Discord refused the commands " + strings.Join(failed, ", ")
	}
	b.setRegistered(problem)
}

// setRegistered records that command registration is over, with problem when it failed.
func (b *Bot) setRegistered(problem string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.registered, b.registerProblem = true, problem
}

// registration describes why the commands are not registered, or "" when they are.
func (b *Bot) registration() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case !b.registered:
		return "commands not registered yet"
	case b.registerProblem != "":
		return "commands not registered: " + b.registerProblem
	}
	return ""
}
