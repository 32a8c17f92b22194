package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/joho/godotenv"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
	"github.com/standoff-bot/standoff/corpus/watch"
	"github.com/standoff-bot/standoff/corpus/web"
	"github.com/standoff-bot/standoff/index"
)

// cmdBot runs the Discord bot: configuration from the environment and .env, the corpus
// folder (filled with the embedded corpus on first start), the index in the data folder,
// then the bot until ctx is done. It returns 0 after a clean shutdown, 1 when it cannot
// start, with one line per problem on stderr. With watch, changes in the corpus folder
// refresh the index.
func cmdBot(ctx context.Context, watch bool, stdout, stderr io.Writer) int {
	if err := godotenv.Load(); err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "standoff bot: reading .env: %v\n", err)
		return 1
	}
	cfg, errs := loadConfig(os.LookupEnv)
	if len(errs) > 0 {
		for _, err := range errs {
			startFailure(stderr, newLogger(stderr, slog.LevelInfo), err.Error())
		}
		return 1
	}
	logger := newLogger(stderr, cfg.LogLevel)
	// discordgo logs through a package variable; this process runs one bot, so set it once.
	discordgo.Logger = bot.DiscordgoLogger(logger, cfg.Token)

	if err := run1Bot(ctx, cfg, logger, watch); err != nil {
		// The command names itself once: "standoff bot: connect to …", not "standoff
		// bot: bot: run: connect to …".
		startFailure(stderr, logger, strings.TrimPrefix(strings.TrimPrefix(err.Error(), "bot: run: "), "bot: "))
		return 1
	}
	return 0
}

// startFailure says why the bot could not start (or stopped), one line a problem, in
// the format of the rest of its output: "standoff bot: …" for a person at a terminal,
// a JSON log line ("msg":"the bot stopped", "err") for a log collector.
func startFailure(stderr io.Writer, logger *slog.Logger, msg string) {
	if isTerminal(stderr) {
		fmt.Fprintf(stderr, "standoff bot: %s\n", msg)
		return
	}
	logger.Error("the bot stopped", "err", msg)
}

// newLogger logs to w at level: as text on a terminal, as JSON lines otherwise (under
// systemd, in a container, to a file), for log collectors to read. Durations are
// written in seconds ("took":0.254), not in Go's integer nanoseconds.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: durationsInSeconds}
	if isTerminal(w) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// durationsInSeconds is a slog ReplaceAttr that writes a time.Duration as a number of
// seconds.
func durationsInSeconds(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindDuration {
		a.Value = slog.Float64Value(a.Value.Duration().Seconds())
	}
	return a
}

// run1Bot opens the corpus and the index and runs the bot, with /corpus for moderators,
// until ctx is done; with watch, changes in the corpus folder refresh the index.
func run1Bot(ctx context.Context, cfg bot.Config, logger *slog.Logger, watchDir bool) (err error) {
	logger.Info("starting", "config", cfg)
	created, err := corpus.Seed(cfg.CorpusDir)
	if err != nil {
		return err
	}
	if created {
		logger.Info("filled the corpus folder with the embedded corpus", "dir", cfg.CorpusDir)
	}
	repo, interval, err := openBotRepo(ctx, cfg.CorpusDir, logger)
	if err != nil {
		return err
	}
	// The index opens from what it stored of the corpus when the corpus folder is as it
	// was when last read; the corpus, which /corpus and the watchers need, is then read
	// while the bot already answers (see loadServed).
	icfg := index.Config{Dir: filepath.Join(cfg.DataDir, "index"), Logger: logger}
	ix, stamp := openStored(ctx, icfg.Dir, cfg.CorpusDir, logger)
	var c *corpus.Corpus // nil while it is read beside the stored index
	if ix == nil {
		if c, err = loadBotCorpus(ctx, cfg.CorpusDir, logger); err != nil {
			return err
		}
		if len(c.Problems) > 0 {
			stamp = "" // they are logged at every start, so the corpus is read at every start
		}
		ix, err = index.Open(ctx, index.Config{Dir: icfg.Dir, Logger: logger, Stamp: stamp}, c)
		if err != nil {
			return fmt.Errorf("open index: %w", err)
		}
	}
	// A Live index: /corpus and --watch build the next index beside it and swap it in.
	live := index.NewLive(ix)
	defer live.Close()
	st := live.Stats()
	logger.Info("index ready", "documents", st.Documents, "passages", st.Passages, "built", st.Built, "from_store", c == nil)

	var b *bot.Bot // set before anything can refresh: Run and the watcher start after it
	var mod *bot.Moderation
	metrics := bot.NewMetrics()
	review, err := bot.NewReviewMetrics(metrics.Registry(), func() (time.Time, bool) { return mod.OldestProposal() }, time.Now)
	if err != nil {
		return err
	}
	poller, err := newBotPoller(cfg, repo, review, logger)
	if err != nil {
		return err
	}
	rebuild := func(ctx context.Context, c *corpus.Corpus) (standoff.Stats, error) { return live.Refresh(ctx, icfg, c) }
	mod, err = bot.NewModeration(cfg, c, st, rebuild, logger, bot.ModerationOptions{
		OnRefresh: func(ok bool) { b.ObserveRefresh(ok) },
		Repo:      repo,
		Poller:    poller,
		Observer:  review,
		Answerer:  live,
	})
	if err != nil {
		return err
	}
	defer mod.Close()
	if !mod.Enabled() {
		logger.Warn("/corpus is off: neither STANDOFF_ADMIN_GUILD_IDS nor DISCORD_GUILD_IDS names a guild whose moderators may change the corpus")
	} else {
		logger.Info("/corpus is registered in the admin guilds only", "admin_guild_ids", cfg.AdminGuildIDs)
	}
	syncState, err := bot.NewCorpusSync(metrics.Registry())
	if err != nil {
		return err
	}
	// Under a Type=notify unit, systemd learns when the bot is ready and when it stops.
	notify := func(state string) {
		if err := sdNotify(os.LookupEnv, state); err != nil {
			logger.Warn("telling the service manager failed", "state", state, "err", err)
		}
	}
	b, err = bot.New(cfg, live, logger, bot.Options{Build: bot.ReadBuild(), Split: corpus.NewSplitter().Split,
		Commands: []bot.Command{mod.Command(), mod.ProposeCommand()}, Metrics: metrics,
		HealthDetails: func() []string { return append(syncState.Details(), mod.WatchDetails()...) }, CorpusCommit: mod.CorpusCommit,
		Settings: bot.NewSettings(cfg.CorpusDir, mod.SaveSettings, logger),
		OnReady:  func() { notify("READY=1\nSTATUS=ready: connected to Discord, commands registered") }})
	if err != nil {
		return err
	}
	watchers := func() {
		if watchDir {
			go watchCorpus(ctx, cfg.CorpusDir, mod, logger)
		}
		go mod.RunSync(ctx, interval, syncState)
		go mod.Watching(ctx)
	}
	if c != nil {
		watchers()
	} else {
		// The watchers start once the corpus is read: a change they make is then told
		// apart from the corpus the index was built from.
		var stop context.CancelCauseFunc
		ctx, stop = context.WithCancelCause(ctx)
		defer stop(nil)
		go func() {
			if err := loadServed(ctx, cfg.CorpusDir, icfg, live, mod, logger); err != nil {
				stop(err)
				return
			}
			watchers()
		}()
		defer func() {
			if cause := context.Cause(ctx); err == nil && cause != nil && !errors.Is(cause, context.Canceled) && !errors.Is(cause, context.DeadlineExceeded) {
				err = cause
			}
		}()
	}
	notify("STATUS=connecting to Discord")
	defer context.AfterFunc(ctx, func() { notify("STOPPING=1\nSTATUS=shutting down") })()
	return b.Run(ctx)
}

// loadBotCorpus reads the bot's corpus folder and logs what it skipped.
func loadBotCorpus(ctx context.Context, dir string, logger *slog.Logger) (*corpus.Corpus, error) {
	c, err := corpus.LoadDir(ctx, dir)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	logger.Debug("corpus read", "documents", len(c.Documents), "problems", len(c.Problems))
	for _, p := range c.Problems {
		logger.Warn("document skipped", "problem", p.Error())
	}
	for _, p := range c.Warnings {
		logger.Warn("file ignored", "problem", p.Error())
	}
	if len(c.Documents) == 0 {
		return nil, fmt.Errorf("load corpus: no readable document in %s", dir)
	}
	return c, nil
}

// loadServed reads the corpus of an index opened from what it stored, and gives it to
// mod; when the folder changed since the index was opened (its fingerprint is another),
// the index of what it holds now is built and swapped in first. An error means the bot
// cannot go on as it should: mod is told so and refuses changes.
func loadServed(ctx context.Context, dir string, icfg index.Config, live *index.Live, mod *bot.Moderation, logger *slog.Logger) error {
	st := live.Stats()
	c, err := loadBotCorpus(ctx, dir, logger)
	if err == nil && c.Fingerprint() != st.Fingerprint {
		logger.Info("the corpus folder changed since the index was opened; it is rebuilt")
		st, err = live.Refresh(ctx, icfg, c)
	}
	if err != nil {
		mod.Loaded(nil, st)
		return err
	}
	mod.Loaded(c, st)
	return nil
}

// pollsWatched reports whether this process polls the watched sources: the one that
// serves the shard of the first admin guild (every process computes the same answer from
// its own configuration, so exactly one polls), with STANDOFF_WATCH_EVERY not off.
func pollsWatched(cfg bot.Config, every time.Duration) bool {
	if every <= 0 || len(cfg.AdminGuildIDs) == 0 {
		return false
	}
	if cfg.AutoShards || cfg.ShardCount <= 1 {
		return true
	}
	return ShardOfGuild(cfg.AdminGuildIDs[0], cfg.ShardCount) == cfg.ShardID
}

// ShardOfGuild is the shard of count that Discord sends a guild's events to:
// (guild_id >> 22) % count; -1 for an id that is not a snowflake.
func ShardOfGuild(guild string, count int) int {
	g, err := strconv.ParseUint(guild, 10, 64)
	if err != nil || count < 1 {
		return -1
	}
	return int((g >> 22) % uint64(count))
}

// newBotPoller returns the poller of the watched sources when this process polls them
// (pollsWatched), else nil.
func newBotPoller(cfg bot.Config, repo *gitcorpus.Repo, obs watch.Observer, logger *slog.Logger) (*watch.Poller, error) {
	opts, err := watchOptions(os.LookupEnv)
	if err != nil {
		return nil, err
	}
	if !pollsWatched(cfg, opts.Every) {
		logger.Info("the watched sources are polled by another process, or not at all (STANDOFF_WATCH_EVERY=off)")
		return nil, nil
	}
	f, err := web.NewFetcher(web.FetchConfig{Allow: cfg.FetchAllow, UserAgent: "standoff (Discord bot; watched sources)"})
	if err != nil {
		return nil, err
	}
	opts.Observer = obs
	logger.Info("this process polls the watched sources", "every", opts.Every)
	return watch.NewPoller(&watch.Review{Store: corpus.Store{Dir: cfg.CorpusDir}, Git: curate.GitCommitter{Repo: repo}},
		f, cfg.DataDir, logger, opts), nil
}

// watchCorpus refreshes the bot's index when files in the corpus folder change, until
// ctx is done; a refresh that fails leaves the old index serving and is logged.
func watchCorpus(ctx context.Context, dir string, mod *bot.Moderation, logger *slog.Logger) {
	logger.Info("watching the corpus folder", "dir", dir)
	err := corpus.Watch(ctx, dir, time.Second, logger, func(ctx context.Context) {
		out, err := mod.Refresh(ctx, curate.Actor{ID: "watch", Via: "watch"})
		if err != nil {
			logger.Error("refresh after a change in the corpus folder failed; the old index goes on serving", "err", err)
			return
		}
		for _, p := range out.Problems {
			logger.Warn("document skipped", "problem", p.Error())
		}
		if out.Rebuilt {
			ch := out.Changes
			logger.Info("corpus refreshed after a change on disk", "added", len(ch.Added), "updated", len(ch.Updated),
				"removed", len(ch.Removed), "documents", out.Stats.Documents, "passages", out.Stats.Passages)
		}
	})
	if err != nil {
		logger.Error("watching the corpus folder failed; use /corpus refresh", "err", err)
	}
}
