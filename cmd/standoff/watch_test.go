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

// TestBotWatch runs `standoff bot --watch` against a fake Discord: /corpus is
// registered beside /ask, and a document written into the corpus folder is answered
// from without a command, once the watcher has refreshed the index.
func TestBotWatch(t *testing.T) {
	bin := buildStandoff(t)
	srv := discordtest.New()
	defer srv.Close()
	work := t.TempDir()
	corpusDir, data := filepath.Join(work, "corpus"), filepath.Join(work, "data")
	store := corpus.Store{Dir: corpusDir}
	store.Write("glossary.md", []byte("---\ntitle: Glossary\nkind: glossary\n---\n\n## Breakout time\n\nBreakout time is the time a country would need to produce enough weapons-grade uranium for one bomb.\n"))

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "bot", "--watch")
	cmd.Dir = work
	cmd.Env = append(baseEnv(work),
		"DISCORD_TOKEN="+discordtest.DefaultToken, "DISCORD_API_URL="+srv.URL,
		"DISCORD_GUILD_IDS=123456789012345678", "STANDOFF_DATA_DIR="+data,
		"STANDOFF_CORPUS_DIR="+corpusDir, "STANDOFF_HTTP_ADDR=off", "STANDOFF_LOG_LEVEL=debug")
	logs := &lockedBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Error("standoff bot did not stop on SIGINT")
		}
	}()

	const guild = "123456789012345678"
	if _, ok := srv.WaitCall(30*time.Second, 0, func(c discordtest.Call) bool { return c.Kind == discordtest.KindCommands }); !ok {
		t.Fatalf("no commands registered; logs:\n%s", logs.String())
	}
	names := map[string]bool{}
	for _, c := range srv.Commands(guild) {
		names[c["name"].(string)] = true
	}
	if !names["corpus"] || !names["ask"] {
		t.Errorf("registered commands %v, want ask and corpus", names)
	}

	store.Write("notes/zagros.md", []byte("---\ntitle: Zagros note\n---\n\nThe Zagros tunnel complex was dug near Natanz for the new centrifuge halls.\n"))
	place := discordtest.Place{GuildID: guild, ChannelID: "123456789012345679"}
	alice := discordtest.User{ID: "700000000000000001", Name: "alice"}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), "corpus refreshed after a change on disk") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "corpus refreshed after a change on disk") {
		t.Fatalf("the watcher did not refresh; logs:\n%s", logs.String())
	}
	id := srv.Slash(alice, place, "ask", discordtest.Opt{Name: "question", Value: "Zagros tunnel complex"})
	_, p, err := srv.Response(10*time.Second, id)
	if err != nil {
		t.Fatal(err)
	}
	if b, ok := p.Button("full:0:"); len(p.Embeds) == 0 || !ok || b.CustomID != "full:0:notes/zagros#1" {
		t.Errorf("answer after the watcher's refresh:\n%s", p.Sprint())
	}
}
