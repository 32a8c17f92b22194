package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestProbeURL(t *testing.T) {
	for _, tt := range []struct{ addr, want, err string }{
		{"", "http://127.0.0.1:8080/livez", ""},
		{"  ", "http://127.0.0.1:8080/livez", ""},
		{"0.0.0.0:9090", "http://127.0.0.1:9090/livez", ""},
		{":9090", "http://127.0.0.1:9090/livez", ""},
		{"[::]:9090", "http://[::1]:9090/livez", ""},
		{"10.1.2.3:80", "http://10.1.2.3:80/livez", ""},
		{"off", "", "off"},
		{"nope", "", "not host:port"},
		{"127.0.0.1:99999", "", "no valid port"}, // the bot would refuse it too
	} {
		got, err := probeURL(func(string) (string, bool) { return tt.addr, true })
		if got != tt.want || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("probeURL(%q) = %q, %v; want %q, %q", tt.addr, got, err, tt.want, tt.err)
		}
	}
}

// TestHealthCommand runs standoff health against a probe that answers 200, then 503.
func TestHealthCommand(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/livez" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte("ok\n"))
	}))
	defer srv.Close()
	t.Setenv("STANDOFF_HTTP_ADDR", strings.TrimPrefix(srv.URL, "http://"))
	if code, out, errOut := runCmd(t, "", "health"); code != 0 || !strings.Contains(out, "/livez: ok") {
		t.Errorf("health: exit %d, %q %q; want 0", code, out, errOut)
	}
	status = http.StatusServiceUnavailable
	if code, _, errOut := runCmd(t, "", "health", "--url", srv.URL+"/livez"); code != 1 || !strings.Contains(errOut, "503") {
		t.Errorf("health on a 503: exit %d, stderr %q; want 1 naming 503", code, errOut)
	}
	srv.Close()
	if code, _, errOut := runCmd(t, "", "health"); code != 1 || errOut == "" {
		t.Errorf("health with nothing listening: exit %d, stderr %q; want 1 with the reason", code, errOut)
	}
}
