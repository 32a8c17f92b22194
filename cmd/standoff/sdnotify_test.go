package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot/discordtest"
)

// TestBotNotifiesSystemd runs `standoff bot` as a Type=notify unit does, with
// NOTIFY_SOCKET set, against a fake Discord: it says READY=1 only once it is connected
// and its commands are registered, and STOPPING=1 when told to stop.
func TestBotNotifiesSystemd(t *testing.T) {
	bin := buildStandoff(t)
	srv := discordtest.New()
	defer srv.Close()
	work := t.TempDir()
	sock := filepath.Join(work, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Skipf("no Unix datagram socket: %v", err)
	}
	defer conn.Close()
	cmd := exec.Command(bin, "bot")
	cmd.Dir = work
	cmd.Env = append(baseEnv(work), "DISCORD_TOKEN="+discordtest.DefaultToken, "DISCORD_API_URL="+srv.URL,
		"DISCORD_GUILD_IDS=123456789012345678", "STANDOFF_DATA_DIR="+filepath.Join(work, "data"),
		"STANDOFF_HTTP_ADDR=off", "NOTIFY_SOCKET="+sock)
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
	}()

	// next reads the next notification; the deadline only stops a broken bot from
	// hanging the test.
	next := func() string {
		t.Helper()
		conn.SetReadDeadline(time.Now().Add(90 * time.Second))
		buf := make([]byte, 4096)
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("no notification: %v\nstderr:\n%s", err, stderr.String())
		}
		return string(buf[:n])
	}
	var before []string
	for {
		msg := next()
		if strings.Contains(msg, "READY=1") {
			break
		}
		before = append(before, msg)
	}
	if len(before) == 0 || !strings.Contains(before[0], "STATUS=connecting to Discord") {
		t.Errorf("before READY=1: %q, want a STATUS saying it connects", before)
	}
	registered := false
	for _, c := range srv.Calls() {
		registered = registered || c.Kind == discordtest.KindCommands && c.GuildID == "123456789012345678"
	}
	if !registered || !srv.Connected() {
		t.Errorf("READY=1 came before the bot was connected (%v) and its commands registered (%v)", srv.Connected(), registered)
	}

	cmd.Process.Signal(os.Interrupt)
	if msg := next(); !strings.Contains(msg, "STOPPING=1") {
		t.Errorf("after SIGINT: %q, want STOPPING=1", msg)
	}
	<-exited
	if waitErr != nil {
		t.Errorf("exit: %v\n%s", waitErr, stderr.String())
	}
}

// TestSdNotify: without NOTIFY_SOCKET nothing is sent; with one, the state is one
// datagram; an address that is no socket path is an error.
func TestSdNotify(t *testing.T) {
	if err := sdNotify(envOf(nil), "READY=1"); err != nil {
		t.Errorf("without NOTIFY_SOCKET: %v", err)
	}
	sock := filepath.Join(t.TempDir(), "n")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Skipf("no Unix datagram socket: %v", err)
	}
	defer conn.Close()
	if err := sdNotify(envOf(map[string]string{"NOTIFY_SOCKET": sock}), "READY=1\nSTATUS=ok"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, err := conn.Read(buf)
	if err != nil || !bytes.Equal(buf[:n], []byte("READY=1\nSTATUS=ok")) {
		t.Errorf("read %q, %v", buf[:n], err)
	}
	if err := sdNotify(envOf(map[string]string{"NOTIFY_SOCKET": "vsock:2:1"}), "READY=1"); err == nil {
		t.Error("a NOTIFY_SOCKET that is no path was accepted")
	}
	var nerr *net.OpError
	if err := sdNotify(envOf(map[string]string{"NOTIFY_SOCKET": filepath.Join(t.TempDir(), "none")}), "READY=1"); !errors.As(err, &nerr) {
		t.Errorf("a missing socket: %v, want the dial error", err)
	}
}
