// Package webtest serves web pages and feeds to tests on 127.0.0.1, the only address
// tests reach; a fetcher reaches it when its allow-list (STANDOFF_FETCH_ALLOW, the
// address guard's hook for tests) names 127.0.0.1.
package webtest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Allow is the allow-list that lets a fetcher reach the servers of Serve.
var Allow = []string{"127.0.0.1"}

// Serve serves h on 127.0.0.1 until the test ends.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}
