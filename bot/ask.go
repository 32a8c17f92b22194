package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/standoff-bot/standoff"
)

// ask answers question q from offset 0 for an interaction: rate limit, search, render,
// respond in time.
func (b *Bot) ask(ctx context.Context, r *responder, kind questionKind, q string, private bool, source string, update bool) {
	q = cutQuestion(q)
	if q == "" {
		r.send(ctx, false, notice(msgNoQuestion))
		return
	}
	if wait, ok, tell := b.limiter.allow(userOf(r.i)); !ok {
		b.tooFast(ctx, r, wait, tell)
		b.endQuestion(r.log, source, q, r.start, OutcomeRateLimited, 0)
		return
	}
	var ans standoff.Answer
	err := r.respond(ctx, update, private, func(ctx context.Context) (message, error) {
		a, err := b.answer(ctx, standoff.Request{Question: q, Related: kind == kindFind}, source, r.i.GuildID)
		if err != nil {
			return message{}, err
		}
		ans = a
		v := view{Kind: kind, Question: q, Answer: a, Private: private}
		if !private {
			v.Asker = userOf(r.i)
		}
		return renderAnswer(v, b.opts.Split), nil
	})
	b.endQuestion(r.log, source, q, r.start, outcome(ans, err), len(ans.Results))
}

// outcome names how a question ended: with an error, answered, or not answered.
func outcome(ans standoff.Answer, err error) string {
	switch {
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
// only: members' words stay out of the log at info.
func (b *Bot) endQuestion(log *slog.Logger, source, q string, start time.Time, outcome string, results int) {
	took := time.Since(start)
	b.metrics.observeQuestion(outcome, took)
	log.Info("question", "source", source, "outcome", outcome,
		"latency_ms", float64(took.Microseconds())/1000, "results", results)
	log.Debug("question text", "question", q)
}

// answer asks the index, bounded by AnswerTimeout. A new question (source not empty) is
// counted and written to the questions log with its outcome; pages of an answer are not.
func (b *Bot) answer(ctx context.Context, req standoff.Request, source, guild string) (standoff.Answer, error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	if req.K == 0 {
		req.K = standoff.DefaultK
	}
	start := time.Now()
	ans, err := b.a.Answer(ctx, req)
	took := time.Since(start)
	if source != "" {
		b.recordQuestion(source, guild, req.Question, ans, err, took)
	}
	if err != nil {
		msg := msgSearchFailed
		if errors.Is(err, context.DeadlineExceeded) {
			msg = msgTooSlow
		}
		// The question's text stays out of the error, which is logged at error level.
		return ans, &userError{msg: msg, err: fmt.Errorf("answer (offset %d): %w", req.Offset, err)}
	}
	b.log.Debug("answered", "question", req.Question, "offset", req.Offset, "results", len(ans.Results), "answered", ans.Answered, "took", took)
	return ans, nil
}

// recordQuestion logs a new question and its outcome to the questions log.
func (b *Bot) recordQuestion(source, guild, q string, ans standoff.Answer, err error, took time.Duration) {
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
		rec.TopScore, rec.TopDoc, rec.TopTerms = top.Score, top.Doc, highlightedTerms(top.Highlighted)
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
