package bot

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
	"github.com/standoff-bot/standoff/corpus/watch"
	"github.com/standoff-bot/standoff/corpus/web"
)

// Names of the review queue's subcommands, options and buttons.
const (
	subQueue       = "queue"
	subWatch       = "watch"
	subWatchAdd    = "add"
	subWatchRemove = "remove"
	subWatchList   = "list"
	corpusApprove  = corpusPrefix + "qa:"
	corpusReject   = corpusPrefix + "qr:"
	corpusQueueAt  = corpusPrefix + "qp:"
	// reviewPosts is how many posts the review channel gets a minute at most.
	reviewPosts = 3
)

// reviewOptions are the subcommands of /corpus for the review queue and watched sources.
func reviewOptions() []*discordgo.ApplicationCommandOption {
	urlOpt := func(desc string) []*discordgo.ApplicationCommandOption {
		return []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: optURL,
			Description: desc, Required: true, MaxLength: 2000}}
	}
	return []*discordgo.ApplicationCommandOption{
		{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subQueue,
			Description: "Proposals from watched sources waiting for review: approve or reject them."},
		{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: subWatch,
			Description: "The RSS and Atom feeds and single pages the corpus watches.",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subWatchAdd,
					Description: "Watch a feed or a page: what is new and on topic is proposed for review.",
					Options:     urlOpt("The address of the feed or page")},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subWatchRemove,
					Description: "Stop watching a feed or a page.", Options: urlOpt("The address, as /corpus watch list shows it")},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subWatchList,
					Description: "The watched sources and how each last answered."},
			}},
	}
}

// review is the corpus folder's review folder, committed through the corpus repository.
func (m *Moderation) review() *watch.Review {
	return &watch.Review{Store: m.store, Git: curate.GitCommitter{Repo: m.opts.Repo}, Now: m.opts.Now}
}

// observe tells the metrics of n proposals with outcome.
func (m *Moderation) observe(outcome string, n int) {
	if m.opts.Observer != nil && n > 0 {
		m.opts.Observer.Proposals(outcome, n)
	}
}

// watchCommand answers /corpus watch add|remove|list.
func (m *Moderation) watchCommand(ctx context.Context, r *responder, who curate.Actor, group *discordgo.ApplicationCommandInteractionDataOption) {
	if len(group.Options) == 0 {
		r.send(ctx, false, notice(msgUnknownCmd))
		return
	}
	sub := group.Options[0]
	raw := strings.TrimSpace(stringOption(sub, optURL))
	switch sub.Name {
	case subWatchAdd:
		m.mu.Lock()
		s, added, err := m.review().Watch(ctx, who, raw)
		m.mu.Unlock()
		switch {
		case err != nil:
			r.send(ctx, false, failureNotice(r.log, "Not watched", err))
		case !added:
			r.send(ctx, false, notice(fmt.Sprintf("%s is already watched (since %s).", escapeMarkdown(s.URL), s.Added.Format("2 January 2006"))))
		default:
			r.log.Info("source watched", "source", s.URL)
			r.send(ctx, false, notice(fmt.Sprintf("Watching %s. What is new and on topic will wait in `/corpus queue` for a moderator; nothing enters the corpus without one.", escapeMarkdown(s.URL))))
		}
	case subWatchRemove:
		m.mu.Lock()
		ok, err := m.review().Unwatch(ctx, who, raw)
		m.mu.Unlock()
		switch {
		case err != nil:
			r.send(ctx, false, failureNotice(r.log, "Not removed", err))
		case !ok:
			r.send(ctx, false, notice(fmt.Sprintf("%s is not watched; see `/corpus watch list`.", escapeMarkdown(raw))))
		default:
			r.send(ctx, false, notice(fmt.Sprintf("No longer watching %s.", escapeMarkdown(web.CleanURL(raw)))))
		}
	case subWatchList:
		r.send(ctx, false, m.watchListMessage())
	default:
		r.send(ctx, false, notice(msgUnknownCmd))
	}
}

// watchListMessage lists the watched sources with how each last answered.
func (m *Moderation) watchListMessage() message {
	sources, err := m.review().Sources()
	if err != nil {
		m.log.Warn("a watched source cannot be read", "err", err)
	}
	if len(sources) == 0 {
		return notice("No source is watched. Add one with `/corpus watch add url:`.")
	}
	var statuses map[string]watch.SourceStatus
	if m.opts.Poller != nil {
		statuses = m.opts.Poller.Statuses()
	}
	now := m.opts.Now()
	var lines []string
	for _, s := range sources {
		line := "• " + escapeMarkdown(s.URL)
		st, polled := statuses[s.URL]
		switch {
		case m.opts.Poller == nil:
			line += " — polled by another process"
		case !polled:
			line += " — not polled yet"
		case st.Failing(now):
			line += fmt.Sprintf(" — ⚠️ failing since <t:%d:R>: %s", st.FailingSince.Unix(), escapeMarkdown(cutText(st.Error, 200)))
		case st.Outcome == watch.OutcomeError:
			line += " — last poll failed: " + escapeMarkdown(cutText(st.Error, 200))
		default:
			line += fmt.Sprintf(" — read <t:%d:R>", st.LastOK.Unix())
		}
		lines = append(lines, line)
	}
	return message{Embeds: []*discordgo.MessageEmbed{{Type: discordgo.EmbedTypeRich, Title: "Watched sources", Color: embedColor,
		Description: cutText(strings.Join(lines, "\n"), 4000)}}, Ephemeral: true}
}

// proposalEmbed shows a proposal: title, publisher, date, source, relevance and why, the
// first paragraph, and an update's changed paragraphs.
func proposalEmbed(p watch.Proposal) *discordgo.MessageEmbed {
	published := p.Published
	if published == "" {
		published = "unknown — the source gives no date"
	}
	kind := "New document"
	if p.Kind == watch.KindUpdate {
		kind = fmt.Sprintf("**Update** of `%s`: its page changed", codeText(p.Doc))
	}
	publisher := p.Publisher
	if publisher == "" {
		publisher = "unknown"
	}
	fields := []*discordgo.MessageEmbedField{
		{Name: "Proposal", Value: "`" + codeText(p.ID) + "`", Inline: true},
		{Name: "Publisher", Value: cutText(escapeMarkdown(publisher), 1024), Inline: true},
		{Name: "Published", Value: published, Inline: true},
		{Name: "Action", Value: kind},
		{Name: "Source", Value: cutText(escapeMarkdown(p.Source), 1024)},
		{Name: fmt.Sprintf("Relevance %.2f", p.Relevance), Value: cutText(escapeMarkdown(p.Why), 1024)},
	}
	if len(p.Changed) > 0 {
		var b []string
		for _, c := range p.Changed {
			b = append(b, "> "+escapeFrom(cutText(c, 300), false))
		}
		fields = append(fields, &discordgo.MessageEmbedField{Name: "Changed paragraphs", Value: cutText(strings.Join(b, "\n"), 1024)})
	}
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Title: cutText(escapeMarkdown(p.Title), maxEmbedTitle), Color: embedColor,
		Description: "**First paragraph**\n> " + escapeFrom(cutText(p.First, 900), false), Fields: fields}
	if webURL(p.URL) && discordLen(p.URL) <= 512 {
		e.URL = p.URL
	}
	return e
}

// proposalButtons are Approve, Reject and Open (the page) for a proposal, and extra.
func proposalButtons(p watch.Proposal, extra ...discordgo.MessageComponent) []discordgo.MessageComponent {
	row := []discordgo.MessageComponent{
		discordgo.Button{Label: "Approve", Style: discordgo.SuccessButton, CustomID: corpusApprove + p.ID},
		discordgo.Button{Label: "Reject", Style: discordgo.DangerButton, CustomID: corpusReject + p.ID},
	}
	if webURL(p.URL) && discordLen(p.URL) <= 512 {
		row = append(row, discordgo.Button{Label: "Open", Style: discordgo.LinkButton, URL: p.URL})
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: append(row, extra...)}}
}

// queueMessage shows the proposal at offset of the queue, with its buttons and the way
// to the others.
func (m *Moderation) queueMessage(offset int) message {
	q, err := m.review().Queue()
	if err != nil {
		m.log.Warn("a proposal cannot be read", "err", err)
	}
	if len(q) == 0 {
		return notice("The review queue is empty: nothing from the watched sources waits for review.")
	}
	offset = min(max(offset, 0), len(q)-1)
	p := q[offset]
	var nav []discordgo.MessageComponent
	if offset > 0 {
		nav = append(nav, discordgo.Button{Label: "Previous", Style: discordgo.SecondaryButton, CustomID: corpusQueueAt + strconv.Itoa(offset-1)})
	}
	if offset+1 < len(q) {
		nav = append(nav, discordgo.Button{Label: "Next", Style: discordgo.SecondaryButton, CustomID: corpusQueueAt + strconv.Itoa(offset+1)})
	}
	return message{
		Content:    fmt.Sprintf("**Review queue** — proposal %d of %d, proposed <t:%d:R>. Nothing enters the corpus until a moderator approves it.", offset+1, len(q), p.Proposed.Unix()),
		Embeds:     []*discordgo.MessageEmbed{proposalEmbed(p)},
		Components: proposalButtons(p, nav...),
		Ephemeral:  true,
	}
}

// approve writes a proposal's document through the change path of /corpus add (intent,
// write, index swap, commit and push, done), then takes it out of the queue.
func (m *Moderation) approve(ctx context.Context, r *responder, who curate.Actor, id string) {
	if !r.deferUpdate(ctx) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	rv := m.review()
	p, ok, err := rv.Proposal(id)
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Not approved", err))
		return
	}
	if !ok {
		r.edit(ctx, notice(msgProposalGone))
		return
	}
	d, err := curate.NewDraft(ctx, m.parser, m.cur.Corpus(), watch.SourceOf(p), m.opts.Now())
	if err != nil {
		r.edit(ctx, failureNotice(r.log, "Not approved", err))
		return
	}
	reply := notice("Approved — the corpus already had exactly this text.")
	if !d.Unchanged {
		out, err := m.change(ctx, r, who, subAdd, p.URL, curate.PlanDraft(d), func() (func() error, error) { return m.store.Commit(d) })
		if err != nil {
			r.edit(ctx, failureNotice(r.log, "Not approved", err))
			return
		}
		title := "Approved — document added"
		if d.Replaces != "" {
			title = "Approved — document updated"
		}
		reply = outcomeMessage(title, out)
	}
	if err := rv.Dismiss(ctx, who, id, "approved"); err != nil {
		r.log.Error("taking the approved proposal out of the queue", "proposal", id, "err", err)
	}
	m.observe("approved", 1)
	r.log.Info("proposal approved", "proposal", id, "doc", d.ID)
	r.edit(ctx, withBy(reply, who))
}

// withBy adds who did it to a message shown where others see it too.
func withBy(msg message, who curate.Actor) message {
	msg.Content = strings.TrimSpace(msg.Content + "\nBy " + escapeMarkdown(who.Name) + ".")
	return msg
}

// reject takes a proposal out of the queue and remembers its text as refused.
func (m *Moderation) reject(ctx context.Context, r *responder, who curate.Actor, id string) {
	m.mu.Lock()
	p, err := m.review().Reject(ctx, who, id, "rejected on Discord")
	m.mu.Unlock()
	if err != nil {
		if _, ok := corpus.RefusalReason(err); ok {
			r.send(ctx, true, notice(msgProposalGone))
			return
		}
		r.send(ctx, true, failureNotice(r.log, "Not rejected", err))
		return
	}
	m.observe("rejected", 1)
	r.log.Info("proposal rejected", "proposal", id)
	r.send(ctx, true, notice(fmt.Sprintf("Rejected by %s: %s. The same text will not be proposed again.", escapeMarkdown(who.Name), escapeMarkdown(cutText(p.Title, 200)))))
}

// msgProposalGone answers a button of a proposal that no longer waits.
const msgProposalGone = "This proposal no longer waits: another moderator approved or rejected it, or it expired. See `/corpus queue`."

// reviewPoster posts new proposals to the review channel, a few a minute at most.
type reviewPoster struct {
	mu    sync.Mutex
	times []time.Time // when the last posts went out
}

// allow reports whether a post may go out at now, and counts it.
func (rp *reviewPoster) allow(now time.Time) bool {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	kept := rp.times[:0]
	for _, t := range rp.times {
		if now.Sub(t) < time.Minute {
			kept = append(kept, t)
		}
	}
	rp.times = kept
	if len(rp.times) >= reviewPosts {
		return false
	}
	rp.times = append(rp.times, now)
	return true
}

// left returns how many more posts the current minute allows.
func (rp *reviewPoster) left() int {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return reviewPosts - len(rp.times)
}

// PostProposals posts new proposals to the review channel (Config.ReviewChannelID), with
// their Approve, Reject and Open buttons, at most a few a minute: the last post of a
// minute says how many more wait in /corpus queue, and posts beyond it are left out
// (the queue holds them).
func (m *Moderation) PostProposals(ctx context.Context, ps []watch.Proposal) {
	if m.rest == nil || m.cfg.ReviewChannelID == "" || len(ps) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	send := func(ms *discordgo.MessageSend) {
		ms.AllowedMentions = noMentions()
		err := restPolicy{}.do(ctx, restCall{deadline: time.Now().Add(messageWindow)}, func(opts ...discordgo.RequestOption) error {
			_, err := m.rest.ChannelMessageSendComplex(m.cfg.ReviewChannelID, ms, opts...)
			return err
		})
		if err != nil {
			m.log.Error("posting to the review channel failed", "channel", m.cfg.ReviewChannelID, "err", err)
		}
	}
	for i, p := range ps {
		if !m.poster.allow(m.opts.Now()) {
			m.log.Info("review channel: posts held back, a few a minute at most", "proposals", len(ps)-i)
			return
		}
		if rest := len(ps) - i; rest > 1 && m.poster.left() == 0 {
			// The last post of the minute: say how many wait rather than show one.
			send(&discordgo.MessageSend{Content: fmt.Sprintf("%s wait for review in `/corpus queue`.", corpus.Plural(rest, "new proposal"))})
			return
		}
		send(&discordgo.MessageSend{Content: "**New proposal for the corpus** — moderators, Approve or Reject; nothing enters the corpus until one does.",
			Embeds: []*discordgo.MessageEmbed{proposalEmbed(p)}, Components: proposalButtons(p)})
	}
}

// Watching runs the poller of the watched sources (ModerationOptions.Poller) on its
// schedule until ctx is done, one poll at a time with the other changes of the corpus,
// and posts what each poll proposes to the review channel.
func (m *Moderation) Watching(ctx context.Context) {
	if m.opts.Poller == nil {
		return
	}
	m.opts.Poller.Run(ctx, m.cur.Corpus, func() func() { m.mu.Lock(); return m.mu.Unlock }, func(rep watch.Report, err error) {
		m.PostProposals(ctx, rep.Proposed)
	})
}

// PollNow polls every watched source once, now, as the schedule would, and posts what it
// proposes: for tests and for a moderator's request.
func (m *Moderation) PollNow(ctx context.Context) (watch.Report, error) {
	if m.opts.Poller == nil {
		return watch.Report{}, fmt.Errorf("poll: this process does not poll the watched sources")
	}
	m.mu.Lock()
	rep, err := m.opts.Poller.Poll(ctx, m.cur.Corpus(), true)
	m.mu.Unlock()
	m.PostProposals(ctx, rep.Proposed)
	return rep, err
}

// ReviewMetrics count what the poller and the moderators do with the review queue, in
// Prometheus: polls by source and outcome, proposals by outcome (made, approved,
// rejected, expired), and the age of the oldest proposal waiting. It is a watch.Observer.
type ReviewMetrics struct {
	polls     *prometheus.CounterVec
	proposals *prometheus.CounterVec
}

// NewReviewMetrics registers the review queue's metrics in reg; oldest gives when the
// oldest waiting proposal was made, and whether one waits.
func NewReviewMetrics(reg prometheus.Registerer, oldest func() (time.Time, bool), now func() time.Time) (*ReviewMetrics, error) {
	m := &ReviewMetrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "standoff_watch_polls_total",
			Help: "Polls of watched sources, by source and outcome: ok, unchanged, error, backing_off.",
		}, []string{"source", "outcome"}),
		proposals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "standoff_review_proposals_total",
			Help: "Proposals of the review queue, by outcome: made, approved, rejected, expired.",
		}, []string{"outcome"}),
	}
	age := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "standoff_review_oldest_proposal_age_seconds",
		Help: "Age of the oldest proposal waiting for review; 0 when none waits.",
	}, func() float64 {
		if t, ok := oldest(); ok {
			return now().Sub(t).Seconds()
		}
		return 0
	})
	for _, c := range []prometheus.Collector{m.polls, m.proposals, age} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("review metrics: %w", err)
		}
	}
	for _, o := range []string{"made", "approved", "rejected", "expired"} {
		m.proposals.WithLabelValues(o)
	}
	return m, nil
}

// Polled counts a poll of source with outcome.
func (m *ReviewMetrics) Polled(source, outcome string) {
	m.polls.WithLabelValues(source, outcome).Inc()
}

// Proposals counts n proposals with outcome.
func (m *ReviewMetrics) Proposals(outcome string, n int) {
	m.proposals.WithLabelValues(outcome).Add(float64(n))
}

// OldestProposal returns when the oldest proposal waiting was made, and whether one
// waits: for NewReviewMetrics.
func (m *Moderation) OldestProposal() (time.Time, bool) {
	q, _ := m.review().Queue()
	if len(q) == 0 {
		return time.Time{}, false
	}
	return q[0].Proposed, true
}

// WatchDetails are the lines /healthz adds for watched sources failing for a day or
// more, as this process's poller saw them.
func (m *Moderation) WatchDetails() []string {
	if m.opts.Poller == nil {
		return nil
	}
	now := m.opts.Now()
	var out []string
	for u, st := range m.opts.Poller.Statuses() {
		if st.Failing(now) {
			out = append(out, fmt.Sprintf("watched source %s failing since %s: %s", u, st.FailingSince.UTC().Format(time.RFC3339), st.Error))
		}
	}
	slices.Sort(out)
	return out
}
