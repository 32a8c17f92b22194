package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/web/webtest"
)

func TestFetch(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><title>T</title><p>hello</p></html>")
	})
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "Title\n\nBody.")
	})
	mux.HandleFunc("/png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG\r\n\x1a\n"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("a", 1025)))
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for i := 0; i < 3; i++ {
			w.Write([]byte(strings.Repeat("a", 500)))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(5 * time.Second):
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/page", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	srv := webtest.Serve(t, mux)
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	mux.HandleFunc("/to-other-loopback", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.2:"+port+"/page", http.StatusFound)
	})
	mux.HandleFunc("/to-localhost", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+"/page", http.StatusFound)
	})

	allowed, err := NewFetcher(FetchConfig{Allow: []string{"127.0.0.1"}, MaxBytes: 1024, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	strict, err := NewFetcher(FetchConfig{MaxBytes: 1024, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		f       *Fetcher
		url     string
		wantErr string // a word of the refusal; "" for success
		wantCT  string
	}{
		{"html", allowed, srv.URL + "/page", "", "text/html"},
		{"plain text", allowed, srv.URL + "/text", "", "text/plain"},
		{"redirect", allowed, srv.URL + "/redirect", "", "text/html"},
		{"loopback refused", strict, srv.URL + "/page", "loopback", ""},
		{"localhost refused when dialled", strict, "http://localhost:" + port + "/page", "loopback", ""},
		{"redirect to a refused address", allowed, srv.URL + "/to-other-loopback", "127.0.0.2 is not allowed", ""},
		{"redirect to a host name that resolves to loopback", strict, srv.URL + "/to-localhost", "loopback", ""},
		{"binary content type", allowed, srv.URL + "/png", "image/png", ""},
		{"too large", allowed, srv.URL + "/big", "larger than the 1 KB limit", ""},
		{"too large without a length", allowed, srv.URL + "/big-chunked", "larger than the 1 KB limit", ""},
		{"too slow", allowed, srv.URL + "/slow", "too long", ""},
		{"not found", allowed, srv.URL + "/missing", "404", ""},
		{"redirect loop", allowed, srv.URL + "/loop", "redirects more than", ""},
		{"not http", allowed, "file:///etc/passwd", "only http", ""},
		{"metadata address", strict, "http://169.254.169.254/latest/meta-data/", "metadata", ""},
		{"private address", strict, "http://10.0.0.1/", "private", ""},
		{"no host", strict, "http:///x", "no host", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f.Fetch(context.Background(), tt.url)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				if got.ContentType != tt.wantCT || len(got.Data) == 0 {
					t.Errorf("got %s with %d bytes, want %s", got.ContentType, len(got.Data), tt.wantCT)
				}
				return
			}
			reason, ok := corpus.RefusalReason(err)
			if !ok || !strings.Contains(reason, tt.wantErr) {
				t.Errorf("Fetch error %v, want a refusal containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestFetchDropsCredentials is finding 8 (second part): a fetched address loses its user
// name, password and the query parameters that look like credentials before it is
// stored in a draft.
func TestFetchDropsCredentials(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "Title\n\nBody.")
	})
	srv := webtest.Serve(t, mux)
	f, err := NewFetcher(FetchConfig{Allow: []string{"127.0.0.1"}})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.Replace(srv.URL, "http://", "http://user:secret@", 1) + "/page?api_key=SECRET&password=pw&id=9"
	got, err := f.Fetch(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.URL, "secret") || strings.Contains(got.URL, "SECRET") || strings.Contains(got.URL, "pw") || !strings.HasSuffix(got.URL, "/page?id=9") {
		t.Errorf("stored address %q keeps a credential", got.URL)
	}
	d, err := corpus.NewDraft(context.Background(), nil, &corpus.Corpus{}, corpus.Source{URL: got.URL, ContentType: "text/plain", Data: got.Data}, time.Now())
	if err != nil || strings.Contains(string(d.Data), "secret") || d.Doc.URL != got.URL {
		t.Errorf("draft: %v, url %q\n%s", err, d.Doc.URL, d.Data)
	}
}
