package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
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

// dotenvToken is the bot token TestBotBinary gives through .env: distinctive, so that
// it is found wherever it might leak.
const dotenvToken = "MTk4NjIyNDgzNDcxOTI1MjQ4.Gx7d1Q.dotenv-secret-token_0123456789abcdef"

// TestBotBinary runs `standoff bot` as a user would, with DISCORD_API_URL pointing at a
// fake Discord, and asks it a question; .env in the working folder is read and does not
// override the environment. The token, set through .env, never shows in a log line (at
// debug level, in JSON as on a server), a reply, or a file of the data folder.
func TestBotBinary(t *testing.T) {
	bin := buildStandoff(t)
	srv := discordtest.New()
	srv.Token = dotenvToken
	defer srv.Close()

	work := t.TempDir()
	data := filepath.Join(work, "data")
	// .env sets the token and the guild (not in the environment) and a data folder that
	// the environment overrides.
	dotenv := "DISCORD_TOKEN=" + dotenvToken + "\nDISCORD_GUILD_IDS=123456789012345678\nSTANDOFF_DATA_DIR=" + filepath.Join(work, "not-this-one") + "\nSTANDOFF_LOG_LEVEL=debug\n"
	if err := os.WriteFile(filepath.Join(work, ".env"), []byte(dotenv), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "bot")
	cmd.Dir = work
	cmd.Env = append(baseEnv(work),
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
	if b, ok := p.Button("full:0:"); len(p.Embeds) == 0 || !ok || !strings.HasPrefix(b.CustomID, "full:0:glossary#") {
		t.Errorf("answer:\n%s", p.Sprint())
	}

	if rss := procStatus(cmd.Process.Pid, "VmHWM"); rss != "" {
		t.Logf("peak resident memory of standoff bot after a question: %s", rss)
	}
	// The health endpoint, on the port the bot chose.
	if addr := healthAddr(t, stderr.String()); addr != "" {
		for _, probe := range []string{"/livez", "/readyz", "/healthz"} {
			resp, err := http.Get("http://" + addr + probe)
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("%s: %v %v", probe, resp, err)
			} else {
				resp.Body.Close()
			}
		}
		// The container's health check: the binary probes the running bot.
		probe := exec.Command(bin, "health")
		probe.Env = append(baseEnv(work), "STANDOFF_HTTP_ADDR="+addr)
		if out, err := probe.CombinedOutput(); err != nil || !strings.Contains(string(out), "/livez: ok") {
			t.Errorf("standoff health: %v\n%s", err, out)
		}
		// A question is counted just after its reply is sent: wait a little for it.
		var body []byte
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			resp, err := http.Get("http://" + addr + "/metrics")
			if err == nil {
				body, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
			}
			if strings.Contains(string(body), `standoff_questions_total{outcome="answered"} 1`) || time.Now().After(deadline) {
				break
			}
		}
		for _, want := range []string{`standoff_questions_total{outcome="answered"} 1`, "standoff_build_info{go_version=\"go1."} {
			if !strings.Contains(string(body), want) {
				t.Errorf("/metrics lacks %s:\n%s", want, body)
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
	lines := jsonLines(t, log)
	if len(lines) < 5 {
		t.Errorf("only %d log lines", len(lines))
	}
	if strings.Contains(log, dotenvToken) {
		t.Error("the token is in the log")
	}
	if !strings.Contains(log, `"msg":"question"`) || !strings.Contains(log, `"outcome":"answered"`) {
		t.Errorf("no question line in the log:\n%s", log)
	}
	for _, c := range srv.Calls() {
		if strings.Contains(string(c.Body), dotenvToken) {
			t.Errorf("the token is in a %s call to Discord: %s", c.Kind, c.Body)
		}
	}
	filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if b, err := os.ReadFile(path); err == nil && bytes.Contains(b, []byte(dotenvToken)) {
			t.Errorf("the token is in %s", path)
		}
		return nil
	})
	checkPrivate(t, data)
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}

// procStatus returns a field of /proc/PID/status (such as VmHWM, the peak resident
// memory), or "" where there is none.
func procStatus(pid int, field string) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// jsonLines decodes a log written as JSON lines, failing on a line that is not JSON.
func jsonLines(t *testing.T, log string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		out = append(out, m)
	}
	return out
}

// healthAddr finds the address of the health endpoint in a JSON log.
func healthAddr(t *testing.T, log string) string {
	t.Helper()
	m := regexp.MustCompile(`"msg":"health and metrics endpoints","addr":"([^"]+)"`).FindStringSubmatch(log)
	if m == nil {
		t.Errorf("no health endpoint in the log:\n%s", log)
		return ""
	}
	return m[1]
}

// checkPrivate checks that the data folder and the bot's journals are private: folders
// 0700, the journals 0600.
func checkPrivate(t *testing.T, data string) {
	t.Helper()
	for path, want := range map[string]fs.FileMode{
		data: 0o700, filepath.Join(data, "index"): 0o700, filepath.Join(data, "corpus"): 0o700,
		filepath.Join(data, "questions.jsonl"): 0o600, filepath.Join(data, "feedback.jsonl"): 0o600,
		filepath.Join(data, "corpus", "glossary.md"): 0o600,
	} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Error(err)
			continue
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", path, got, want)
		}
	}
}

// TestBotGracefulShutdown sends SIGTERM to `standoff bot` while it is answering a
// question (the fake Discord holds the response for two seconds): the bot finishes the
// answer, disconnects and exits 0.
func TestBotGracefulShutdown(t *testing.T) {
	bin := buildStandoff(t)
	srv := discordtest.New()
	defer srv.Close()
	work := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "bot")
	cmd.Dir = work
	cmd.Env = append(baseEnv(work),
		"DISCORD_TOKEN="+discordtest.DefaultToken,
		"DISCORD_API_URL="+srv.URL,
		"DISCORD_GUILD_IDS=123456789012345678",
		"STANDOFF_DATA_DIR="+filepath.Join(work, "data"),
		"STANDOFF_HTTP_ADDR=off",
	)
	stderr := &lockedBuffer{}
	cmd.Stderr, cmd.Stdout = stderr, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
	}()
	if _, ok := srv.WaitCall(30*time.Second, 0, func(c discordtest.Call) bool { return c.Kind == discordtest.KindCommands }); !ok {
		t.Fatalf("the bot did not start; stderr:\n%s", stderr.String())
	}

	srv.SetCallbackDelay(2 * time.Second)
	id := srv.Slash(discordtest.User{ID: "700000000000000001", Name: "alice"},
		discordtest.Place{GuildID: "123456789012345678", ChannelID: "123456789012345679"},
		"ask", discordtest.Opt{Name: "question", Value: "what is breakout time?"})
	if !srv.WaitUntil(10*time.Second, func() bool { return srv.DelayedCallbacks() == 1 }) {
		t.Fatalf("the answer never reached Discord; stderr:\n%s", stderr.String())
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("standoff bot exited with %v after SIGTERM, want status 0; stderr:\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("standoff bot did not exit after SIGTERM; stderr:\n%s", stderr.String())
	}
	t.Logf("exited %s after SIGTERM", time.Since(sent).Round(time.Millisecond))
	call, p, err := srv.Response(time.Second, id)
	if err != nil || call.Status != 204 || len(p.Embeds) == 0 {
		t.Errorf("the question in flight was not answered: %v (status %d)\n%s", err, call.Status, p.Sprint())
	}
	log := stderr.String()
	for _, want := range []string{"shutting down", "requests in flight finished", "disconnected from Discord", `"outcome":"answered"`} {
		if !strings.Contains(log, want) {
			t.Errorf("the log does not say %q:\n%s", want, log)
		}
	}
	if srv.Connected() {
		t.Error("the gateway connection is still open")
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
	// Not on a terminal, each is a JSON log line, like the rest of the bot's output.
	for i, w := range want {
		if rec := logLine(t, lines[i]); rec["level"] != "ERROR" || !strings.Contains(rec["err"], w) {
			t.Errorf("line %d = %q, want an error naming %q", i+1, lines[i], w)
		}
	}
}

// logLine decodes one JSON log line, failing the test on any other.
func logLine(t *testing.T, line string) map[string]string {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		t.Fatalf("not a JSON log line: %q", line)
	}
	rec := map[string]string{}
	for k, v := range raw {
		rec[k] = fmt.Sprint(v)
	}
	return rec
}

// TestBotStartFailureNamesTheAddress: with DISCORD_API_URL set, a gateway that cannot be
// reached at start is tried again (the bot does not exit: Discord may be back in a
// moment), and the log names that address (not https://discord.com); SIGTERM then stops
// it with status 0. The log's durations are seconds.
func TestBotStartFailureNamesTheAddress(t *testing.T) {
	bin := buildStandoff(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	work := t.TempDir()
	cmd := exec.Command(bin, "bot")
	cmd.Dir = work
	cmd.Env = append(baseEnv(work), "DISCORD_TOKEN="+discordtest.DefaultToken, "DISCORD_API_URL="+addr,
		"STANDOFF_DATA_DIR="+filepath.Join(work, "data"), "STANDOFF_HTTP_ADDR=off")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	retry := ""
	for sc := bufio.NewScanner(pipe); sc.Scan(); {
		stderr.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "trying again") {
			retry = sc.Text()
			break
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(pipe)
	stderr.Write(rest)
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0\n%s", err, stderr.String())
	}
	if !strings.Contains(retry, addr+"/api/v9/gateway") || strings.Contains(retry, "discord.com") {
		t.Errorf("retry line %q: want the address %s, never discord.com\n%s", retry, addr, stderr.String())
	}
	if !regexp.MustCompile(`"took":\d+\.\d+[,}]`).MatchString(stderr.String()) || regexp.MustCompile(`"took":\d{5,}[,}]`).MatchString(stderr.String()) {
		t.Errorf("log durations are not in seconds:\n%s", stderr.String())
	}
}
