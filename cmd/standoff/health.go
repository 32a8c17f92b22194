package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// probeURL is the address `standoff health` asks by default: /livez on
// STANDOFF_HTTP_ADDR (else its default), with a wildcard host (":8080", "0.0.0.0:8080",
// "[::]:8080") asked on the loopback address.
func probeURL(lookup func(string) (string, bool)) (string, error) {
	addr, err := httpAddr(lookup)
	if err != nil {
		return "", err
	}
	if addr == "" {
		return "", fmt.Errorf("STANDOFF_HTTP_ADDR is off: there is no endpoint to probe (give --url)")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("STANDOFF_HTTP_ADDR %q is not host:port: %w", addr, err)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
		if ip != nil && ip.To4() == nil {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/livez", nil
}

// cmdHealth asks a probe of a running bot (its /livez by default) and exits 0 when it
// answers 200, 1 otherwise with the reason on stderr: a health check for container
// images that have no curl.
func cmdHealth(ctx context.Context, url string, timeout time.Duration, lookup func(string) (string, bool), stdout, stderr io.Writer) int {
	if url == "" {
		u, err := probeURL(lookup)
		if err != nil {
			fmt.Fprintf(stderr, "standoff health: %v\n", err)
			return 1
		}
		url = u
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		fmt.Fprintf(stderr, "standoff health: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "standoff health: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	text := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "standoff health: %s: %s: %s\n", url, resp.Status, text)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s\n", url, text)
	return 0
}
