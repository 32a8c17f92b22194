package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/standoff-bot/standoff/bot/discordtest"
	"github.com/standoff-bot/standoff/corpus/gitcorpus/gittest"
)

const syncGuild = "123456789012345678"

var (
	syncPlace = discordtest.Place{GuildID: syncGuild, ChannelID: "123456789012345679"}
	syncMod   = discordtest.Member{User: discordtest.User{ID: "700000000000000012", Name: "morgan"}, Permissions: discordtest.PermManageServer}
)

// botProc is a `standoff bot` process against a fake Discord of its own.
type botProc struct {
	t    testing.TB
	srv  *discordtest.Server
	cmd  *exec.Cmd
	logs *lockedBuffer
	data string
	done chan error
	asks int
}

// startBotProc runs the binary as a bot with its data in data and the extra environment,
// and waits for it to register its commands.
func startBotProc(t testing.TB, bin, data string, env ...string) *botProc {
	t.Helper()
	return startBotProcUntil(t, bin, data, func(p *botProc) bool {
		_, ok := p.srv.WaitCall(60*time.Second, 0, func(c discordtest.Call) bool { return c.Kind == discordtest.KindCommands })
		return ok
	}, env...)
}

// startBotProcUntil is startBotProc that waits for ready instead: a shard other than the
// first registers no commands.
func startBotProcUntil(t testing.TB, bin, data string, ready func(*botProc) bool, env ...string) *botProc {
	t.Helper()
	srv := discordtest.New(discordtest.WithHeartbeatInterval(time.Second))
	t.Cleanup(srv.Close)
	cmd := exec.Command(bin, "bot")
	cmd.Dir = t.TempDir()
	cmd.Env = append(append(baseEnv(cmd.Dir),
		"DISCORD_TOKEN="+discordtest.DefaultToken, "DISCORD_API_URL="+srv.URL,
		"DISCORD_GUILD_IDS="+syncGuild, "STANDOFF_DATA_DIR="+data,
		"STANDOFF_HTTP_ADDR=127.0.0.1:0", "STANDOFF_LOG_LEVEL=debug"), env...)
	p := &botProc{t: t, srv: srv, cmd: cmd, logs: &lockedBuffer{}, data: data, done: make(chan error, 1)}
	cmd.Stderr, cmd.Stdout = p.logs, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(p.stop)
	if !ready(p) {
		t.Fatalf("the bot is not ready; logs:\n%s", p.logs.String())
	}
	return p
}

// stop interrupts the bot and waits for it.
func (p *botProc) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// askDocs asks q and returns the documents cited.
func (p *botProc) askDocs(q string) []string {
	p.t.Helper()
	return p.askDocsIn(syncPlace, q)
}

// askDocsIn asks q at place and returns the documents cited.
func (p *botProc) askDocsIn(place discordtest.Place, q string) []string {
	p.t.Helper()
	// A new member each time: the bot limits how fast one member asks.
	p.asks++
	asker := discordtest.User{ID: fmt.Sprintf("7%017d", p.asks), Name: fmt.Sprintf("asker%d", p.asks)}
	id := p.srv.Slash(asker, place, "ask", discordtest.Opt{Name: "question", Value: q})
	_, pl, err := p.srv.Response(20*time.Second, id)
	if err != nil {
		p.t.Fatalf("/ask %q: %v\nlogs:\n%s", q, err, p.logs.String())
	}
	// The document ids are in the custom ids of the 📄 buttons: "full:<offset>:<doc>#<paragraph>".
	var out []string
	for _, b := range pl.Buttons() {
		if rest, ok := strings.CutPrefix(b.CustomID, "full:"); ok {
			_, ref, _ := strings.Cut(rest, ":")
			doc, _, _ := strings.Cut(ref, "#")
			out = append(out, doc)
		}
	}
	return out
}

// corpus runs /corpus sub as the moderator and returns the reply and its message.
func (p *botProc) corpus(sub string, opts ...discordtest.Opt) (discordtest.Payload, string) {
	p.t.Helper()
	return p.corpusAs(syncMod, sub, opts...)
}

// corpusAs runs /corpus sub as the moderator m and returns the reply and its message.
func (p *botProc) corpusAs(m discordtest.Member, sub string, opts ...discordtest.Opt) (discordtest.Payload, string) {
	p.t.Helper()
	id := p.srv.Subcommand(m, syncPlace, "corpus", sub, opts...)
	call, pl, err := p.srv.Response(30*time.Second, id)
	if err != nil {
		p.t.Fatalf("/corpus %s: %v\nlogs:\n%s", sub, err, p.logs.String())
	}
	return pl, call.MessageID
}

// confirm presses the button of pl whose id starts with prefix, and returns the reply.
func (p *botProc) confirm(pl discordtest.Payload, msg, prefix string) discordtest.Payload {
	p.t.Helper()
	b, ok := pl.Button(prefix)
	if !ok {
		p.t.Fatalf("no %s button:\n%s\nlogs:\n%s", prefix, pl.Sprint(), p.logs.String())
	}
	id, err := p.srv.ClickAs(syncMod, msg, b.CustomID)
	if err != nil {
		p.t.Fatal(err)
	}
	_, done, err := p.srv.Response(60*time.Second, id)
	if err != nil {
		p.t.Fatalf("confirm: %v\nlogs:\n%s", err, p.logs.String())
	}
	return done
}

// addPage adds the page at url with /corpus add and Confirm.
func (p *botProc) addPage(url string) {
	p.t.Helper()
	pl, msg := p.corpus("add", discordtest.Opt{Name: "url", Value: url})
	done := p.confirm(pl, msg, "corpus:ok:")
	if !strings.Contains(done.Content, "Document added") {
		p.t.Fatalf("add %s:\n%s\nlogs:\n%s", url, done.Sprint(), p.logs.String())
	}
}

// get fetches a path of the bot's health endpoint.
func (p *botProc) get(path string) (int, string) {
	p.t.Helper()
	addr := healthAddrOf(p.logs.String())
	if addr == "" {
		p.t.Fatalf("no health endpoint in the log:\n%s", p.logs.String())
	}
	resp, err := http.Get("http://" + addr + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// healthAddrOf finds the health endpoint's address in a JSON log, or "".
func healthAddrOf(log string) string {
	const key = `"msg":"health and metrics endpoints","addr":"`
	i := strings.Index(log, key)
	if i < 0 {
		return ""
	}
	rest := log[i+len(key):]
	return rest[:strings.IndexByte(rest, '"')]
}

// waitFor polls cond until it holds or the deadline passes (a guard against a hang, not
// a measure of speed).
func waitFor(deadline time.Duration, cond func() bool) bool {
	end := time.Now().Add(deadline)
	for time.Now().Before(end) {
		if cond() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cond()
}

// pageServer serves pages that each name a made-up term, /page/TERM, on 127.0.0.1.
func pageServer(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		term := strings.TrimPrefix(r.URL.Path, "/page/")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>The %[1]s arrangement</title>
<meta property="article:published_time" content="2025-06-13T08:00:00Z"></head><body><article>
<p>The %[1]s arrangement is a protocol under which the centrifuge halls at Natanz are sealed and monitored by inspectors every month.</p>
<p>Under the %[1]s arrangement, the stockpile may not exceed 300 kilograms, and any excess is shipped abroad.</p>
</article></body></html>`, term)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// newBareRemote makes an empty bare repository.
func newBareRemote(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "remote.git")
	if _, err := git.PlainInit(dir, true); err != nil {
		t.Fatal(err)
	}
	return dir
}

func docWith(docs []string, part string) bool {
	return slices.ContainsFunc(docs, func(d string) bool { return strings.Contains(d, part) })
}

// TestBotsInStep runs two bots with different data folders on one remote: a document
// confirmed in one is answered by the other within the sync interval, and a removal
// too; when the remote disappears, the second keeps answering, reports the failed sync
// in /healthz and the metrics while staying healthy, and catches up when it is back.
func TestBotsInStep(t *testing.T) {
	bin := buildStandoff(t)
	remote := newBareRemote(t)
	pages := pageServer(t)
	env := []string{"STANDOFF_CORPUS_GIT=file://" + remote, "STANDOFF_CORPUS_SYNC=200ms", "STANDOFF_FETCH_ALLOW=127.0.0.1"}
	a := startBotProc(t, bin, t.TempDir(), env...)
	b := startBotProc(t, bin, t.TempDir(), env...)

	a.addPage(pages.URL + "/page/zephyrine")
	const q = "what is the zephyrine arrangement?"
	if !docWith(a.askDocs(q), "zephyrine") {
		t.Fatal("A does not answer from the page it added")
	}
	if !waitFor(30*time.Second, func() bool { return docWith(b.askDocs(q), "zephyrine") }) {
		t.Fatalf("B never answered from the page A added; logs:\n%s", b.logs.String())
	}
	if code, body := b.get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("B's /healthz: %d %q", code, body)
	}

	// The remote disappears: B goes on serving, and says so.
	if err := os.Rename(remote, remote+".away"); err != nil {
		t.Fatal(err)
	}
	if !waitFor(30*time.Second, func() bool { _, body := b.get("/healthz"); return strings.Contains(body, "corpus sync failing") }) {
		t.Fatalf("B's /healthz never reported the failed sync; logs:\n%s", b.logs.String())
	}
	if code, body := b.get("/healthz"); code != 200 || !strings.HasPrefix(body, "ok\n") {
		t.Errorf("a failed sync made B unhealthy: %d %q", code, body)
	}
	_, metrics := b.get("/metrics")
	if !strings.Contains(metrics, `standoff_corpus_sync_total{outcome="error"}`) || strings.Contains(metrics, `standoff_corpus_sync_total{outcome="error"} 0`) {
		t.Errorf("no failed sync in B's metrics:\n%s", grepLines(metrics, "standoff_corpus_sync"))
	}
	if !strings.Contains(metrics, "standoff_corpus_sync_last_success_timestamp_seconds") {
		t.Error("no last success in B's metrics")
	}
	if !docWith(b.askDocs(q), "zephyrine") {
		t.Error("B stopped answering while the remote was away")
	}
	// A removes the page meanwhile: committed, pushed once the remote is back.
	pl, msg := a.corpus("remove", discordtest.Opt{Name: "doc", Value: docID(t, a.askDocs(q), "zephyrine")})
	if len(pl.Buttons()) > 0 {
		pl = a.confirm(pl, msg, "corpus:ok:")
	}
	if err := os.Rename(remote+".away", remote); err != nil {
		t.Fatal(err)
	}
	// A pushes at its next sync, B takes it at its own.
	if !waitFor(30*time.Second, func() bool { return !docWith(b.askDocs(q), "zephyrine") }) {
		t.Fatalf("B still answers from the page A removed; A's logs:\n%s", a.logs.String())
	}
	if !waitFor(10*time.Second, func() bool { _, body := b.get("/healthz"); return strings.TrimSpace(body) == "ok" }) {
		_, body := b.get("/healthz")
		t.Errorf("B's /healthz after the remote came back: %q", body)
	}
	// A forged history is refused and reported, and B goes on answering.
	forgeRemote(t, remote)
	if !waitFor(30*time.Second, func() bool { _, body := b.get("/healthz"); return strings.Contains(body, "history was rewritten") }) {
		_, body := b.get("/healthz")
		t.Errorf("B's /healthz after a force-push: %q", body)
	}
	if docs := b.askDocs("what is breakout time?"); len(docs) == 0 || docWith(docs, "forged") {
		t.Errorf("B after a force-push cites %v", docs)
	}
}

// docID returns the document of docs that contains part.
func docID(t testing.TB, docs []string, part string) string {
	t.Helper()
	for _, d := range docs {
		if strings.Contains(d, part) {
			return d
		}
	}
	t.Fatalf("no document with %q in %v", part, docs)
	return ""
}

// grepLines returns the lines of s that contain part.
func grepLines(s, part string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, part) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// BenchmarkConfirmToAnswer measures the time from Confirm of /corpus add in one bot to
// the first answer from the page in another, with STANDOFF_CORPUS_SYNC=1s; it reports
// the median and the 99th percentile.
func BenchmarkConfirmToAnswer(b *testing.B) {
	bin := buildStandoffB(b)
	remote := newBareRemote(b)
	pages := pageServer(b)
	env := []string{"STANDOFF_CORPUS_GIT=file://" + remote, "STANDOFF_CORPUS_SYNC=1s", "STANDOFF_FETCH_ALLOW=127.0.0.1"}
	pa := startBotProc(b, bin, b.TempDir(), env...)
	pb := startBotProc(b, bin, b.TempDir(), env...)
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		term := fmt.Sprintf("quorvex%c%c", 'a'+i%26, 'a'+(i/26)%26)
		pl, msg := pa.corpus("add", discordtest.Opt{Name: "url", Value: pages.URL + "/page/" + term})
		btn, _ := pl.Button("corpus:ok:")
		// A random moment of B's polling cycle, as a moderator would press Confirm.
		time.Sleep(rand.N(time.Second))
		id, err := pa.srv.ClickAs(syncMod, msg, btn.CustomID)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, _, err := pa.srv.Response(60*time.Second, id); err != nil {
			b.Fatal(err)
		}
		q := "what is the " + term + " arrangement?"
		if !waitFor(60*time.Second, func() bool { return docWith(pb.askDocs(q), term) }) {
			b.Fatalf("never answered from %s", term)
		}
		took = append(took, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Milliseconds()), "p50-ms")
	b.ReportMetric(float64(took[(len(took)*99)/100].Milliseconds()), "p99-ms")
}

// buildStandoffB builds the binary for a benchmark.
func buildStandoffB(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "standoff")
	cmd := exec.CommandContext(context.Background(), "go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestBotKeepsServingThroughAHostileCommit: a fast-forward commit adding a name that is
// a device on Windows (which wedged every bot for good) is refused by a running bot,
// which keeps answering, says why in /healthz and the metrics, and takes the commit that
// fixes the remote; a bot started meanwhile starts.
func TestBotKeepsServingThroughAHostileCommit(t *testing.T) {
	bin := buildStandoff(t)
	remote := newBareRemote(t)
	pages := pageServer(t)
	env := []string{"STANDOFF_CORPUS_GIT=file://" + remote, "STANDOFF_CORPUS_SYNC=200ms", "STANDOFF_FETCH_ALLOW=127.0.0.1"}
	a := startBotProc(t, bin, t.TempDir(), env...)
	a.addPage(pages.URL + "/page/zephyrine")
	const q = "what is the zephyrine arrangement?"
	if !docWith(a.askDocs(q), "zephyrine") {
		t.Fatal("A does not answer from the page it added")
	}
	gittest.PushRaw(t, remote, "main", []gittest.Entry{{Name: "aux.md", Mode: filemode.Regular, Data: "---\ntitle: Aux\n---\n\nAux.\n"}})
	if !waitFor(30*time.Second, func() bool { _, body := a.get("/healthz"); return strings.Contains(body, "aux.md") }) {
		_, body := a.get("/healthz")
		t.Fatalf("A's /healthz never reported the refused commit: %q; logs:\n%s", body, a.logs.String())
	}
	if !docWith(a.askDocs(q), "zephyrine") {
		t.Error("A stopped answering after the hostile commit")
	}
	b := startBotProc(t, bin, t.TempDir(), env...)
	if !docWith(b.askDocs(q), "zephyrine") {
		t.Errorf("a bot started after the hostile commit does not answer; logs:\n%s", b.logs.String())
	}
	gittest.PushRaw(t, remote, "main", nil, "aux.md")
	if !waitFor(30*time.Second, func() bool { _, body := a.get("/healthz"); return strings.TrimSpace(body) == "ok" }) {
		_, body := a.get("/healthz")
		t.Errorf("A's /healthz after the fix: %q", body)
	}
	if !docWith(a.askDocs(q), "zephyrine") {
		t.Error("A stopped answering after the fix")
	}
}

// TestFIFOInTheCorpusFolderStopsNothing: a FIFO in the corpus folder of a git-backed
// corpus (which git staging opened, blocking forever with the repository lock held) is
// ignored by every `standoff corpus` command and by `standoff bot`, which starts,
// answers, and stops on SIGTERM.
func TestFIFOInTheCorpusFolderStopsNothing(t *testing.T) {
	bin := buildStandoff(t)
	remote := newBareRemote(t)
	data := t.TempDir()
	env := append(baseEnv(t.TempDir()), "STANDOFF_DATA_DIR="+data, "STANDOFF_CORPUS_GIT=file://"+remote)
	corpusCmd := func(args ...string) {
		t.Helper()
		// The deadline only stops a hung process; a working one takes seconds.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append([]string{"corpus"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if ctx.Err() != nil {
			t.Fatalf("standoff corpus %v hung; output:\n%s", args, out)
		}
		if err != nil {
			t.Fatalf("standoff corpus %v: %v\n%s", args, err, out)
		}
	}
	corpusCmd("sync") // makes the corpus folder and its repository (list makes nothing)
	if err := syscall.Mkfifo(filepath.Join(data, "corpus", "fifo.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	corpusCmd("list")
	corpusCmd("sync")
	corpusCmd("history")
	b := startBotProc(t, bin, data, "STANDOFF_CORPUS_GIT=file://"+remote)
	if docs := b.askDocs("what is breakout time?"); len(docs) == 0 {
		t.Errorf("the bot does not answer; logs:\n%s", b.logs.String())
	}
	if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-b.done; err != nil {
		t.Errorf("the bot exited with %v after SIGTERM; logs:\n%s", err, b.logs.String())
	}
}
