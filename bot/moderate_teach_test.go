package bot_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
)

// TestCorpusTeach goes through teaching from Discord: a member's question that nothing
// answers shows in /corpus gaps; a moderator picks it and a passage from the
// suggestions and teaches it; the question and a paraphrase of it are answered from the
// passage; /corpus gaps marks it taught; a member may not teach; the change is in the
// audit log and the corpus folder.
func TestCorpusTeach(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	dataDir := t.TempDir()
	h := startModeration(t, nil, seedCorpus(t), dataDir, nil, clock)
	const (
		question   = "how fast could they get a nuke"
		paraphrase = "so how fast could they get nukes??"
		passage    = "glossary#1"
	)
	if got := h.askDocs(t, question); len(got) > 0 && got[0] == "glossary" {
		t.Fatalf("%q is answered from the glossary before it is taught: the test proves nothing", question)
	}
	h.ask(t, alice, question)

	t.Run("gaps suggest the question", func(t *testing.T) {
		_, p := h.corpusCmd(t, modPerm, "gaps")
		if len(p.Embeds) == 0 || !strings.Contains(p.Embeds[0].Description, question) || strings.Contains(p.Embeds[0].Description, "taught") {
			t.Fatalf("gaps:\n%s", p.Sprint())
		}
		id := h.srv.SubcommandAutocomplete(modPerm, inGuild, "corpus", "teach", "question", "nuke")
		_, ac, err := h.srv.Response(timeout, id)
		if err != nil || len(ac.Choices) != 1 || ac.Choices[0].Value != question {
			t.Errorf("question autocomplete: %v %+v", err, ac.Choices)
		}
		id = h.srv.SubcommandAutocomplete(modPerm, inGuild, "corpus", "teach", "passage", "gloss", discordtest.Opt{Name: "question", Value: question})
		_, ac, err = h.srv.Response(timeout, id)
		if err != nil || len(ac.Choices) == 0 || ac.Choices[0].Value != passage || !strings.Contains(ac.Choices[0].Name, "Breakout time") {
			t.Errorf("passage autocomplete: %v %+v", err, ac.Choices)
		}
		id = h.srv.SubcommandAutocomplete(member, inGuild, "corpus", "teach", "question", "")
		if _, ac, err := h.srv.Response(timeout, id); err != nil || len(ac.Choices) != 0 {
			t.Errorf("autocomplete for a member: %v, %d choices", err, len(ac.Choices))
		}
	})

	t.Run("a member may not teach", func(t *testing.T) {
		_, p := h.corpusCmd(t, member, "teach", discordtest.Opt{Name: "question", Value: question}, discordtest.Opt{Name: "passage", Value: passage})
		if !strings.Contains(p.Content, "only moderators") {
			t.Errorf("member: %q", p.Content)
		}
		if _, err := os.Stat(filepath.Join(h.corpusDir, corpus.TaughtFile)); err == nil {
			t.Error("a member's teach wrote the file")
		}
	})

	t.Run("refusals", func(t *testing.T) {
		for _, tc := range []struct{ passage, want string }{{"glossary", "doc#paragraph"}, {"glossary#99", "no passage glossary#99"}} {
			_, p := h.corpusCmd(t, modPerm, "teach", discordtest.Opt{Name: "question", Value: question}, discordtest.Opt{Name: "passage", Value: tc.passage})
			if !strings.Contains(p.Content, "Not taught") || !strings.Contains(p.Content, tc.want) {
				t.Errorf("teach to %q: %q, want %q", tc.passage, p.Content, tc.want)
			}
		}
	})

	t.Run("teach", func(t *testing.T) {
		_, p := h.corpusCmd(t, modPerm, "teach", discordtest.Opt{Name: "question", Value: question}, discordtest.Opt{Name: "passage", Value: passage})
		if len(p.Embeds) == 0 || p.Embeds[0].Title != "Question taught" || !strings.Contains(p.Embeds[0].Description, "glossary#1") {
			t.Fatalf("teach:\n%s\nlogs:\n%s", p.Sprint(), h.logs.String())
		}
		for _, q := range []string{question, paraphrase} {
			_, p := h.ask(t, alice, q)
			if got := docs(p); len(got) == 0 || got[0] != "glossary" || strings.Contains(strings.ToLower(p.Content), "closest") {
				t.Errorf("%q after teaching: %v\n%s", q, got, p.Sprint())
			}
			for _, e := range p.Embeds {
				if strings.Contains(e.Description, "nuke") {
					t.Errorf("the taught question is quoted in the answer: %q", e.Description)
				}
			}
		}
		_, p = h.corpusCmd(t, modPerm, "gaps")
		if len(p.Embeds) == 0 || !strings.Contains(p.Embeds[0].Description, "taught since: `glossary#1`") {
			t.Errorf("gaps after teaching:\n%s", p.Sprint())
		}
		id := h.srv.SubcommandAutocomplete(modPerm, inGuild, "corpus", "teach", "question", "nuke")
		if _, ac, err := h.srv.Response(timeout, id); err != nil || len(ac.Choices) != 0 {
			t.Errorf("a taught question is still suggested: %v %+v", err, ac.Choices)
		}
		recs, err := bot.ReadAudit(filepath.Join(dataDir, curate.AuditFile))
		if err != nil {
			t.Fatal(err)
		}
		if n := len(recs); n == 0 || recs[n-1].Command != "teach" || recs[n-1].Path != corpus.TaughtFile || recs[n-1].Actor != modPerm.User.ID {
			t.Errorf("audit log: %+v", recs)
		}
		data, err := os.ReadFile(filepath.Join(h.corpusDir, corpus.TaughtFile))
		if err != nil || !strings.Contains(string(data), passage+"\t"+question+"\n") {
			t.Errorf("%s: %q %v", corpus.TaughtFile, data, err)
		}
	})
}
