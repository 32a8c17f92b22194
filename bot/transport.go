package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// apiClient returns an HTTP client for discordgo that sends what discordgo addresses to
// https://discord.com to base instead (a REST proxy, a test server). It changes nothing
// global: discordgo's Endpoint variables stay as they are, and each session has its own
// client. The gateway's address then comes from base's /api/v9/gateway.
func apiClient(client *http.Client, base string) (*http.Client, error) {
	c := &http.Client{Timeout: 20 * time.Second}
	if client != nil {
		cp := *client
		c = &cp
	}
	if base == "" || strings.TrimRight(base, "/") == DefaultAPIURL {
		return c, nil
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("api client: bad base address %q", base)
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = rebase{base: u, next: next}
	return c, nil
}

// countingClient returns a copy of c whose transport calls tooMany for every 429 Too
// Many Requests that Discord answers.
func countingClient(c *http.Client, tooMany func()) *http.Client {
	cp := *c
	next := cp.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	cp.Transport = countTooMany{next: next, inc: tooMany}
	return &cp
}

// countTooMany is an http.RoundTripper that counts Discord's 429 responses.
type countTooMany struct {
	next http.RoundTripper
	inc  func()
}

// RoundTrip sends req and counts a 429 answer.
func (t countTooMany) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		t.inc()
	}
	return resp, err
}

// rebase is an http.RoundTripper that rewrites requests for discord.com to another base.
type rebase struct {
	base *url.URL
	next http.RoundTripper
}

// RoundTrip sends req to the base address when it is for discord.com.
func (t rebase) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = t.base.Scheme, t.base.Host
	u.Path = t.base.Path + req.URL.Path
	if req.URL.RawPath != "" {
		u.RawPath = t.base.EscapedPath() + req.URL.RawPath
	}
	r.URL, r.Host = &u, t.base.Host
	return t.next.RoundTrip(r)
}

// rebaseError rewrites the address of a failed request in err's chain (the *url.Error
// an http.Client returns names the address discordgo asked, https://discord.com/…) to
// the base address the request was really sent to, so that the failure names it. Call
// it before err is wrapped: a wrapping error's message is fixed when it is made.
func rebaseError(err error, base string) error {
	base = strings.TrimRight(base, "/")
	if err == nil || base == "" || base == DefaultAPIURL {
		return err
	}
	if ue, ok := errors.AsType[*url.Error](err); ok {
		if rest, found := strings.CutPrefix(ue.URL, DefaultAPIURL); found {
			ue.URL = base + rest
		}
	}
	return err
}

// discordLogLevel maps the bot's log level to discordgo's. It never goes below
// informational: discordgo's debug lines include the IDENTIFY packet, token and all.
func discordLogLevel(l slog.Level) int {
	switch {
	case l <= slog.LevelDebug:
		return discordgo.LogInformational
	case l <= slog.LevelWarn:
		return discordgo.LogWarning
	default:
		return discordgo.LogError
	}
}

// DiscordgoLogger returns a function for discordgo.Logger that writes discordgo's log
// lines to logger, with each of secrets (the token) blanked out. discordgo's errors and
// warnings keep their level; its chatter comes out at debug level. discordgo.Logger is a
// package variable: set it once, at program start.
func DiscordgoLogger(logger *slog.Logger, secrets ...string) func(msgL, caller int, format string, a ...any) {
	return func(msgL, _ int, format string, a ...any) {
		msg := redactTokens(strings.TrimSpace(fmt.Sprintf(format, a...)))
		for _, s := range secrets {
			if s != "" {
				msg = strings.ReplaceAll(msg, s, "[token]")
			}
		}
		level := slog.LevelDebug
		switch msgL {
		case discordgo.LogError:
			level = slog.LevelError
		case discordgo.LogWarning:
			level = slog.LevelWarn
		}
		logger.Log(context.Background(), level, msg, "component", "discordgo")
	}
}
