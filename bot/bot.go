// Package bot is standoff's Discord side: it answers /ask, mentions, direct messages and
// the Find sources message command by quoting, word for word, cited passages that an
// Answerer finds, with buttons to page on, vote and share. It keeps no state that a
// restart loses: buttons carry what they need in their custom ids and in the message
// they are on.
//
// The bot reaches Discord through discordgo, at the address of Config.APIURL, and the
// index only through the Answerer interface.
//
// Where things are: bot.go the Bot and its options; run.go and session.go the
// connection (shards.go the shards, gateway.go keeping them connected); rest.go the one
// REST policy every call to Discord goes through; once.go handling each event once;
// interaction.go, buttons.go and mentions.go the adapters that turn events into
// questions; ask.go the one question path; respond.go the one responder; recover.go the
// one panic recovery; render.go the replies; metrics.go the only count; moderate*.go the
// /corpus command.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"

	"github.com/bwmarrin/discordgo"
)

// Answerer is what the bot needs of the index.
type Answerer interface {
	// Answer returns the passages that answer req.Question, from req.Offset on.
	Answer(ctx context.Context, req standoff.Request) (standoff.Answer, error)
	// Complete returns at most n glossary terms, section titles and common questions
	// that match what was typed so far.
	Complete(ctx context.Context, prefix string, n int) []string
	// Stats describes the index that is serving.
	Stats() standoff.Stats
}

// Command is a slash or context-menu command that another part of standoff adds to the
// bot's own; it is registered in the same bulk overwrite.
type Command struct {
	// Definition is the command as registered with Discord.
	Definition *discordgo.ApplicationCommand
	// ComponentPrefix, when set, routes the interactions of buttons and menus whose
	// custom id starts with it to Handle too. It must not start with one of the bot's own
	// ("page:", "vote:", "post:", "ask:").
	ComponentPrefix string
	// GuildOnly registers the command only in Guilds, never globally nor in the other
	// guilds of Config.GuildIDs; with no Guilds it is not registered at all. The command's
	// Handle must still refuse an interaction from elsewhere (a stale registration).
	GuildOnly bool
	// Guilds are where a GuildOnly command is registered.
	Guilds []string
	// Handle answers an interaction with the command (including its autocomplete and,
	// with ComponentPrefix, its components). It must respond within three seconds; an
	// error it returns is logged. A panic is recovered like the bot's own.
	Handle func(ctx context.Context, s *discordgo.Session, i *discordgo.InteractionCreate) error
}

// Options tune a Bot beyond its Config; the zero value gives the defaults.
type Options struct {
	// Version is shown by /about; empty shows Build.
	Version string
	// Build describes the binary for /about and the standoff_build_info metric; the
	// zero value reads it with ReadBuild.
	Build Build
	// RateEvery and RateBurst shape the per-member rate limit: RateBurst questions at
	// once, then one every RateEvery. Defaults: 5 s and 6. NoRateLimit turns it off.
	RateEvery   time.Duration
	RateBurst   int
	NoRateLimit bool
	// Now is the clock of the rate limit; time.Now when nil.
	Now func() time.Time
	// AckAfter is how long an answer may take before the interaction is deferred, so that
	// it is acknowledged within Discord's three seconds. Default 1.5 s.
	AckAfter time.Duration
	// AnswerTimeout bounds one search. Default 20 s.
	AnswerTimeout time.Duration
	// Split cuts a text into sentences, to cut long passages after a sentence; nil cuts
	// them after a word.
	Split func(text string) []string
	// Commands are added to the bot's own commands.
	Commands []Command
	// HTTPClient is the base of the client that reaches Discord's HTTP API; its
	// transport is wrapped to send requests to Config.APIURL. Default: a client with a
	// 20 s time-out.
	HTTPClient *http.Client
	// Metrics receive the bot's measurements and are served on /metrics; nil makes new
	// ones (see Bot.Metrics). Pass them to give other parts of standoff the same registry.
	Metrics *Metrics
	// ShutdownGrace bounds how long Run waits, once its context is done, for the requests
	// in flight to finish before it disconnects. Default 10 s.
	ShutdownGrace time.Duration
	// PruneEvery is how often the question and feedback logs lose their lines older than
	// Config.RetentionDays. Default 6 h.
	PruneEvery time.Duration
	// ShardStartInterval is how long a batch of shards waits after the one before it
	// identified (Discord allows max_concurrency identifies per 5 s). Default 5 s.
	ShardStartInterval time.Duration
	// HealthDetails, when set, gives lines /healthz adds after its status: problems that
	// do not stop the bot from answering (a corpus sync failing).
	HealthDetails func() []string
	// CorpusCommit, when set, gives the commit of the corpus, shown by /about.
	CorpusCommit func() string
	// Wait is how the bot waits before it tries again: a call to Discord after a 429, a
	// 5xx or a lost connection, a gateway connection that failed. nil waits on a timer;
	// tests pass one that records the waits.
	Wait func(ctx context.Context, d time.Duration) error
	// OnReady, when set, is called once the bot is ready: connected to Discord, with its
	// commands registered (the service manager's readiness notification).
	OnReady func()
	// Settings, when set, are the channel settings that /settings changes and /ask,
	// mentions and Find sources honour; nil: no /settings, every channel inline.
	Settings *Settings
}

// Bot is a running or runnable Discord bot. Build it with New and run it with Run.
type Bot struct {
	cfg      Config
	a        Answerer
	log      *slog.Logger
	opts     Options
	limiter  *userLimiter
	votes    *userLimiter // 👍 and 👎, apart from questions
	cheap    *userLimiter // autocomplete: a keystroke each, so a larger burst
	commands []*discordgo.ApplicationCommand
	extra    map[string]Command
	guildCmd []Command // GuildOnly commands, registered apart

	metrics *Metrics
	rest    restPolicy
	seen    *seenIDs       // events handled, so that one delivered twice is handled once
	busy    *busyNotices   // what members are told when Discord would not take answers in time
	convs   *conversations // the last question of each member in each channel
	told    toldOnce       // missing permissions told to members (threads.go)

	running atomic.Bool

	mu        sync.Mutex
	closing   bool
	wg        sync.WaitGroup
	userID    string
	userName  string
	appID     string
	ready     chan struct{}
	readyOnce sync.Once
	feedback  *Feedback
	questions *corpus.Journal
	hashKey   []byte // of the members' keyed hashes in the logs
	hctx      context.Context
	shards    []*shard

	registered      bool   // command registration is over
	registerProblem string // why it failed, when it did
}

// New returns a Bot that answers from a with the configuration cfg; it does not connect
// until Run.
func New(cfg Config, a Answerer, logger *slog.Logger, opts Options) (*Bot, error) {
	if a == nil {
		return nil, errors.New("bot: new: no Answerer")
	}
	if cfg.Token == "" {
		return nil, errors.New("bot: new: no token")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("bot: new: no data folder")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	if cfg.ShardCount < 1 {
		cfg.ShardCount = 1
	}
	if cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount {
		return nil, fmt.Errorf("bot: new: shard %d is not one of 0 to %d", cfg.ShardID, cfg.ShardCount-1)
	}
	if opts.RateEvery <= 0 {
		opts.RateEvery = 5 * time.Second
	}
	if opts.RateBurst <= 0 {
		opts.RateBurst = 6
	}
	if opts.AckAfter <= 0 {
		opts.AckAfter = 1500 * time.Millisecond
	}
	if opts.AnswerTimeout <= 0 {
		opts.AnswerTimeout = 20 * time.Second
	}
	if opts.ShutdownGrace <= 0 {
		opts.ShutdownGrace = 10 * time.Second
	}
	if opts.PruneEvery <= 0 {
		opts.PruneEvery = 6 * time.Hour
	}
	if opts.ShardStartInterval <= 0 {
		opts.ShardStartInterval = 5 * time.Second
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics()
	}
	if opts.Build == (Build{}) {
		opts.Build = ReadBuild()
	}
	if opts.Version == "" {
		opts.Version = opts.Build.String()
	}
	every := opts.RateEvery
	if opts.NoRateLimit {
		every = 0
	}
	rest := restPolicy{wait: opts.Wait}
	b := &Bot{
		cfg:     cfg,
		a:       a,
		log:     logger,
		opts:    opts,
		limiter: newUserLimiter(every, opts.RateBurst, opts.Now),
		votes:   newUserLimiter(every, opts.RateBurst, opts.Now),
		cheap:   newUserLimiter(every/10, 5*opts.RateBurst, opts.Now),
		extra:   map[string]Command{},
		ready:   make(chan struct{}),
		metrics: opts.Metrics,
		rest:    rest,
		seen:    newSeenIDs(recentEvents),
		busy:    newBusyNotices(rest, logger),
		convs:   newConversations(opts.Now),
	}
	if err := b.metrics.gauges(b); err != nil {
		return nil, fmt.Errorf("bot: new: %w", err)
	}
	b.commands = commandDefinitions()
	if opts.Settings != nil {
		b.commands = append(b.commands, settingsDefinition())
	}
	for _, c := range opts.Commands {
		if c.Definition == nil || c.Handle == nil {
			return nil, errors.New("bot: new: a Command needs a Definition and a Handle")
		}
		if _, dup := b.extra[c.Definition.Name]; dup || isOwnCommand(c.Definition.Name) {
			return nil, fmt.Errorf("bot: new: command %q is defined twice", c.Definition.Name)
		}
		if c.ComponentPrefix != "" {
			if _, err := parseAction(c.ComponentPrefix + "0"); err == nil || strings.HasPrefix(c.ComponentPrefix, "ask:") {
				return nil, fmt.Errorf("bot: new: command %q: component prefix %q is the bot's own", c.Definition.Name, c.ComponentPrefix)
			}
		}
		b.extra[c.Definition.Name] = c
		if c.GuildOnly {
			b.guildCmd = append(b.guildCmd, c)
			if len(c.Guilds) == 0 {
				logger.Warn("command not registered: no guild to register it in", "command", c.Definition.Name)
			}
			continue
		}
		b.commands = append(b.commands, c.Definition)
	}
	return b, nil
}

// Metrics returns the metrics the bot reports into: Options.Metrics, or its own.
func (b *Bot) Metrics() *Metrics { return b.metrics }

// ObserveRefresh counts one refresh of the index in the bot's metrics: ok when the new
// index serves, false when the refresh failed. The corpus refresh path calls it.
func (b *Bot) ObserveRefresh(ok bool) { b.metrics.ObserveRefresh(ok) }

// feedbackCounts returns the 👍 and 👎 that count, or zeros before Run opens the log.
func (b *Bot) feedbackCounts() (up, down int) {
	b.mu.Lock()
	fb := b.feedback
	b.mu.Unlock()
	if fb == nil {
		return 0, 0
	}
	return fb.Counts()
}

// redact removes the token from an error's text, should it ever be there.
func (b *Bot) redact(err error) error {
	if err == nil || b.cfg.Token == "" || !strings.Contains(err.Error(), b.cfg.Token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), b.cfg.Token, "[token]"))
}
