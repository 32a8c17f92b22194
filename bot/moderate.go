package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/standoff-bot/standoff"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/gitcorpus"
	"github.com/standoff-bot/standoff/corpus/watch"
	"github.com/standoff-bot/standoff/corpus/web"
)

// Names of the /corpus command, its subcommands and options.
const (
	cmdCorpus       = "corpus"
	subAdd          = "add"
	subRemove       = "remove"
	subList         = "list"
	subRefresh      = "refresh"
	subGaps         = "gaps"
	optURL          = "url"
	optFile         = "file"
	optDoc          = "doc"
	optPage         = "page"
	optDays         = "days"
	corpusPrefix    = "corpus:"
	corpusConfirm   = corpusPrefix + "ok:"
	corpusCancel    = corpusPrefix + "no:"
	corpusListPage  = corpusPrefix + "list:"
	defaultGapDays  = 7
	listPageSize    = 10
	defaultPendTTL  = time.Hour
	defaultRefreshT = 10 * time.Minute
)

// What a moderator is told; the detail goes to the log.
const (
	msgNotModerator = "Sorry — only moderators can change the corpus: members with the Manage Server permission, or with a moderator role. Nothing was changed."
	msgGuildOnly    = "The /corpus commands work in a server, not in direct messages."
	msgNotAdmin     = "Sorry — the corpus can be changed only from the bot's home server, by its moderators. Nothing was changed."
	msgNotYours     = "Sorry — only the moderator who made this preview can confirm or cancel it. Nothing was changed."
	msgAddHow       = "Give either `url:` (a web page) or `file:` (a .md, .txt or .html file), not both."
	msgPendingGone  = "This preview was already confirmed or cancelled, or is unknown — nothing was changed. Run `/corpus add` again if needed."
	msgChangeFailed = "Sorry — the corpus could not be changed just now; nothing was changed. It has been logged."
)

// ModerationOptions tune a Moderation; the zero value gives the defaults.
type ModerationOptions struct {
	// Now is the clock of previews' expiry and of document dates; time.Now when nil.
	Now func() time.Time
	// PendingTTL is how long a preview can be confirmed. Default 1 h.
	PendingTTL time.Duration
	// FetchTimeout bounds one download. Default 20 s.
	FetchTimeout time.Duration
	// MaxBytes caps a download or an attachment. Default 2 MB.
	MaxBytes int64
	// RefreshTimeout bounds the rebuild of the index after a change. Default 10 min.
	RefreshTimeout time.Duration
	// HTTPClient is the base of the client that posts to the audit channel; its
	// transport is wrapped to reach Config.APIURL. Default: a client with a 20 s time-out.
	HTTPClient *http.Client
	// OnRefresh, when set, is told of every rebuild of the index: whether it served.
	OnRefresh func(ok bool)
	// Repo, when set, is the git repository the corpus folder is kept in: every change is
	// committed (and pushed), and /corpus history and undo work.
	Repo *gitcorpus.Repo
	// MaxPending is how many previews may wait for Confirm in all, and
	// MaxPendingPerMember how many for one moderator. Defaults 20 and 3.
	MaxPending, MaxPendingPerMember int
	// SweepEvery is how often expired previews are removed. Default 5 min.
	SweepEvery time.Duration
	// MaxParses is how many documents are read into previews at once. Default 2.
	MaxParses int
	// ParseTimeout bounds the reading of one document into a preview, after its
	// download. Default corpus.DefaultParseTimeout.
	ParseTimeout time.Duration
	// Poller, when set, polls the watched sources from this process (Watching); nil:
	// another process does, and /corpus watch list cannot say how sources answered.
	Poller *watch.Poller
	// Observer, when set, is told of proposals approved and rejected (the poller tells
	// it of the others).
	Observer watch.Observer
	// Answerer, when set, is the index serving answers: /corpus teach suggests the
	// passages it finds closest to the question being taught.
	Answerer Answerer
}

// Outcome is what a change of the corpus did.
type Outcome = curate.Outcome

// Moderation is the /corpus command: moderators add documents from web pages and files
// (with a preview to confirm), remove and list them, refresh the index after an edit on
// disk, and see the questions nothing answered. Every change is written to the corpus
// folder atomically, indexed beside the serving index and swapped in, recorded in the
// audit log and posted to the audit channel. It is safe for concurrent use; changes are
// made one at a time.
type Moderation struct {
	cfg    Config
	log    *slog.Logger
	opts   ModerationOptions
	fetch  *web.Fetcher
	parser *corpus.Parser // reads previews, a few at a time
	store  corpus.Store
	pend   *curate.Pending
	audit  *curate.AuditLog
	rest   *discordgo.Session // posts to the audit channel; nil without one

	poster    reviewPoster  // paces the posts to the review channel
	proposer  *watch.Poller // reads what "Propose to corpus" proposes
	stopSweep func()        // stops the sweeper of previews
	swept     chan struct{} // closed when the sweeper has stopped

	mu  sync.Mutex      // one change of the corpus at a time
	cur *curate.Curator // the corpus folder and the index serving it
}

// NewModeration returns the moderation of the corpus in cfg.CorpusDir: c is the corpus
// the serving index was built from (nil while it is still read: see Loaded), served what that index serves, and rebuild builds the
// next index beside it and swaps it in. It opens the audit log in cfg.DataDir.
func NewModeration(cfg Config, c *corpus.Corpus, served standoff.Stats, rebuild curate.Rebuild, logger *slog.Logger, opts ModerationOptions) (*Moderation, error) {
	if rebuild == nil {
		return nil, errors.New("new moderation: no index")
	}
	if cfg.CorpusDir == "" || cfg.DataDir == "" {
		return nil, errors.New("new moderation: no corpus or data folder")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.PendingTTL <= 0 {
		opts.PendingTTL = defaultPendTTL
	}
	if opts.RefreshTimeout <= 0 {
		opts.RefreshTimeout = defaultRefreshT
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = corpus.MaxDocumentBytes
	}
	if opts.MaxParses <= 0 {
		opts.MaxParses = 2
	}
	if opts.MaxPending <= 0 {
		opts.MaxPending = 20
	}
	if opts.MaxPendingPerMember <= 0 {
		opts.MaxPendingPerMember = 3
	}
	if opts.SweepEvery <= 0 {
		opts.SweepEvery = 5 * time.Minute
	}
	fetch, err := web.NewFetcher(web.FetchConfig{Allow: cfg.FetchAllow, MaxBytes: opts.MaxBytes,
		Timeout: opts.FetchTimeout, UserAgent: "standoff (Discord bot; corpus moderation)"})
	if err != nil {
		return nil, fmt.Errorf("new moderation: %w", err)
	}
	audit, recs, err := curate.Start(cfg.DataDir, cfg.CorpusDir, opts.Now())
	if err != nil {
		return nil, fmt.Errorf("new moderation: %w", err)
	}
	m := &Moderation{
		cfg: cfg, log: logger.With("part", "moderation"), opts: opts,
		fetch: fetch, store: corpus.Store{Dir: cfg.CorpusDir}, audit: audit,
		parser: corpus.NewParser(opts.MaxParses, opts.ParseTimeout),
		pend:   curate.NewPending(cfg.DataDir, opts.PendingTTL, opts.Now),
	}
	onRebuild := func(ctx context.Context, c *corpus.Corpus) (standoff.Stats, error) {
		st, err := rebuild(ctx, c)
		if opts.OnRefresh != nil {
			opts.OnRefresh(err == nil)
		}
		return st, err
	}
	m.proposer = newProposer(m.review(), m)
	m.cur = curate.NewCurator(curate.Config{CorpusDir: cfg.CorpusDir, Audit: audit, Rebuild: onRebuild,
		Commit: m.commitLocked, Now: opts.Now, Log: m.log}, c, served)
	if cfg.AuditChannelID != "" || cfg.ReviewChannelID != "" {
		if m.rest, err = restSession(cfg, opts.HTTPClient); err != nil {
			audit.Close()
			return nil, fmt.Errorf("new moderation: %w", err)
		}
	}
	m.pend.Sweep()
	for _, r := range recs {
		m.log.Warn("an interrupted corpus change was settled", "change", r.Change, "doc", r.Doc, "action", r.Action, "outcome", r.Phase)
	}
	ctx, stop := context.WithCancel(context.Background())
	m.stopSweep, m.swept = stop, make(chan struct{})
	go m.sweepPreviews(ctx)
	return m, nil
}

// restSession is a discordgo session used for REST calls only (no gateway), to post to
// the audit channel whatever made the change.
func restSession(cfg Config, base *http.Client) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("audit channel session: %w", err)
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if s.Client, err = apiClient(base, apiURL); err != nil {
		return nil, fmt.Errorf("audit channel session: %w", err)
	}
	s.ShouldRetryOnRateLimit = false
	s.StateEnabled = false
	return s, nil
}

// sweepPreviews removes expired previews every SweepEvery until ctx is done.
func (m *Moderation) sweepPreviews(ctx context.Context) {
	defer close(m.swept)
	t := time.NewTicker(m.opts.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.pend.Sweep()
		}
	}
}

// Close stops the sweeping of previews and closes the audit log.
func (m *Moderation) Close() error {
	m.stopSweep()
	<-m.swept
	return m.audit.Close()
}

func (m *Moderation) Corpus() *corpus.Corpus { return m.cur.Corpus() }

// Loaded gives a Moderation made without its corpus (a nil c to NewModeration: the
// index was opened from what it stored, and the corpus is read while it serves) the
// corpus c the serving index was built from, and what it serves; until then every use of
// the corpus waits. A nil c says the corpus could not be read (see curate.Curator.Loaded).
func (m *Moderation) Loaded(c *corpus.Corpus, served standoff.Stats) { m.cur.Loaded(c, served) }

// Command is the /corpus command, to pass to the bot in Options.Commands. It is
// registered only in the admin guilds (Config.AdminGuildIDs), and not at all without one.
func (m *Moderation) Command() Command {
	return Command{Definition: corpusDefinition(), ComponentPrefix: corpusPrefix, Handle: m.handle,
		GuildOnly: true, Guilds: slices.Clone(m.cfg.AdminGuildIDs)}
}

// Enabled reports whether /corpus can be used at all: there is an admin guild.
func (m *Moderation) Enabled() bool { return len(m.cfg.AdminGuildIDs) > 0 }

// inAdminGuild reports whether the interaction comes from one of the admin guilds; a
// direct message never does.
func (m *Moderation) inAdminGuild(i *discordgo.Interaction) bool {
	return i.GuildID != "" && i.Member != nil && slices.Contains(m.cfg.AdminGuildIDs, i.GuildID)
}

// corpusDefinition is /corpus as registered with Discord: in guilds only, and shown by
// default only to members with Manage Server (the bot checks again on every use).
func corpusDefinition() *discordgo.ApplicationCommand {
	perm := int64(discordgo.PermissionManageGuild)
	one, days := 1.0, 90.0
	return &discordgo.ApplicationCommand{
		Name:                     cmdCorpus,
		Type:                     discordgo.ChatApplicationCommand,
		Description:              "Moderators: add, remove, list and refresh the documents answers are quoted from.",
		DefaultMemberPermissions: &perm,
		Contexts:                 &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
		IntegrationTypes:         &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall},
		Options: append([]*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subAdd,
				Description: "Add a document from a web page or a .md, .txt or .html file; shows a preview first.",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: optURL, Description: "The address of the web page", MaxLength: 2000},
					{Type: discordgo.ApplicationCommandOptionAttachment, Name: optFile, Description: "A .md, .txt or .html file of at most 2 MB"},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subRemove,
				Description: "Remove a document from the corpus and the answers.",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionString, Name: optDoc, Description: "The document's id", Required: true, Autocomplete: true},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subList,
				Description: "List the documents of the corpus.",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionInteger, Name: optPage, Description: "The page to show (default 1)", MinValue: &one},
				}},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subRefresh,
				Description: "Re-read the corpus folder after an edit on disk, and swap in the new index."},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subGaps,
				Description: "Questions of the last days that nothing answered or that got 👎, most frequent first.",
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionInteger, Name: optDays, Description: "How many days back (default 7)", MinValue: &one, MaxValue: days},
				}},
		}, append(historyOptions(), append(reviewOptions(), teachOptions()...)...)...),
	}
}

// isModerator reports whether the member who interacted may change the corpus: a member
// of an admin guild with Manage Server (or Administrator), or one of the moderator roles.
func (m *Moderation) isModerator(i *discordgo.Interaction) bool {
	if i.Member == nil || !m.inAdminGuild(i) {
		return false
	}
	if i.Member.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	for _, r := range i.Member.Roles {
		if slices.Contains(m.cfg.ModRoleIDs, r) {
			return true
		}
	}
	return false
}

// actorOf is the member who interacted.
func actorOf(i *discordgo.Interaction) curate.Actor {
	a := curate.Actor{ID: userOf(i), Via: "discord", Guild: i.GuildID}
	u := i.User
	if i.Member != nil {
		u = i.Member.User
		a.Name = i.Member.Nick
	}
	if a.Name == "" && u != nil {
		a.Name = u.GlobalName
		if a.Name == "" {
			a.Name = u.Username
		}
	}
	return a
}

// handle answers every interaction of /corpus: the subcommands, the autocomplete of
// doc, and the buttons of previews and lists. Members who may not moderate are refused
// before anything is read or changed.
func (m *Moderation) handle(ctx context.Context, s *discordgo.Session, ev *discordgo.InteractionCreate) error {
	i := ev.Interaction
	r := &responder{s: s, i: i, private: true, start: time.Now(), log: m.log.With("interaction", i.ID, "user", userOf(i))}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return m.autocomplete(ctx, r, i)
	}
	if i.Member == nil {
		r.send(ctx, false, notice(msgGuildOnly))
		return nil
	}
	if !m.inAdminGuild(i) {
		r.log.Warn("corpus command refused: not an admin guild", "guild", i.GuildID)
		r.send(ctx, false, notice(msgNotAdmin))
		return nil
	}
	if !m.isModerator(i) {
		r.log.Info("corpus command refused: not a moderator", "roles", i.Member.Roles)
		r.send(ctx, false, notice(msgNotModerator))
		return nil
	}
	who := actorOf(i)
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		if len(data.Options) == 0 {
			r.send(ctx, false, notice(msgUnknownCmd))
			return nil
		}
		sub := data.Options[0]
		r.log = r.log.With("subcommand", sub.Name)
		switch sub.Name {
		case subAdd:
			m.add(ctx, r, who, sub, data.Resolved)
		case subRemove:
			m.remove(ctx, r, who, stringOption(sub, optDoc))
		case subList:
			page := max(intOption(sub, optPage, 1), 1)
			r.send(ctx, false, m.listMessage((page-1)*listPageSize))
		case subRefresh:
			m.refreshCommand(ctx, r, who)
		case subGaps:
			m.gaps(ctx, r, intOption(sub, optDays, defaultGapDays))
		case subHistory:
			m.history(ctx, r)
		case subUndo:
			m.undoPreview(ctx, r, who, stringOption(sub, optChange))
		case subQueue:
			r.send(ctx, false, m.queueMessage(0))
		case subWatch:
			m.watchCommand(ctx, r, who, sub)
		case subTeach:
			m.teach(ctx, r, who, stringOption(sub, optQuestion), stringOption(sub, optPassage))
		default:
			r.send(ctx, false, notice(msgUnknownCmd))
		}
	case discordgo.InteractionMessageComponent:
		id := i.MessageComponentData().CustomID
		r.log = r.log.With("custom_id", id)
		if pending, ok := strings.CutPrefix(id, corpusConfirm); ok {
			m.confirm(ctx, r, who, pending)
		} else if pending, ok := strings.CutPrefix(id, corpusCancel); ok {
			m.cancel(ctx, r, who, pending, "added")
		} else if pending, ok := strings.CutPrefix(id, corpusUndo); ok {
			m.undoConfirm(ctx, r, who, pending)
		} else if pending, ok := strings.CutPrefix(id, corpusUndoNo); ok {
			m.cancel(ctx, r, who, pending, "undone")
		} else if p, ok := strings.CutPrefix(id, corpusApprove); ok {
			m.approve(ctx, r, who, p)
		} else if p, ok := strings.CutPrefix(id, corpusReject); ok {
			m.reject(ctx, r, who, p)
		} else if offset, ok := strings.CutPrefix(id, corpusQueueAt); ok {
			n, _ := strconv.Atoi(offset)
			r.send(ctx, true, m.queueMessage(n))
		} else if offset, ok := strings.CutPrefix(id, corpusListPage); ok {
			n, _ := strconv.Atoi(offset)
			r.send(ctx, true, m.listMessage(max(n, 0)))
		} else {
			r.send(ctx, false, notice(msgOldButton))
		}
	}
	return nil
}

// stringOption returns the string value of a subcommand's option, or "".
func stringOption(sub *discordgo.ApplicationCommandInteractionDataOption, name string) string {
	if o := sub.GetOption(name); o != nil && o.Type == discordgo.ApplicationCommandOptionString {
		return o.StringValue()
	}
	return ""
}

// intOption returns the integer value of a subcommand's option, or def.
func intOption(sub *discordgo.ApplicationCommandInteractionDataOption, name string, def int) int {
	if o := sub.GetOption(name); o != nil && o.Type == discordgo.ApplicationCommandOptionInteger {
		return int(o.IntValue())
	}
	return def
}

// watchActor is who changes found on disk are credited to, when no command line made
// them.
var watchActor = curate.Actor{ID: "watch", Via: "watch"}

// syncActor is who changes brought from the corpus's remote are credited to.
var syncActor = curate.Actor{ID: "sync", Name: "sync", Via: "sync"}

// Refresh re-reads the corpus folder and, when it changed, builds a new index beside the
// serving one and swaps it in; questions asked meanwhile are answered by the old one.
// When the build fails, the old index goes on serving and the error says why. Changes
// not yet in the audit log are recorded there, credited to who when it is the watcher or
// a command line, and to "watch" when a moderator's /corpus refresh found them. It is
// what /corpus refresh and the --watch of standoff bot run.
func (m *Moderation) Refresh(ctx context.Context, who curate.Actor) (Outcome, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	found := who
	if who.Via == "discord" {
		found = watchActor
	}
	return m.refreshLocked(ctx, curate.Recording{Who: who, Command: subRefresh, Found: found})
}

// refreshLocked is Refresh for a caller that holds m.mu; rec says what the audit log
// records (its Changes are filled in here). The change is committed to the corpus
// repository before it is recorded. When rec has a planned change whose outcome cannot be
// recorded, the new index serves but an error says so: the caller undoes the change; when
// the repository refuses it (a conflict), the folder and the index already follow the
// remote, and the error says so.
func (m *Moderation) refreshLocked(ctx context.Context, rec curate.Recording) (Outcome, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.opts.RefreshTimeout)
	defer cancel()
	out, recs, err := m.cur.Refresh(ctx, rec)
	if err != nil {
		return out, err
	}
	if rec.Who.Via != "sync" { // the process that made the change posted it already
		m.postAudit(ctx, recs)
	}
	return out, nil
}

// refreshCommand answers /corpus refresh.
func (m *Moderation) refreshCommand(ctx context.Context, r *responder, who curate.Actor) {
	if !r.deferReply(ctx) {
		return
	}
	out, err := m.Refresh(ctx, who)
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Refresh failed", err))
		return
	}
	r.edit(ctx, outcomeMessage("Corpus refreshed", out))
}

// failureNotice logs err and returns the notice a moderator is shown: the reason of a
// refusal, or a general apology.
func failureNotice(log *slog.Logger, what string, err error) message {
	log.Warn(what, "err", err)
	if reason, ok := corpus.RefusalReason(err); ok {
		return notice(what + ": " + reason + ".")
	}
	return notice(msgChangeFailed)
}
