package bot_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/bot"
)

// failInteractions is a transport whose calls to interaction callbacks and webhooks fail
// in transit, as a dropped connection would.
type failInteractions struct{ next http.RoundTripper }

func (f failInteractions) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/interactions/") || strings.Contains(r.URL.Path, "/webhooks/") {
		return nil, errors.New("connection reset by peer")
	}
	return f.next.RoundTrip(r)
}

// TestLogsCarryNoInteractionToken is finding 10: when a call to Discord fails in transit,
// the error logged names the address without the interaction's token.
func TestLogsCarryNoInteractionToken(t *testing.T) {
	h := start(t, nil, testAnswerer{Answerer: realIndex}, "", bot.Options{NoRateLimit: true,
		HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: failInteractions{next: http.DefaultTransport}}})
	id := h.srv.Slash(alice, inGuild, "ask")
	if !h.srv.WaitUntil(timeout, func() bool { return strings.Contains(h.logs.String(), "failed") }) {
		t.Fatalf("no failure logged:\n%s", h.logs.String())
	}
	logs := h.logs.String()
	if strings.Contains(logs, "itoken-"+id) || strings.Contains(logs, "itoken-") {
		t.Errorf("an interaction token is in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "/interactions/"+id+"/[token]/callback") {
		t.Errorf("the failing address is not named, redacted:\n%s", logs)
	}
}
