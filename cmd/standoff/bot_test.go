package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot/discordtest"
)

// buildStandoff builds the standoff binary, the one a user runs, into a temporary folder.
func buildStandoff(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build the binary with")
	}
	bin := filepath.Join(t.TempDir(), "standoff")
	cmd := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// lockedBuffer is a bytes.Buffer safe for a process's output and a test's reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// baseEnv is an environment with none of the bot's variables, and HOME in dir.
func baseEnv(dir string) []string {
	return []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
}

// TestBotBinary runs `standoff bot` as a user would, with DISCORD_API_URL pointing at a
// fake Discord, and asks it a question; .env in the working folder is read and does not
// override the environment.
func TestBotBinary(t *testing.T) {
	bin := buildStandoff(t)
	srv := discordtest.New()
	defer srv.Close()

	work := t.TempDir()
	data := filepath.Join(work, "data")
	// .env sets the guild (not in the environment) and a data folder that the
	// environment overrides.
	dotenv := "DISCORD_GUILD_IDS=123456789012345678\nSTANDOFF_DATA_DIR=" + filepath.Join(work, "not-this-one") + "\nSTANDOFF_LOG_LEVEL=debug\n"
	if err := os.WriteFile(filepath.Join(work, ".env"), []byte(dotenv), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "bot")
	cmd.Dir = work
	cmd.Env = append(baseEnv(work),
		"DISCORD_TOKEN="+discordtest.DefaultToken,
		"DISCORD_API_URL="+srv.URL,
		"STANDOFF_DATA_DIR="+data,
		"STANDOFF_HTTP_ADDR=127.0.0.1:0",
	)
	stderr := &lockedBuffer{}
	cmd.Stderr, cmd.Stdout = stderr, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cmd.Process.Signal(os.Interrupt)
		select {
		case err := <-exited:
			return err
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Error("standoff bot did not stop on SIGINT")
			return <-exited
		}
	}
	defer stop()

	if _, ok := srv.WaitCall(30*time.Second, 0, func(c discordtest.Call) bool {
		return c.Kind == discordtest.KindCommands && c.GuildID == "123456789012345678"
	}); !ok {
		t.Fatalf("no commands registered in the guild from .env; stderr:\n%s", stderr.String())
	}

	id := srv.Slash(discordtest.User{ID: "700000000000000001", Name: "alice"},
		discordtest.Place{GuildID: "123456789012345678", ChannelID: "123456789012345679"},
		"ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
	_, p, err := srv.Response(10*time.Second, id)
	if err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, stderr.String())
	}
	if len(p.Embeds) == 0 || p.Embeds[0].Footer == nil || !strings.HasPrefix(p.Embeds[0].Footer.Text, "glossary") {
		t.Errorf("answer:\n%s", p.Sprint())
	}

	// The health endpoint, on the port the bot chose.
	m := regexp.MustCompile(`health and metrics endpoints"? addr=(\S+)`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Errorf("no health endpoint in the log:\n%s", stderr.String())
	} else {
		resp, err := http.Get("http://" + m[1] + "/healthz")
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("/healthz: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
		resp, err = http.Get("http://" + m[1] + "/metrics")
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !strings.Contains(string(body), "standoff_questions_total 1") {
				t.Errorf("/metrics:\n%s", body)
			}
		}
	}

	if err := stop(); err != nil {
		t.Errorf("standoff bot exited with %v; stderr:\n%s", err, stderr.String())
	}
	for _, f := range []string{"corpus/glossary.md", "index", "questions.jsonl", "feedback.jsonl"} {
		if _, err := os.Stat(filepath.Join(data, f)); err != nil {
			t.Errorf("data folder: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "not-this-one")); err == nil {
		t.Error(".env overrode STANDOFF_DATA_DIR from the environment")
	}
	log := stderr.String()
	if strings.Contains(log, discordtest.DefaultToken) {
		t.Error("the token is in the log")
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// TestBotConfigErrors checks that `standoff bot` names every configuration problem on its
// own line and exits 1, without connecting anywhere.
func TestBotConfigErrors(t *testing.T) {
	bin := buildStandoff(t)
	work := t.TempDir()
	cmd := exec.Command(bin, "bot")
	cmd.Dir = work
	cmd.Env = append(baseEnv(work), "DISCORD_GUILD_IDS=12,abc", "STANDOFF_SHARD_COUNT=zero")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v, want status 1", err)
	}
	var lines []string
	for sc := bufio.NewScanner(&stderr); sc.Scan(); {
		lines = append(lines, sc.Text())
	}
	want := []string{"DISCORD_TOKEN is not set", `DISCORD_GUILD_IDS: "abc" is not a Discord id`, `STANDOFF_SHARD_COUNT "zero"`}
	if len(lines) != len(want) {
		t.Fatalf("stderr has %d lines, want %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], "standoff bot: ") || !strings.Contains(lines[i], w) {
			t.Errorf("line %d = %q, want it to name %q", i+1, lines[i], w)
		}
	}
}
