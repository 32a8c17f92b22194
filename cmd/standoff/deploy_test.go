package main

import (
	"bufio"
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
	"github.com/joho/godotenv"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
	"go.yaml.in/yaml/v3"

	"github.com/standoff-bot/standoff/bot"
)

// The files that ship the binary (Dockerfile, compose.yaml, deploy/*.service) are checked
// here, beside the binary they run: no container engine or systemd runs in the tests, so
// they are read for the parts they must have, and linted by hadolint and
// systemd-analyze where those exist.

// repoRoot is the root of the repository, from this package's folder.
const repoRoot = "../.."

// instruction is one Dockerfile instruction: its keyword, upper case, and the rest.
type instruction struct{ cmd, args string }

// readDockerfile returns the instructions of a Dockerfile, stage by stage (a stage starts
// at FROM; the ARGs before the first FROM are stage 0's).
func readDockerfile(t *testing.T, path string) [][]instruction {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var stages [][]instruction
	cur := []instruction{}
	var line strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		text := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(text, "#") || (text == "" && line.Len() == 0) {
			continue
		}
		if cont, ok := strings.CutSuffix(text, `\`); ok {
			line.WriteString(cont + " ")
			continue
		}
		line.WriteString(text)
		cmd, args, _ := strings.Cut(strings.TrimSpace(line.String()), " ")
		line.Reset()
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			stages = append(stages, cur)
			cur = []instruction{}
		}
		cur = append(cur, instruction{cmd, strings.TrimSpace(args)})
	}
	return append(stages, cur)
}

// find returns the arguments of every instruction cmd in stage.
func find(stage []instruction, cmd string) []string {
	var out []string
	for _, in := range stage {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// goModVersion is the go line of go.mod.
func goModVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return string(m[1])
}

// TestDockerfile checks the parts the image must have: a build stage on go.mod's Go
// version making a static binary, then a final stage with CA certificates, a user that
// is not root, the data folder as a volume, a health check on the liveness probe and
// `standoff bot` as the command.
func TestDockerfile(t *testing.T) {
	stages := readDockerfile(t, filepath.Join(repoRoot, "Dockerfile"))
	all := strings.Join(func() (s []string) {
		for _, st := range stages {
			for _, in := range st {
				s = append(s, in.cmd+" "+in.args)
			}
		}
		return s
	}(), "\n")
	if want := "ARG GO_VERSION=" + goModVersion(t); !strings.Contains(all, want) {
		t.Errorf("the Dockerfile lacks %q: the image must build with go.mod's Go version", want)
	}
	var build, final []instruction
	for _, st := range stages {
		if len(st) > 0 && st[0].cmd == "FROM" {
			if build == nil {
				build = st
			}
			final = st
		}
	}
	if len(build) == 0 || len(stages) < 3 {
		t.Fatalf("want a multi-stage build (a build stage and a final one), got %d stages", len(stages))
	}
	if !strings.HasPrefix(build[0].args, "golang:${GO_VERSION}") {
		t.Errorf("build stage FROM %q, want golang:${GO_VERSION}…", build[0].args)
	}
	runs := strings.Join(find(build, "RUN"), "\n")
	if !strings.Contains(runs, "CGO_ENABLED=0") || !strings.Contains(runs, "go build") || !strings.Contains(runs, "./cmd/standoff") {
		t.Errorf("the build stage must build ./cmd/standoff with CGO_ENABLED=0 (a static binary):\n%s", runs)
	}
	copies := strings.Join(find(final, "COPY"), "\n")
	if !strings.Contains(copies, "ca-certificates") {
		t.Error("the final stage has no CA certificates: https to Discord would fail")
	}
	users := find(final, "USER")
	if len(users) == 0 {
		t.Error("the final stage has no USER: the bot would run as root")
	}
	for _, u := range users {
		if name, _, _ := strings.Cut(u, ":"); name == "root" || name == "0" {
			t.Errorf("USER %s is root", u)
		}
	}
	var dataDir string
	for _, env := range find(final, "ENV") {
		if m := regexp.MustCompile(`STANDOFF_DATA_DIR=(\S+)`).FindStringSubmatch(env); m != nil {
			dataDir = m[1]
		}
	}
	if dataDir == "" {
		t.Error("the final stage does not set STANDOFF_DATA_DIR")
	}
	if vols := strings.Join(find(final, "VOLUME"), " "); dataDir == "" || !strings.Contains(vols, `"`+dataDir+`"`) {
		t.Errorf("VOLUME %q does not hold the data folder %q", vols, dataDir)
	}
	hc := strings.Join(find(final, "HEALTHCHECK"), " ")
	if !strings.Contains(hc, `"health"`) || !strings.Contains(hc, "standoff") {
		t.Errorf("HEALTHCHECK %q: want the binary's own probe (standoff health, on /livez)", hc)
	}
	entry, cmd := find(final, "ENTRYPOINT"), find(final, "CMD")
	if len(entry) != 1 || !strings.Contains(entry[0], "standoff") || len(cmd) != 1 || cmd[0] != `["bot"]` {
		t.Errorf("ENTRYPOINT %q CMD %q: want standoff, then [\"bot\"]", entry, cmd)
	}
	// A "# syntax=" parser directive makes BuildKit fetch a frontend image first, which
	// an offline build cannot: the Dockerfile needs none of its features.
	raw, _ := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if regexp.MustCompile(`(?mi)^#\s*syntax\s*=`).Match(raw) {
		t.Error("the Dockerfile has a # syntax= directive: an offline build would fetch a frontend it does not need")
	}
	// The probe the health check runs asks /livez by default.
	if u, err := probeURL(func(string) (string, bool) { return "0.0.0.0:8080", true }); err != nil || !strings.HasSuffix(u, "/livez") {
		t.Errorf("standoff health asks %q (%v), want /livez", u, err)
	}
}

// TestDockerfileLint runs hadolint on the Dockerfile where it is installed.
func TestDockerfileLint(t *testing.T) {
	hadolint, err := exec.LookPath("hadolint")
	if err != nil {
		t.Skip("hadolint is not installed (Debian does not package it): the Dockerfile is not linted; TestDockerfile still checks its parts")
	}
	out, err := exec.Command(hadolint, filepath.Join(repoRoot, "Dockerfile")).CombinedOutput()
	if err != nil {
		t.Errorf("hadolint: %v\n%s", err, out)
	}
}

// TestCompose checks that compose.yaml runs the image with its data folder on a volume,
// the configuration from .env and the probes published on the loopback address only.
func TestCompose(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Build       string            `yaml:"build"`
			Command     []string          `yaml:"command"`
			EnvFile     string            `yaml:"env_file"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
			Ports       []string          `yaml:"ports"`
			Healthcheck struct {
				Test []string `yaml:"test"`
			} `yaml:"healthcheck"`
		} `yaml:"services"`
		Volumes map[string]*struct {
			Name string `yaml:"name"`
		} `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	s, ok := c.Services["standoff"]
	if !ok {
		t.Fatal("compose.yaml has no standoff service")
	}
	dataDir := s.Environment["STANDOFF_DATA_DIR"]
	mounted := false
	for _, v := range s.Volumes {
		name, target, _ := strings.Cut(v, ":")
		if target == dataDir {
			vol, declared := c.Volumes[name]
			mounted = declared
			// Without its own name, Compose makes <project>_standoff-data, and the
			// README's `docker run -v standoff-data:/data` (the backup) reads an empty one.
			if !declared || vol == nil || vol.Name != name {
				t.Errorf("volume %s has no name: %q, so Compose prefixes it with the project's", name, name)
			}
		}
	}
	if dataDir == "" || !mounted {
		t.Errorf("the data folder %q is not a declared volume: %v", dataDir, s.Volumes)
	}
	if readme, _ := os.ReadFile(filepath.Join(repoRoot, "README.md")); !strings.Contains(string(readme), "-v standoff-data:/data") {
		t.Error("the README's backup does not name the volume standoff-data")
	}
	// Podman and buildah build OCI images, which drop the Dockerfile's HEALTHCHECK: the
	// compose file has the same probe of its own.
	var hc []string
	for _, st := range readDockerfile(t, filepath.Join(repoRoot, "Dockerfile")) {
		hc = append(hc, find(st, "HEALTHCHECK")...)
	}
	if len(hc) != 1 {
		t.Fatalf("the Dockerfile has %d HEALTHCHECKs, want 1", len(hc))
	}
	_, probe, _ := strings.Cut(hc[0], "CMD ")
	var want []string
	if err := yaml.Unmarshal([]byte(probe), &want); err != nil {
		t.Fatalf("HEALTHCHECK CMD %q: %v", probe, err)
	}
	if got := s.Healthcheck.Test; len(got) == 0 || got[0] != "CMD" || strings.Join(got[1:], " ") != strings.Join(want, " ") {
		t.Errorf("compose healthcheck test %q, want [CMD %s], as the Dockerfile's", got, strings.Join(want, " "))
	}
	if s.Build != "." || s.EnvFile != ".env" || strings.Join(s.Command, " ") != "bot" {
		t.Errorf("build %q, env_file %q, command %q: want ., .env, bot", s.Build, s.EnvFile, s.Command)
	}
	for _, p := range s.Ports {
		if !strings.HasPrefix(p, "127.0.0.1:") {
			t.Errorf("port %q is published on every address; the metrics are for the host only", p)
		}
	}
}

// unitKeys reads a systemd unit file into its keys and values (a key given several
// times keeps every value).
func unitKeys(t *testing.T, path string) map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Errorf("%s: line %q is not key=value", path, line)
			continue
		}
		keys[k] = append(keys[k], v)
	}
	return keys
}

// TestSystemdUnits checks the hardening of the unit files, that they leave the data
// folder to StateDirectory (STATE_DIRECTORY), and verifies them with systemd-analyze
// where it exists.
func TestSystemdUnits(t *testing.T) {
	for _, name := range []string{"standoff.service", "standoff@.service"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(repoRoot, "deploy", name)
			keys := unitKeys(t, path)
			want := map[string]string{
				"DynamicUser": "yes", "ProtectSystem": "strict", "NoNewPrivileges": "yes", "UMask": "0077",
				"ProtectHome": "yes", "PrivateTmp": "yes", "ExecStart": "/usr/local/bin/standoff bot",
				// notify: "active" means connected and commands registered (the bot sends
				// READY=1); a missing binary is a failed start, as with Type=exec.
				"Type": "notify", "NotifyAccess": "main", "TimeoutStartSec": "infinity",
				"ProcSubset": "pid", "PrivateUsers": "yes", "ProtectProc": "invisible",
			}
			for k, v := range want {
				if got := keys[k]; len(got) != 1 || got[0] != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if f := strings.Join(keys["SystemCallFilter"], "\n"); f != "@system-service\n~@privileged @resources" {
				t.Errorf("SystemCallFilter = %q, want @system-service less ~@privileged @resources", keys["SystemCallFilter"])
			}
			if sd := keys["StateDirectory"]; len(sd) != 1 || !strings.HasPrefix(sd[0], "standoff") {
				t.Errorf("StateDirectory = %q, want standoff…", sd)
			}
			for _, env := range keys["Environment"] {
				if strings.Contains(env, "STANDOFF_DATA_DIR") {
					t.Errorf("Environment=%s: the data folder is the StateDirectory, given as STATE_DIRECTORY", env)
				}
			}
			if strings.Contains(name, "@") {
				if env := strings.Join(keys["Environment"], " "); !strings.Contains(env, "STANDOFF_SHARD_ID=%i") {
					t.Errorf("the template does not set STANDOFF_SHARD_ID from its instance: %q", env)
				}
			}

			analyze, err := exec.LookPath("systemd-analyze")
			if err != nil {
				t.Skip("systemd-analyze is not installed: the unit is not verified")
			}
			// verify needs the executable to exist: a copy of the unit runs this test binary.
			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			data, _ := os.ReadFile(path)
			dir := t.TempDir()
			unit := filepath.Join(dir, name)
			os.WriteFile(unit, bytes.ReplaceAll(data, []byte("/usr/local/bin/standoff"), []byte(self)), 0o644)
			if strings.Contains(name, "@") {
				unit = filepath.Join(dir, strings.Replace(name, "@", "@0", 1))
			}
			var stderr bytes.Buffer
			cmd := exec.Command(analyze, "verify", unit)
			cmd.Stderr, cmd.Stdout = &stderr, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("systemd-analyze verify: %v\n%s", err, stderr.String())
			}
			// Unknown keys and bad values are only warnings: any line about the unit fails.
			for _, line := range strings.Split(stderr.String(), "\n") {
				if strings.Contains(line, dir) || strings.Contains(line, strings.TrimSuffix(name, ".service")) {
					t.Errorf("systemd-analyze verify: %s", line)
				}
			}
		})
	}
}

// TestStateDirectory: with systemd's STATE_DIRECTORY set and no other data setting
// (STANDOFF_DATA_DIR empty, as a copied .env.example might leave it), the index lives
// there.
func TestStateDirectory(t *testing.T) {
	state := t.TempDir()
	t.Setenv("STANDOFF_DATA_DIR", "")
	t.Setenv("STANDOFF_CORPUS_DIR", "")
	t.Setenv("STATE_DIRECTORY", state)
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	code, _, errOut := runCmd(t, "", "index")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(state, "index", "current")); err != nil {
		t.Errorf("no index in STATE_DIRECTORY: %v", err)
	}
}

// TestEnvExample: .env.example names every variable of the configuration, and sets only
// DISCORD_TOKEN: the optional ones are commented out, so that a copy used as an
// EnvironmentFile changes no default (the data folder above all).
func TestEnvExample(t *testing.T) {
	path := filepath.Join(repoRoot, ".env.example")
	set, err := godotenv.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 1 || set["DISCORD_TOKEN"] != "" {
		t.Errorf(".env.example sets %v, want DISCORD_TOKEN= alone", set)
	}
	data, _ := os.ReadFile(path)
	for _, name := range []string{"DISCORD_TOKEN", "DISCORD_GUILD_IDS", "DISCORD_API_URL", "STANDOFF_CORPUS_DIR",
		"STANDOFF_DATA_DIR", "STANDOFF_ADMIN_GUILD_IDS", "STANDOFF_MOD_ROLE_IDS", "STANDOFF_RETENTION_DAYS",
		"STANDOFF_CORPUS_GIT", "STANDOFF_CORPUS_GIT_BRANCH", "STANDOFF_CORPUS_GIT_TOKEN", "STANDOFF_CORPUS_SYNC",
		"STANDOFF_AUDIT_CHANNEL_ID", "STANDOFF_FETCH_ALLOW", "STANDOFF_HTTP_ADDR", "STANDOFF_LOG_LEVEL",
		"STANDOFF_SHARD_ID", "STANDOFF_SHARD_COUNT", "STANDOFF_REVIEW_CHANNEL_ID", "STANDOFF_WATCH_EVERY",
		"STANDOFF_WATCH_PAUSE", "STANDOFF_WATCH_MAX_AGE"} {
		if !regexp.MustCompile(`(?m)^#?` + name + `=`).Match(data) {
			t.Errorf(".env.example does not list %s", name)
		}
	}
}

// TestReadmeSetUp: the README's set-up for a fresh machine is exactly two commands (the
// main job on the embedded corpus, all the tests) and names go.mod's Go version.
func TestReadmeSetUp(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n## Set up\n")
	if !ok {
		t.Fatal("README has no Set up section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	if v := goModVersion(t); !strings.Contains(section, "Go "+v) {
		t.Errorf("Set up does not name go.mod's Go version %s", v)
	}
	blocks := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(blocks) != 1 {
		t.Fatalf("Set up has %d command blocks, want 1", len(blocks))
	}
	var cmds []string
	for _, line := range strings.Split(strings.TrimSpace(blocks[0][1]), "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		cmds = append(cmds, strings.TrimSpace(cmd))
	}
	// From a clone to an installed standoff answering, then the tests, in that order.
	want := []string{"git clone ", "go install ./cmd/standoff", "export PATH=", `standoff ask "what is breakout time?"`, "go test ./..."}
	if len(cmds) != len(want) {
		t.Fatalf("Set up commands %q, want %d steps like %q", cmds, len(want), want)
	}
	for i, w := range want {
		if !strings.HasPrefix(cmds[i], w) {
			t.Errorf("step %d is %q, want %q…", i+1, cmds[i], w)
		}
	}
	if !strings.Contains(cmds[0], "&& cd standoff") {
		t.Errorf("the clone %q does not go into the checkout", cmds[0])
	}
	// The steps after the clone, as a newcomer runs them in this checkout (the tests
	// aside: this is one): the installed binary answers. GOBIN, on PATH, keeps the
	// install in the test's folder.
	home := t.TempDir()
	bin := filepath.Join(home, "bin")
	script := strings.Join(cmds[1:4], "\n")
	cmd := exec.Command("sh", "-ec", script)
	cmd.Dir = repoRoot
	cmd.Env = append(os.Environ(), "GOBIN="+bin, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"STANDOFF_DATA_DIR="+filepath.Join(home, "data"), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the Set up steps failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Q: what is breakout time?") || !strings.Contains(strings.ToLower(string(out)), "breakout time") {
		t.Errorf("the installed standoff did not answer:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(bin, "standoff")); err != nil {
		t.Errorf("go install put no standoff in GOBIN: %v", err)
	}
}

// trackedFiles lists the files of the repository as `git ls-files` does; the test is
// skipped where there is no git or no repository (an unpacked source archive).
func trackedFiles(t *testing.T) []string {
	t.Helper()
	gitTool, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git: the tracked files are unknown")
	}
	cmd := exec.Command(gitTool, "ls-files", "-z")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("git ls-files: %v (not a git checkout)", err)
	}
	files := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(files) < 10 {
		t.Fatalf("git ls-files lists %d files", len(files))
	}
	return files
}

// TestDockerignore: the build context is the checkout as git has it. No tracked file is
// left out (else the copied tree differs from HEAD and `standoff version` in the image
// says +dirty), .git is kept (for the commit), and .env, which holds the token, is left
// out. The patterns are read as Docker reads them (moby/patternmatcher).
func TestDockerignore(t *testing.T) {
	f, err := os.Open(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		t.Fatal(err)
	}
	excluded := func(p string) bool {
		t.Helper()
		ok, err := pm.MatchesOrParentMatches(p)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	for _, p := range trackedFiles(t) {
		if excluded(p) {
			t.Errorf(".dockerignore leaves out the tracked file %s: every image would be +dirty", p)
		}
	}
	for _, p := range []string{".git/HEAD", ".git/index"} {
		if excluded(p) {
			t.Errorf(".dockerignore leaves out %s: the image would not know its commit", p)
		}
	}
	for _, p := range []string{".env", "cmd/standoff/standoff", "standoff", "bot/bot.test"} {
		if !excluded(p) {
			t.Errorf(".dockerignore keeps %s in the build context", p)
		}
	}
}

// TestGitignore: .env, which holds the bot's token, is ignored by git, and nothing
// tracked is (the template .env.example above all).
func TestGitignore(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, ".gitignore"))
	if err != nil {
		t.Fatal(err)
	}
	var ps []gitignore.Pattern
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			ps = append(ps, gitignore.ParsePattern(line, nil))
		}
	}
	m := gitignore.NewMatcher(ps)
	ignored := func(p string) bool { return m.Match(strings.Split(p, "/"), false) }
	for _, p := range []string{".env", "cmd/standoff/standoff", "index/index.test"} {
		if !ignored(p) {
			t.Errorf("git does not ignore %s", p)
		}
	}
	for _, p := range append(trackedFiles(t), ".env.example") {
		if ignored(p) {
			t.Errorf(".gitignore ignores the tracked file %s", p)
		}
	}
}

// TestInvitePermissions: the README's invite asks for the bot and its commands, and for
// exactly the permissions that replying to mentions needs, in channels and threads, and
// names each of them.
func TestInvitePermissions(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`https://discord\.com/oauth2/authorize\?\S+`).FindString(string(data))
	u, err := url.Parse(m)
	if m == "" || err != nil {
		t.Fatalf("README has no invite address (%v)", err)
	}
	q := u.Query()
	if scope := q.Get("scope"); scope != "bot applications.commands" {
		t.Errorf("scope = %q, want bot and applications.commands", scope)
	}
	need := map[string]int64{
		"View Channels": discordgo.PermissionViewChannel, "Send Messages": discordgo.PermissionSendMessages,
		"Send Messages in Threads": discordgo.PermissionSendMessagesInThreads,
		"Create Public Threads":    discordgo.PermissionCreatePublicThreads,
		"Embed Links":              discordgo.PermissionEmbedLinks, "Read Message History": discordgo.PermissionReadMessageHistory,
	}
	var want int64
	for name, bit := range need {
		want |= bit
		if !strings.Contains(strings.Join(strings.Fields(string(data)), " "), name) {
			t.Errorf("README does not name the permission %s", name)
		}
	}
	if want != bot.InvitePermissions {
		t.Errorf("the permissions named here, %d, are not the bot's own, %d", want, bot.InvitePermissions)
	}
	got, err := strconv.ParseInt(q.Get("permissions"), 10, 64)
	if err != nil || got != want {
		t.Errorf("permissions = %q, want %d (%v)", q.Get("permissions"), want, err)
	}
	if !strings.Contains(string(data), "The permissions, "+strconv.FormatInt(want, 10)+", are") {
		t.Errorf("README's explanation does not give the number %d", want)
	}
}
