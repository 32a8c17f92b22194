package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/standoff-bot/standoff"
)

// This file: the bot's one question path. Whatever brings a question (the /ask and
// Find sources commands, the More, Back, Post and 📄 buttons, a suggestion, a mention,
// a direct message), an adapter builds a question and an outlet, and ask does the rest:
// rate limit, search, questions log and metrics, render, reply.

// askMode is what a question asks for.
type askMode int

const (
	askNew  askMode = iota // a new question: counted and written to the questions log
	askPage                // another page of an answer given before (More, Back, Post)
	askFull                // one passage of an answer in full (📄)
)

// question is a normalised question request.
type question struct {
	Mode   askMode
	Kind   questionKind // asked, or sources looked up for a message
	Source string       // how a new question came, for the log and metrics: ask, find_sources, suggestion, mention, dm
	Text   string       // the question as the member wrote it (cut, one line)
	Offset int          // the rank of the first passage shown
	User   string       // who asks (rate limit, journal)
	Guild  string       // where; empty in a direct message
	// Channel is the channel, thread or direct-message channel it was asked in: with
	// User, the conversation a follow-up leans on.
	Channel string
	Start   time.Time // when the event arrived
	ID      string    // the interaction's or message's id, for the logs
	Log     *slog.Logger

	// What the reply looks like: Update replaces the message a button is on; Private
	// shows it to the member alone; Asker is who may remove it; SharedBy names the member
	// who posted it to the channel.
	Update   bool
	Private  bool
	Asker    string
	SharedBy string
	// Ref is the passage ("doc#paragraph") a 📄 button was for; empty: whichever passage
	// is at Offset.
	Ref string
	// Empty is the reply to an empty question, for adapters that let one through.
	Empty string
}

// outlet is how a reply reaches the member: an interaction's responder, or a reply to a
// message.
type outlet interface {
	// tooFast answers a request over the rate limit; tell is false when the member was
	// told already.
	tooFast(ctx context.Context, wait time.Duration, tell bool)
	// deliver replies with what produce makes, in time, and returns produce's error
	// after telling the member, else, marked with errUndelivered, why the reply did not
	// reach the member.
	deliver(ctx context.Context, update, private bool, produce func(context.Context) (message, error)) error
}

// ask answers q through out: rate limit, search, questions log and metrics, render, reply.
func (b *Bot) ask(ctx context.Context, out outlet, q question) {
	if wait, ok, tell := b.limiter.allow(q.User); !ok {
		if q.Mode == askNew {
			// Counted before the member is told, so that the count is there with the reply.
			b.endQuestion(q, OutcomeRateLimited, 0, nil)
		}
		out.tooFast(ctx, wait, tell)
		return
	}
	if q.Text == "" {
		out.deliver(ctx, false, false, func(context.Context) (message, error) { return message{Content: q.Empty}, nil })
		return
	}
	switch {
	case q.Mode == askFull:
		b.metrics.buttons.WithLabelValues(buttonFull).Inc()
	case q.Mode == askPage && q.SharedBy != "":
		b.metrics.buttons.WithLabelValues(buttonPost).Inc()
	case q.Mode == askPage:
		b.metrics.buttons.WithLabelValues(buttonPage).Inc()
	}
	var sr searched
	if q.Mode == askNew {
		// Deferred, so that a question whose answer panics is counted too (an error).
		res, n := OutcomeError, 0
		var err error
		finished := false
		defer func() {
			if !finished {
				err = errors.New("panic while answering")
			}
			if sr.done {
				b.recordQuestion(q.Source, q.Guild, q.Text, sr, err)
			}
			b.endQuestion(q, res, n, err)
		}()
		err = out.deliver(ctx, q.Update, q.Private, func(ctx context.Context) (message, error) { return b.produce(ctx, q, &sr) })
		finished = true
		res, n = outcome(sr.ans, err), len(sr.ans.Results)
		return
	}
	if err := out.deliver(ctx, q.Update, q.Private, func(ctx context.Context) (message, error) { return b.produce(ctx, q, &sr) }); errors.Is(err, errUndelivered) {
		q.Log.Warn("reply not delivered", "err", err)
	}
}

// errUndelivered marks the error of a reply that did not reach the member.
var errUndelivered = errors.New("reply not delivered")

// searched is what the index said to a question, and how long it took.
type searched struct {
	ans  standoff.Answer
	took time.Duration
	err  error
	done bool // the index was asked
}

// produce searches and renders the reply to q; what the index said is left in sr.
func (b *Bot) produce(ctx context.Context, q question, sr *searched) (message, error) {
	req := standoff.Request{Question: q.Text, Offset: q.Offset, Related: q.Kind == kindFind}
	if q.Mode == askFull {
		req.K = 1
	}
	followUp := q.Mode == askNew && q.Kind == kindAsk
	if followUp {
		req.Previous = b.convs.previous(q.User, q.Channel)
	}
	start := time.Now()
	a, err := b.answer(ctx, req)
	*sr = searched{ans: a, took: time.Since(start), err: err, done: true}
	if err != nil {
		return message{}, err
	}
	if followUp {
		b.convs.remember(q.User, q.Channel, cmp.Or(a.ReadAs, searchText(q.Text)))
	}
	switch q.Mode {
	case askFull:
		if len(a.Results) == 0 || q.Ref != "" && passageKey(a.Results[0]) != q.Ref {
			return message{}, &userError{msg: msgPassageGone, err: errors.New("the passage is no longer at this rank")}
		}
		return renderFull(a.Results[0], b.opts.Split), nil
	case askPage:
		m := renderAnswer(q.view(a), b.opts.Split)
		if len(a.Results) == 0 && q.Offset > 0 {
			return message{}, &userError{msg: m.Content, err: errors.New("no passages at this offset any more")}
		}
		return m, nil
	default:
		return renderAnswer(q.view(a), b.opts.Split), nil
	}
}

// view is how the answer a to q is shown.
func (q question) view(a standoff.Answer) view {
	return view{Kind: q.Kind, Question: q.Text, Offset: q.Offset, Answer: a,
		Private: q.Private, Asker: q.Asker, SharedBy: q.SharedBy}
}

// mentionRe matches user, role and channel mentions and custom emoji in message text.
var mentionRe = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>`)

// stripMentions removes mentions and custom emoji from a message's text and normalises
// its white space.
func stripMentions(s string) string {
	return strings.Join(strings.Fields(mentionRe.ReplaceAllString(s, " ")), " ")
}

// pingPattern matches what Discord would ping in a question's text: mentions, and "@word"
// (@everyone, @here, a name typed after an @); none is a word of the question.
var pingPattern = regexp.MustCompile(`<(?:@[!&]?|#)\d+>|@\w+`)

// searchText is the question the index is asked: q without pings. The member's words,
// shown in the answer and kept in the questions log, keep them.
func searchText(q string) string {
	return strings.Join(strings.Fields(pingPattern.ReplaceAllString(q, " ")), " ")
}

// outcome names how a question ended: with an error, answered, or not answered, with
// a busy notice in its channel instead of the answer, or with a reply that never
// reached the member.
func outcome(ans standoff.Answer, err error) string {
	switch {
	case errors.Is(err, errBusy):
		return OutcomeBusy
	case errors.Is(err, errUndelivered):
		return OutcomeUndelivered
	case err != nil:
		return OutcomeError
	case ans.Answered && len(ans.Results) > 0:
		return OutcomeAnswered
	default:
		return OutcomeNotAnswered
	}
}

// endQuestion counts a question's outcome and latency (from arrival to reply) and logs
// the one line every question ends with. The question's text is logged at debug level
// only: members' words stay out of the log at info, but for a reply that did not reach
// the member: its dead letter, at warning level, says what was asked (and never who).
func (b *Bot) endQuestion(q question, outcome string, results int, err error) {
	took := time.Since(q.Start)
	b.metrics.observeQuestion(outcome, took)
	q.Log.Info("question", "source", q.Source, "outcome", outcome,
		"latency_ms", float64(took.Microseconds())/1000, "results", results)
	q.Log.Debug("question text", "question", q.Text)
	if outcome == OutcomeUndelivered {
		b.log.Warn("reply not delivered: the member did not get the answer", "request_id", q.ID,
			"source", q.Source, "question", q.Text, "reason", err.Error())
	}
}

// answer asks the index, bounded by AnswerTimeout.
func (b *Bot) answer(ctx context.Context, req standoff.Request) (standoff.Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	if req.K == 0 {
		req.K = standoff.DefaultK
	}
	start := time.Now()
	asked := req.Question
	req.Question = searchText(req.Question)
	ans, err := b.a.Answer(ctx, req)
	took := time.Since(start)
	if err != nil {
		msg := msgSearchFailed
		if errors.Is(err, context.DeadlineExceeded) {
			msg = msgTooSlow
		}
		// The question's text stays out of the error, which is logged at error level.
		return ans, &userError{msg: msg, err: fmt.Errorf("answer (offset %d): %w", req.Offset, err)}
	}
	b.log.Debug("answered", "question", asked, "offset", req.Offset, "results", len(ans.Results), "answered", ans.Answered, "took", took)
	return ans, nil
}

// recordQuestion logs a new question to the questions log: what the index said (sr)
// and how the question ended (err: the search's error, or why the reply did not reach
// the member).
func (b *Bot) recordQuestion(source, guild, q string, sr searched, err error) {
	ans := sr.ans
	rec := QuestionRecord{
		Time: time.Now().UTC(), Source: source, Guild: guild, Question: q,
		Answered: err == nil && ans.Answered && len(ans.Results) > 0,
		Results:  len(ans.Results), Suggestions: ans.Suggestions,
		Millis:      float64(sr.took.Microseconds()) / 1000,
		Undelivered: errors.Is(err, errUndelivered),
		Busy:        errors.Is(err, errBusy),
	}
	if err != nil {
		rec.Error = err.Error()
	}
	if len(ans.Results) > 0 {
		top := ans.Results[0]
		rec.TopScore, rec.TopDoc, rec.TopTerms = top.Score, top.Doc, matchedTerms(top)
	}
	b.mu.Lock()
	j := b.questions
	b.mu.Unlock()
	if j == nil {
		return
	}
	if err := j.Write(rec); err != nil {
		b.log.Error("writing the questions log", "err", err)
	}
}
