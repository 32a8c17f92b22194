package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
)

// failpoints are the points of a change the crash tests kill at, in turn.
var failpoints = []string{curate.FailAfterIntent, curate.FailAfterWrite, curate.FailBeforeDone, curate.FailAfterDone}

// wantPhase is how the audit log must settle a change killed at point: undone when the
// corpus folder was not touched yet, done once the file was written.
func wantPhase(point string) string {
	if point == curate.FailAfterIntent {
		return curate.PhaseAborted
	}
	return curate.PhaseDone
}

// crashKills is the number of kills of each crash test: STANDOFF_CRASH_KILLS, default 20.
func crashKills() int {
	if n, err := strconv.Atoi(os.Getenv("STANDOFF_CRASH_KILLS")); err == nil && n > 0 {
		return n
	}
	return 20
}

// killedBySignal reports whether a process ended by SIGKILL.
func killedBySignal(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// checkAudit checks the audit log against the corpus folder after a kill and the start
// that followed it: every intent has exactly one outcome; the last change, killed at
// point, has the outcome it must; and every document under added/ is on disk exactly as
// the log's last done record of it says (no change without its record, no record
// without its change).
func checkAudit(t *testing.T, data, corpusDir, point string, plan curate.Planned) {
	t.Helper()
	recs, err := readAudit(filepath.Join(data, curate.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string][]string{}
	var intents []string
	last := map[string]curate.AuditRecord{} // path → last done record
	for _, r := range recs {
		switch r.Phase {
		case curate.PhaseIntent:
			intents = append(intents, r.Change)
		case curate.PhaseDone, curate.PhaseAborted:
			if r.Change != "" {
				outcomes[r.Change] = append(outcomes[r.Change], r.Phase)
			}
		}
		if r.Phase == curate.PhaseDone || r.Phase == "" {
			last[r.Path] = r
		}
	}
	if len(intents) == 0 {
		t.Fatal("no intent in the audit log")
	}
	for _, c := range intents {
		if len(outcomes[c]) != 1 {
			t.Errorf("change %s has outcomes %v, want exactly one", c, outcomes[c])
		}
	}
	killed := intents[len(intents)-1]
	var killedRec curate.AuditRecord
	for _, r := range recs {
		if r.Change == killed && r.Phase == curate.PhaseIntent {
			killedRec = r
		}
	}
	if killedRec.Path != plan.Path || killedRec.Action != plan.Action {
		t.Errorf("the last intent is %s %s, want %s %s", killedRec.Action, killedRec.Path, plan.Action, plan.Path)
	}
	if got := outcomes[killed]; len(got) != 1 || got[0] != wantPhase(point) {
		t.Errorf("the change killed at %s settled as %v, want %s", point, got, wantPhase(point))
	}
	store := corpus.Store{Dir: corpusDir}
	entries, _ := os.ReadDir(filepath.Join(corpusDir, corpus.AddedFolder))
	onDisk := map[string]bool{}
	for _, e := range entries {
		p := corpus.AddedFolder + "/" + e.Name()
		onDisk[p] = true
		data, _, err := store.Read(p)
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := last[p]; !ok || r.Action == "removed" || r.Hash != corpus.Hash(data) {
			t.Errorf("%s is on disk (sha256 %.12s) but the audit log's last record of it is %+v", p, corpus.Hash(data), r)
		}
	}
	for p, r := range last {
		if strings.HasPrefix(p, corpus.AddedFolder+"/") && r.Action != "removed" && !onDisk[p] {
			t.Errorf("the audit log says %s was %s, but it is not on disk", p, r.Action)
		}
	}
}

// TestCrashAtFailpointsCLI kills `standoff corpus add` and `remove` deterministically at
// each point of the write window in turn (the process kills itself with SIGKILL at the
// failpoint named by STANDOFF_TEST_FAILPOINT), 20 times; after each kill, the next command
// settles the audit log, and the corpus (every file whole), the index (answers from
// exactly the documents on disk, word for word) and the audit log (every change recorded
// once, its outcome right) are checked.
func TestCrashAtFailpointsCLI(t *testing.T) {
	bin := buildStandoff(t)
	work := t.TempDir()
	corpusDir, data, files := filepath.Join(work, "corpus"), filepath.Join(work, "data"), filepath.Join(work, "files")
	os.MkdirAll(files, 0o700)
	for _, m := range minerals {
		os.WriteFile(filepath.Join(files, m+".md"), []byte(crashDoc(m)), 0o600)
	}
	(corpus.Store{Dir: corpusDir}).Write("glossary.md", []byte("---\ntitle: Glossary\nkind: glossary\n---\n\n## Breakout time\n\nBreakout time is the time a country would need to produce enough weapons-grade uranium for one bomb.\n"))
	env := append(baseEnv(work), "STANDOFF_CORPUS_DIR="+corpusDir)
	common := []string{"--corpus", corpusDir, "--data", data}
	run := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env, cmd.Dir = env, work
		return cmd
	}
	next := 0
	for k := range crashKills() {
		point := failpoints[k%len(failpoints)]
		var args []string
		var plan curate.Planned
		ids := addedIDs(t, corpusDir)
		if len(ids) > 0 && (k/len(failpoints))%2 == 1 || next == len(minerals) {
			c, _ := corpus.LoadDir(context.Background(), corpusDir)
			for _, d := range c.Documents {
				if d.ID == ids[0] {
					plan = curate.PlanRemove(d)
				}
			}
			args = append(append([]string{"corpus", "remove"}, common...), ids[0])
		} else {
			m := minerals[next]
			next++
			plan = curate.Planned{Action: "added", Path: corpus.AddedFolder + "/" + time.Now().Format(time.DateOnly) + "-report-on-" + m + ".md"}
			args = append(append([]string{"corpus", "add"}, common...), filepath.Join(files, m+".md"))
		}
		cmd := run(context.Background(), args...)
		cmd.Env = append(cmd.Env, curate.FailpointEnv+"="+point)
		out, err := cmd.CombinedOutput()
		if !killedBySignal(err) {
			t.Fatalf("kill %d: %s at %s: %v, want killed by SIGKILL at the failpoint\n%s", k+1, args[1], point, err, out)
		}
		// The next start settles the audit log.
		if out, err := run(context.Background(), append([]string{"corpus", "list"}, common...)...).CombinedOutput(); err != nil {
			t.Fatalf("list after kill %d: %v\n%s", k+1, err, out)
		}
		checkAudit(t, data, corpusDir, point, plan)
		checkServes(t, run, common, corpusDir)
		if t.Failed() {
			t.Fatalf("after kill %d (%s killed at %s); its output:\n%s", k+1, args[1], point, out)
		}
		t.Logf("kill %2d: %-6s killed at %-12s settled %s", k+1, args[1], point, wantPhase(point))
	}
}

// botRun is one run of `standoff bot` against a fake Discord.
type botRun struct {
	cmd    *exec.Cmd
	exited chan error
	stderr *lockedBuffer
}

// TestCrashAtFailpointsBot kills `standoff bot` deterministically at each point of the
// write window of /corpus add's Confirm and of /corpus remove, in turn, 20 times, through
// a fake Discord; after each kill, the corpus and the index are checked with `standoff
// ask`, then the bot is started again, which settles the audit log, and the audit log is
// checked.
func TestCrashAtFailpointsBot(t *testing.T) {
	bin := buildStandoff(t)
	srv := discordtest.New()
	defer srv.Close()
	const guild = "123456789012345678"
	place := discordtest.Place{GuildID: guild, ChannelID: "123456789012345679"}
	mod := discordtest.Member{User: discordtest.User{ID: "700000000000000012", Name: "morgan"}, Permissions: discordtest.PermManageServer}

	work := t.TempDir()
	corpusDir, data := filepath.Join(work, "corpus"), filepath.Join(work, "data")
	(corpus.Store{Dir: corpusDir}).Write("glossary.md", []byte("---\ntitle: Glossary\nkind: glossary\n---\n\n## Breakout time\n\nBreakout time is the time a country would need to produce enough weapons-grade uranium for one bomb.\n"))
	files := http.NewServeMux()
	files.HandleFunc("/files/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, crashDoc(strings.TrimSuffix(filepath.Base(r.URL.Path), ".md")))
	})
	content := httptest.NewUnstartedServer(files)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	content.Listener = ln
	content.Start()
	defer content.Close()

	env := append(baseEnv(work), "DISCORD_TOKEN="+discordtest.DefaultToken, "DISCORD_API_URL="+srv.URL,
		"DISCORD_GUILD_IDS="+guild, "STANDOFF_DATA_DIR="+data, "STANDOFF_CORPUS_DIR="+corpusDir,
		"STANDOFF_HTTP_ADDR=", "STANDOFF_FETCH_ALLOW=127.0.0.1")
	startBot := func(point string) *botRun {
		mark := srv.Mark()
		cmd := exec.Command(bin, "bot")
		cmd.Dir, cmd.Env = work, append(append([]string{}, env...), curate.FailpointEnv+"="+point)
		b := &botRun{cmd: cmd, exited: make(chan error, 1), stderr: &lockedBuffer{}}
		cmd.Stderr, cmd.Stdout = b.stderr, io.Discard
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { b.exited <- cmd.Wait() }()
		if _, ok := srv.WaitCall(60*time.Second, mark, func(c discordtest.Call) bool {
			return c.Kind == discordtest.KindCommands && c.GuildID == guild
		}); !ok {
			cmd.Process.Kill()
			t.Fatalf("the bot did not start; stderr:\n%s", b.stderr.String())
		}
		return b
	}
	run := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env, cmd.Dir = baseEnv(work), work
		return cmd
	}
	common := []string{"--corpus", corpusDir, "--data", data}

	next := 0
	for k := range crashKills() {
		point := failpoints[k%len(failpoints)]
		b := startBot(point)
		var plan curate.Planned
		ids := addedIDs(t, corpusDir)
		op := "add"
		if len(ids) > 0 && (k/len(failpoints))%2 == 1 || next == len(minerals) {
			op = "remove"
			c, _ := corpus.LoadDir(context.Background(), corpusDir)
			for _, d := range c.Documents {
				if d.ID == ids[0] {
					plan = curate.PlanRemove(d)
				}
			}
			srv.Subcommand(mod, place, "corpus", "remove", discordtest.Opt{Name: "doc", Value: ids[0]})
		} else {
			m := minerals[next]
			next++
			att := discordtest.Attachment{ID: fmt.Sprintf("5000000000000%05d", k), Filename: m + ".md", Size: 300, URL: content.URL + "/files/" + m + ".md"}
			id := srv.Subcommand(mod, place, "corpus", "add", discordtest.Opt{Name: "file", Value: att})
			call, p, err := srv.Response(30*time.Second, id)
			if err != nil {
				t.Fatalf("preview: %v\n%s", err, b.stderr.String())
			}
			ok, found := p.Button("corpus:ok:")
			if !found {
				t.Fatalf("no preview: %s\n%s", p.Sprint(), b.stderr.String())
			}
			plan = curate.Planned{Action: "added", Path: corpus.AddedFolder + "/" + time.Now().Format(time.DateOnly) + "-report-on-" + m + ".md"}
			if _, err := srv.ClickAs(mod, call.MessageID, ok.CustomID); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case err := <-b.exited:
			if !killedBySignal(err) {
				t.Fatalf("kill %d: the bot ended with %v, want SIGKILL at %s\n%s", k+1, err, point, b.stderr.String())
			}
		case <-time.After(60 * time.Second):
			b.cmd.Process.Kill()
			t.Fatalf("kill %d: the bot did not reach %s\n%s", k+1, point, b.stderr.String())
		}
		checkServes(t, run, common, corpusDir)
		// The next start settles the audit log.
		after := startBot("")
		checkAudit(t, data, corpusDir, point, plan)
		after.cmd.Process.Signal(os.Interrupt)
		select {
		case <-after.exited:
		case <-time.After(30 * time.Second):
			after.cmd.Process.Kill()
			t.Fatal("the bot did not stop on SIGINT")
		}
		if t.Failed() {
			t.Fatalf("after kill %d (%s killed at %s); its log:\n%s", k+1, op, point, b.stderr.String())
		}
		t.Logf("kill %2d: %-6s killed at %-12s settled %s", k+1, op, point, wantPhase(point))
	}
	if v := srv.Violations(); len(v) > 0 {
		t.Errorf("breaches of Discord's rules: %v", v)
	}
}
