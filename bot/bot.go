// Package bot is standoff's Discord side: it answers /ask, mentions, direct messages and
// the Find sources message command by quoting, word for word, cited passages that an
// Answerer finds, with buttons to page on, vote and share. It keeps no state that a
// restart loses: buttons carry what they need in their custom ids and in the message
// they are on.
//
// The bot reaches Discord through discordgo, at the address of Config.APIURL, and the
// index only through the Answerer interface.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
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
	questions *journal
	hashKey   []byte // of the members' keyed hashes in the logs
	hctx      context.Context
	shards    []*shard

	stats counters
}

// counters are the bot's running totals (the tests read them through Stats).
type counters struct {
	questions, answered, unanswered atomic.Int64
	pages, votes, limited, failures atomic.Int64
	panics, autocompletes           atomic.Int64
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
	}
	if err := b.metrics.gauges(b); err != nil {
		return nil, fmt.Errorf("bot: new: %w", err)
	}
	b.commands = commandDefinitions()
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

// isClosing reports whether Run is shutting down.
func (b *Bot) isClosing() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closing
}

// Run connects to Discord, registers the commands, and answers until ctx is done. Then
// it shuts down gracefully: it stops taking new events, lets the requests in flight
// finish (for ShutdownGrace at most), disconnects every shard and returns nil. It
// returns an error when it cannot start. A Bot runs once.
func (b *Bot) Run(ctx context.Context) (err error) {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("bot: run: already run")
	}
	defer func() { err = b.redact(err) }()

	closeState, err := b.openState()
	if err != nil {
		return fmt.Errorf("bot: run: %w", err)
	}
	defer closeState()
	pctx, stopPrune := context.WithCancel(ctx)
	pruned := make(chan struct{})
	go func() { defer close(pruned); b.prunePeriodically(pctx) }()
	defer func() { stopPrune(); <-pruned }()
	hctx, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()
	b.mu.Lock()
	b.hctx = hctx
	b.mu.Unlock()

	if b.cfg.HTTPAddr != "" {
		stop, err := b.serveHealth(b.cfg.HTTPAddr)
		if err != nil {
			return fmt.Errorf("bot: run: %w", err)
		}
		defer stop()
	}

	probe, err := b.newSession()
	if err != nil {
		return fmt.Errorf("bot: run: %w", err)
	}
	plan, err := b.planShards(ctx, probe)
	if err != nil {
		return fmt.Errorf("bot: run: %w", err)
	}
	shards := make([]*shard, len(plan.ids))
	var removers []func()
	for i, id := range plan.ids {
		s := probe
		if i > 0 {
			if s, err = b.newSession(); err != nil {
				return fmt.Errorf("bot: run: %w", err)
			}
		}
		s.ShardID, s.ShardCount = id, plan.count
		shards[i] = &shard{id: id, s: s}
		removers = append(removers, b.watchShard(shards[i])...)
		removers = append(removers,
			s.AddHandler(b.onReady),
			s.AddHandler(b.onInteraction),
			s.AddHandler(b.onMessage))
	}
	b.mu.Lock()
	b.shards = shards
	b.mu.Unlock()

	b.log.Info("connecting to Discord", "api", b.cfg.APIURL, "shards", plan.ids, "shard_count", plan.count)
	if err := b.openShards(ctx, shards, plan.concurrency); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("bot: run: connect to the Discord gateway through %s: %w", b.cfg.APIURL, err)
	}
	defer b.shutdown(shards, removers, cancelHandlers)

	select {
	case <-b.ready:
	case <-ctx.Done():
		return nil
	case <-time.After(15 * time.Second):
		return errors.New("bot: run: Discord sent no READY")
	}
	if plan.ids[0] == 0 {
		// Commands belong to the application, not to a shard: shard 0 registers them.
		b.register(ctx, shards[0].s)
	}
	b.log.Info("bot ready", "user", b.botUser(), "application", b.application(), "shards", len(shards))
	<-ctx.Done()
	b.log.Info("shutting down: finishing the requests in flight", "grace", b.opts.ShutdownGrace)
	return nil
}

// openState makes the data folder (0700) and opens the feedback and questions logs
// (0600); the function it returns closes them.
func (b *Bot) openState() (func(), error) {
	if err := ensurePrivateDir(b.cfg.DataDir, b.log); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	key, err := loadJournalKey(b.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{FeedbackFile, QuestionsFile} {
		n, err := pruneJournal(filepath.Join(b.cfg.DataDir, name), b.retentionStart(), key)
		if err != nil && !errors.Is(err, errUnchanged) {
			return nil, err
		}
		if n > 0 {
			b.log.Info("old log lines removed", "file", name, "lines", n, "retention_days", b.retentionDays())
		}
	}
	fb, err := OpenFeedback(filepath.Join(b.cfg.DataDir, FeedbackFile))
	if err != nil {
		return nil, err
	}
	qj, err := openJournal(filepath.Join(b.cfg.DataDir, QuestionsFile))
	if err != nil {
		fb.Close()
		return nil, fmt.Errorf("questions log: %w", err)
	}
	b.mu.Lock()
	b.feedback, b.questions, b.hashKey = fb, qj, key
	b.mu.Unlock()
	return func() {
		if err := qj.close(); err != nil {
			b.log.Error("closing the questions log", "err", err)
		}
		if err := fb.Close(); err != nil {
			b.log.Error("closing the feedback log", "err", err)
		}
	}, nil
}

// retentionDays is how many days the logs keep a line.
func (b *Bot) retentionDays() int {
	if b.cfg.RetentionDays > 0 {
		return b.cfg.RetentionDays
	}
	return DefaultRetentionDays
}

// retentionStart is the time before which log lines are removed.
func (b *Bot) retentionStart() time.Time {
	now := time.Now
	if b.opts.Now != nil {
		now = b.opts.Now
	}
	return now().AddDate(0, 0, -b.retentionDays())
}

// pruneLogs removes the lines older than the retention period from the questions and
// feedback logs; it runs at start and then every PruneEvery.
func (b *Bot) pruneLogs() {
	b.mu.Lock()
	fb, qj, key := b.feedback, b.questions, b.hashKey
	b.mu.Unlock()
	if fb == nil || qj == nil {
		return
	}
	for name, j := range map[string]*journal{FeedbackFile: fb.j, QuestionsFile: qj} {
		n, err := j.prune(b.retentionStart(), key)
		if err != nil {
			b.log.Error("removing old log lines", "file", name, "err", err)
		} else if n > 0 {
			b.log.Info("old log lines removed", "file", name, "lines", n, "retention_days", b.retentionDays())
		}
	}
}

// prunePeriodically runs pruneLogs every PruneEvery until ctx is done.
func (b *Bot) prunePeriodically(ctx context.Context) {
	t := time.NewTicker(b.opts.PruneEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			b.pruneLogs()
		}
	}
}

// shutdown stops taking new events, waits up to ShutdownGrace for the requests in flight,
// cancels those still running, and closes every shard's session.
func (b *Bot) shutdown(shards []*shard, removers []func(), cancelHandlers context.CancelFunc) {
	b.mu.Lock()
	b.closing = true
	b.mu.Unlock()
	for _, remove := range removers {
		remove()
	}
	done := make(chan struct{})
	go func() { b.wg.Wait(); close(done) }()
	t := time.NewTimer(b.opts.ShutdownGrace)
	defer t.Stop()
	select {
	case <-done:
		b.log.Info("requests in flight finished")
	case <-t.C:
		b.log.Warn("requests still in flight at shutdown were cut short", "grace", b.opts.ShutdownGrace)
	}
	cancelHandlers()
	closeShards(shards, b.log)
	b.log.Info("disconnected from Discord")
}

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
	s.Dialer = &websocket.Dialer{Proxy: http.ProxyFromEnvironment, HandshakeTimeout: 15 * time.Second}
	// Messages that mention the bot and direct messages; no privileged intent. Slash
	// commands, buttons and message commands need no intent.
	s.Identify.Intents = discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	s.StateEnabled = false
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
func (b *Bot) onReady(_ *discordgo.Session, r *discordgo.Ready) {
	b.mu.Lock()
	if r.User != nil {
		b.userID, b.userName = r.User.ID, r.User.Username
	}
	if r.Application != nil {
		b.appID = r.Application.ID
	}
	b.mu.Unlock()
	b.readyOnce.Do(func() { close(b.ready) })
	b.log.Info("gateway ready", "shard", r.Shard, "session_guilds", len(r.Guilds))
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
// own guilds only (a guild of its own outside GuildIDs gets a call of its own). A failure
// is logged: mentions and direct messages still work without commands.
func (b *Bot) register(ctx context.Context, s *discordgo.Session) {
	app := b.application()
	if app == "" {
		b.log.Error("cannot register commands: READY carried no application id")
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
	for _, g := range places {
		cmds := sets[g]
		err := callREST(ctx, func(opts ...discordgo.RequestOption) error {
			_, err := s.ApplicationCommandBulkOverwrite(app, g, cmds, opts...)
			return err
		})
		where := "globally (they may take up to an hour to appear)"
		if g != "" {
			where = "in guild " + g
		}
		if err != nil {
			b.log.Error("registering commands failed "+where, "err", b.redact(err))
			continue
		}
		b.log.Info("commands registered "+where, "commands", len(cmds))
	}
}

// callREST runs a REST request with discordgo's own retry on rate limits off, waiting
// instead for a short limit (2 s at most) and retrying once: discordgo's retry would sleep
// for as long as Discord says, with no bound, while a member waits.
// The error's text never holds an interaction token (a call that failed in transit
// names its address).
func callREST(ctx context.Context, do func(opts ...discordgo.RequestOption) error) error {
	return redactError(callRESTRaw(ctx, do))
}

// callRESTRaw is callREST without the redaction.
func callRESTRaw(ctx context.Context, do func(opts ...discordgo.RequestOption) error) error {
	opts := []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false)}
	err := do(opts...)
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil && rl.RetryAfter <= 2*time.Second {
		select {
		case <-time.After(rl.RetryAfter):
		case <-ctx.Done():
			return err
		}
		err = do(opts...)
	}
	return err
}

// track counts a handler in flight; it returns false once the bot is shutting down.
func (b *Bot) track() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closing {
		return false
	}
	b.wg.Add(1)
	return true
}

// handlerContext is the context handlers run in: it outlives Run's context by the few
// seconds that requests in flight are given at shutdown.
func (b *Bot) handlerContext() context.Context {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hctx == nil {
		return context.Background()
	}
	return b.hctx
}

// redact removes the token from an error's text, should it ever be there.
func (b *Bot) redact(err error) error {
	if err == nil || b.cfg.Token == "" || !strings.Contains(err.Error(), b.cfg.Token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), b.cfg.Token, "[token]"))
}

// recordQuestion logs a new question and its outcome to the questions log.
func (b *Bot) recordQuestion(source, guild, q string, ans standoff.Answer, err error, took time.Duration) {
	b.stats.questions.Add(1)
	rec := QuestionRecord{
		Time: time.Now().UTC(), Source: source, Guild: guild, Question: q,
		Answered: err == nil && ans.Answered && len(ans.Results) > 0,
		Results:  len(ans.Results), Suggestions: ans.Suggestions,
		Millis: float64(took.Microseconds()) / 1000,
	}
	if err != nil {
		rec.Error = err.Error()
	}
	if len(ans.Results) > 0 {
		top := ans.Results[0]
		rec.TopScore, rec.TopDoc, rec.TopTerms = top.Score, top.Doc, matchedTerms(top)
	}
	if rec.Answered {
		b.stats.answered.Add(1)
	} else {
		b.stats.unanswered.Add(1)
	}
	b.mu.Lock()
	j := b.questions
	b.mu.Unlock()
	if j == nil {
		return
	}
	if err := j.write(rec); err != nil {
		b.log.Error("writing the questions log", "err", err)
	}
}
