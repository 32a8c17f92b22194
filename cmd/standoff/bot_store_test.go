package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
)

// TestBotStartsFromTheStoredIndex starts `standoff bot --watch` three times on one data
// folder. The first start reads the corpus and builds the index; the second, on the same
// corpus, opens the index from what it stored and answers before it reads the corpus
// (which /corpus and the watcher need, read while it serves); a document written then is
// answered from once the watcher has refreshed; the third start, after that change, serves
// the document too.
func TestBotStartsFromTheStoredIndex(t *testing.T) {
	bin := buildStandoff(t)
	srv := discordtest.New()
	defer srv.Close()
	work := t.TempDir()
	corpusDir, data := filepath.Join(work, "corpus"), filepath.Join(work, "data")
	store := corpus.Store{Dir: corpusDir}
	if err := store.Write("glossary.md", []byte("---\ntitle: Glossary\nkind: glossary\n---\n\n## Breakout time\n\nBreakout time is the time a country would need to produce enough weapons-grade uranium for one bomb.\n")); err != nil {
		t.Fatal(err)
	}
	backdate(t, corpusDir) // a stamp is recorded only for files a little older than now
	const guild = "123456789012345678"
	place := discordtest.Place{GuildID: guild, ChannelID: "123456789012345679"}
	alice := discordtest.User{ID: "700000000000000001", Name: "alice"}
	ask := func(logs *lockedBuffer, question, want string) {
		t.Helper()
		id := srv.Slash(alice, place, "ask", discordtest.Opt{Name: "question", Value: question})
		_, p, err := srv.Response(10*time.Second, id)
		if err != nil {
			t.Fatalf("%v; logs:\n%s", err, logs.String())
		}
		if b, ok := p.Button("full:0:"); len(p.Embeds) == 0 || !ok || b.CustomID != want {
			t.Fatalf("answer to %q, want %s:\n%s", question, want, p.Sprint())
		}
	}
	start := func() (*lockedBuffer, func()) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, bin, "bot", "--watch")
		cmd.Dir = work
		cmd.Env = append(baseEnv(work),
			"DISCORD_TOKEN="+discordtest.DefaultToken, "DISCORD_API_URL="+srv.URL,
			"DISCORD_GUILD_IDS="+guild, "STANDOFF_DATA_DIR="+data,
			"STANDOFF_CORPUS_DIR="+corpusDir, "STANDOFF_HTTP_ADDR=off", "STANDOFF_LOG_LEVEL=debug")
		logs := &lockedBuffer{}
		cmd.Stderr = logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		seen := len(srv.Calls())
		if _, ok := srv.WaitCall(30*time.Second, seen, func(c discordtest.Call) bool { return c.Kind == discordtest.KindCommands }); !ok {
			cmd.Process.Kill()
			t.Fatalf("no commands registered; logs:\n%s", logs.String())
		}
		return logs, func() {
			defer cancel()
			cmd.Process.Signal(os.Interrupt)
			done := make(chan struct{})
			go func() { cmd.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Error("standoff bot did not stop on SIGINT")
			}
		}
	}
	waitLog := func(logs *lockedBuffer, line string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(logs.String(), line) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if !strings.Contains(logs.String(), line) {
			t.Fatalf("no %q in the logs:\n%s", line, logs.String())
		}
	}

	logs, stop := start()
	ask(logs, "what is breakout time?", "full:0:glossary#1")
	if l := logs.String(); !strings.Contains(l, "corpus read") || strings.Contains(l, "\"index opened from its stored corpus\"") {
		t.Fatalf("first start: want the corpus read, not the stored index:\n%s", l)
	}
	stop()

	logs, stop = start()
	ask(logs, "what is breakout time?", "full:0:glossary#1")
	waitLog(logs, "corpus folder watched")
	l := logs.String()
	opened, ready, read := strings.Index(l, "\"index opened from its stored corpus\""), strings.Index(l, "\"index ready\""), strings.Index(l, "\"corpus read\"")
	if opened < 0 || ready < opened || read < ready || !strings.Contains(l[ready:], "\"from_store\":true") {
		t.Fatalf("second start: want the index opened from its store and ready before the corpus is read:\n%s", l)
	}
	if err := store.Write("notes/zagros.md", []byte("---\ntitle: Zagros note\n---\n\nThe Zagros tunnel complex was dug near Natanz for the new centrifuge halls.\n")); err != nil {
		t.Fatal(err)
	}
	waitLog(logs, "corpus refreshed after a change on disk")
	ask(logs, "Zagros tunnel complex", "full:0:notes/zagros#1")
	stop()
	backdate(t, corpusDir)

	logs, stop = start()
	defer stop()
	ask(logs, "Zagros tunnel complex", "full:0:notes/zagros#1")
	ask(logs, "what is breakout time?", "full:0:glossary#1")
}
