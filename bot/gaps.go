package bot

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/standoff-bot/standoff/corpus"
)

// Gap is a question that the corpus does not answer well: nothing answered it, or
// members gave its answer a 👎.
type Gap struct {
	Question   string    // as last asked
	Count      int       // Unanswered + Down
	Unanswered int       // times nothing answered it
	Down       int       // 👎 on its answers (each member's latest vote)
	Closest    []string  // the corpus's terms that came closest, most frequent first
	Last       time.Time // when it was last asked or voted on
	// Taught lists the passages a moderator has taught this question to since
	// (/corpus teach); Gaps leaves it empty, the /corpus gaps screen fills it in.
	Taught []string
}

// maxClosest is how many closest terms a Gap names.
const maxClosest = 5

// Gaps reads the questions log and the feedback log of the data folder and returns the
// questions since since that nothing answered or that got 👎, grouped by their words
// (case, spacing and final punctuation aside), most frequent first. A question whose
// search failed is not a gap; lines that cannot be read are skipped. Only the questions
// and votes of guilds are read: never those of direct messages or of other guilds.
func Gaps(dataDir string, since time.Time, guilds []string) ([]Gap, error) {
	byKey := map[string]*Gap{}
	terms := map[string]map[string]int{}
	get := func(q string, t time.Time) *Gap {
		k := gapKey(q)
		g := byKey[k]
		if g == nil {
			g = &Gap{}
			byKey[k] = g
			terms[k] = map[string]int{}
		}
		if !t.Before(g.Last) {
			g.Last, g.Question = t, oneLineText(q)
		}
		return g
	}
	var answeredTerms []QuestionRecord
	err := readJSONLines(filepath.Join(dataDir, QuestionsFile), func(line []byte) {
		var r QuestionRecord
		if json.Unmarshal(line, &r) != nil || r.Time.Before(since) || r.Error != "" || strings.TrimSpace(r.Question) == "" ||
			r.Guild == "" || !slices.Contains(guilds, r.Guild) {
			return
		}
		if r.Answered {
			answeredTerms = append(answeredTerms, r)
			return
		}
		g := get(r.Question, r.Time)
		g.Unanswered++
		for _, s := range r.Suggestions {
			terms[gapKey(r.Question)][s]++
		}
	})
	if err != nil {
		return nil, err
	}
	latest := map[voteKey]Vote{}
	err = readJSONLines(filepath.Join(dataDir, FeedbackFile), func(line []byte) {
		var v Vote
		if json.Unmarshal(line, &v) != nil || v.Time.Before(since) || strings.TrimSpace(v.Question) == "" ||
			v.Guild == "" || !slices.Contains(guilds, v.Guild) {
			return
		}
		latest[voteKey{v.Message, v.User}] = v
	})
	if err != nil {
		return nil, err
	}
	for _, v := range latest {
		if v.Vote == "down" {
			get(v.Question, v.Time).Down++
		}
	}
	for _, r := range answeredTerms {
		// The terms that matched in answers that got 👎 came closest too.
		if g := byKey[gapKey(r.Question)]; g != nil && g.Down > 0 {
			for _, t := range r.TopTerms {
				terms[gapKey(r.Question)][t]++
			}
		}
	}
	var out []Gap
	for k, g := range byKey {
		g.Count = g.Unanswered + g.Down
		if g.Count == 0 {
			continue
		}
		g.Closest = topTerms(terms[k], maxClosest)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Gap) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		if c := b.Last.Compare(a.Last); c != 0 {
			return c
		}
		return cmp.Compare(a.Question, b.Question)
	})
	return out, nil
}

// gapKey groups the wordings of one question.
// A question taught since (corpus.TaughtKey) is the same question.
func gapKey(q string) string { return corpus.TaughtKey(q) }

// oneLineText collapses the white space of s.
func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

// topTerms returns at most n terms, most counted first.
func topTerms(counts map[string]int, n int) []string {
	var list []string
	for t := range counts {
		if strings.TrimSpace(t) != "" {
			list = append(list, t)
		}
	}
	slices.SortFunc(list, func(a, b string) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return list[:min(n, len(list))]
}

// readJSONLines calls fn with each line of the file at path; a missing file has none.
func readJSONLines(path string, fn func([]byte)) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", filepath.Base(path), err)
	}
	return nil
}

// gaps answers /corpus gaps.
func (m *Moderation) gaps(ctx context.Context, r *responder, days int) {
	days = min(max(days, 1), 90)
	if !r.deferReply(ctx) {
		return
	}
	list, err := Gaps(m.cfg.DataDir, m.opts.Now().Add(-time.Duration(days)*24*time.Hour), m.cfg.AdminGuildIDs)
	if err != nil {
		r.log.Error("reading the question logs", "err", err)
		r.edit(ctx, notice("Sorry — the question logs could not be read just now. It has been logged."))
		return
	}
	taught := taughtQuestions(m.cur.Corpus())
	for i := range list {
		list[i].Taught = taught[gapKey(list[i].Question)]
	}
	r.edit(ctx, gapsMessage(list, days))
}

// gapsMessage lists the gaps, most frequent first.
func gapsMessage(list []Gap, days int) message {
	period := fmt.Sprintf("the last %d days", days)
	if days == 1 {
		period = "the last day"
	}
	e := &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: embedColor,
		Title: fmt.Sprintf("Gaps of %s: %d questions", period, len(list))}
	if len(list) == 0 {
		e.Description = "Every question of " + period + " was answered, and no answer got a 👎."
		return message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
	}
	var lines []string
	for i, g := range list {
		if i == 20 {
			lines = append(lines, fmt.Sprintf("…and %d more.", len(list)-20))
			break
		}
		var why []string
		if g.Unanswered > 0 {
			why = append(why, fmt.Sprintf("unanswered %d×", g.Unanswered))
		}
		if g.Down > 0 {
			why = append(why, fmt.Sprintf("👎 %d", g.Down))
		}
		line := fmt.Sprintf("**%d×** %s — %s", g.Count, escapeMarkdown(cutText(g.Question, 150)), strings.Join(why, ", "))
		if len(g.Closest) > 0 {
			line += "; closest: " + escapeMarkdown(strings.Join(g.Closest, ", "))
		}
		if len(g.Taught) > 0 {
			line += " — ✅ taught since: `" + codeText(strings.Join(g.Taught, "`, `")) + "`"
		}
		lines = append(lines, line)
	}
	e.Description = cutText(strings.Join(lines, "\n"), maxEmbedDesc)
	return message{Embeds: []*discordgo.MessageEmbed{e}, Ephemeral: true}
}
