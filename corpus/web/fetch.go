package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
)

// Limits of a download, unless FetchConfig says otherwise.
const (
	DefaultMaxBytes     = corpus.MaxDocumentBytes
	DefaultFetchTimeout = 20 * time.Second
	maxRedirects        = 5
)

// FetchConfig configures a Fetcher.
type FetchConfig struct {
	// Allow lists the host names, IP addresses and CIDR ranges that downloads may reach
	// although they are loopback, private or link-local (STANDOFF_FETCH_ALLOW).
	Allow []string
	// MaxBytes caps the size of a download; 0 means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds a whole download, redirects included; 0 means DefaultFetchTimeout.
	Timeout time.Duration
	// UserAgent is sent with every request; empty sends "standoff".
	UserAgent string
}

// Fetcher downloads web pages and files for the corpus, safely: text content types only,
// at most MaxBytes, within Timeout, at most five redirects, over http or https, and
// never to an address the AddressPolicy refuses, checked on every connection. It is safe
// for concurrent use.
type Fetcher struct {
	client *http.Client
	policy *AddressPolicy
	max    int64
	ua     string
}

// Fetched is a downloaded text.
type Fetched struct {
	URL         string // the address it came from, after redirects
	ContentType string // the media type, such as text/html, without parameters
	Charset     string // the charset parameter of the Content-Type header, if any
	Data        []byte
	// Validators are the version the server gave (ETag, Last-Modified), for Poll.
	Validators Validators
	// NotModified: Poll's server said the text is unchanged since the validators sent;
	// Data is empty.
	NotModified bool
}

// Validators name a version of a page as its server does (the ETag and Last-Modified
// headers), sent back so that the server answers "not modified" when it has no newer one.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// feedTypes are the media types of RSS and Atom feeds (and the XML ones servers give them).
var feedTypes = map[string]bool{
	"application/rss+xml":  true,
	"application/atom+xml": true,
	"application/xml":      true,
	"text/xml":             true,
	"application/rdf+xml":  true,
	"application/feed+xml": true,
}

// IsFeedType reports whether a media type is that of an RSS or Atom feed.
func IsFeedType(mt string) bool { return feedTypes[mt] }

// NewFetcher returns a Fetcher configured by cfg.
func NewFetcher(cfg FetchConfig) (*Fetcher, error) {
	policy, err := NewAddressPolicy(cfg.Allow)
	if err != nil {
		return nil, fmt.Errorf("new fetcher: %w", err)
	}
	f := &Fetcher{policy: policy, max: cfg.MaxBytes, ua: cfg.UserAgent}
	if f.max <= 0 {
		f.max = DefaultMaxBytes
	}
	if f.ua == "" {
		f.ua = "standoff"
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultFetchTimeout
	}
	base := net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1}
	transport := &http.Transport{
		Proxy: nil, // a proxy would dial for us, past the address check
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			return policy.dialer(host, base).DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  timeout,
		MaxResponseHeaderBytes: 64 << 10,
		DisableKeepAlives:      true,
		ForceAttemptHTTP2:      true,
	}
	f.client = &http.Client{
		Transport: transport,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return corpus.Refuse(fmt.Sprintf("the address redirects more than %d times", maxRedirects), nil)
			}
			if err := f.checkURL(req.URL); err != nil {
				return err
			}
			return nil
		},
	}
	return f, nil
}

// MaxBytes returns the largest download the fetcher takes.
func (f *Fetcher) MaxBytes() int64 { return f.max }

// textTypes are the media types a download may have.
var textTypes = map[string]bool{
	"text/html":             true,
	"application/xhtml+xml": true,
	"text/plain":            true,
	"text/markdown":         true,
	"text/x-markdown":       true,
}

// checkURL refuses an address that is not http or https, has no host, or names an IP
// address the policy refuses (host names are checked when connecting).
func (f *Fetcher) checkURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return corpus.Refuse("only http:// and https:// addresses can be fetched", nil)
	}
	host := u.Hostname()
	if host == "" {
		return corpus.Refuse("the address has no host", nil)
	}
	if ip, err := netip.ParseAddr(host); err == nil && !f.policy.HostAllowed(host) {
		if err := f.policy.Check(ip); err != nil {
			r := corpus.Refuse(fmt.Sprintf("%s is not allowed: it is %s", host, addressKind(err)), err)
			r.Blocked = host
			return r
		}
	}
	return nil
}

// addressKind returns what kind of refused address err names.
func addressKind(err error) string {
	var ae *addressError
	if errors.As(err, &ae) {
		return ae.what
	}
	return "a refused address"
}

// Fetch downloads the text at rawURL: HTML, plain text or Markdown. A failure that the
// person who asked should know about is a *corpus.Refusal with the reason.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Fetched, error) {
	got, err := f.get(ctx, rawURL, pageAccept, Validators{})
	if err != nil {
		return Fetched{}, err
	}
	if !textTypes[got.ContentType] {
		return Fetched{}, corpus.Refuse(fmt.Sprintf("the page is %s, not text: only HTML, plain text and Markdown can be added", corpus.DescribeType(got.ContentType)), nil)
	}
	return got, nil
}

// FetchFile downloads the file at rawURL whatever the content type the server gives, for
// uploads whose type is judged by their name and content (see FromUpload). The other
// limits of Fetch hold.
func (f *Fetcher) FetchFile(ctx context.Context, rawURL string) (Fetched, error) {
	return f.get(ctx, rawURL, pageAccept, Validators{})
}

// Accept headers of the downloads.
const (
	pageAccept = "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9"
	pollAccept = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9," + pageAccept
)

// Poll downloads the feed (RSS, Atom) or page (HTML, plain text, Markdown) at rawURL,
// unless its server says it is unchanged since prev (a conditional request): then the
// result has NotModified set and no data. The other limits of Fetch hold.
func (f *Fetcher) Poll(ctx context.Context, rawURL string, prev Validators) (Fetched, error) {
	got, err := f.get(ctx, rawURL, pollAccept, prev)
	if err != nil || got.NotModified {
		return got, err
	}
	if !textTypes[got.ContentType] && !feedTypes[got.ContentType] {
		return Fetched{}, corpus.Refuse(fmt.Sprintf("the address gives %s, not a feed or a page", corpus.DescribeType(got.ContentType)), nil)
	}
	return got, nil
}

// get downloads rawURL within the limits, whatever its content type, asking for the
// types of accept and, with validators, only for a version newer than prev.
func (f *Fetcher) get(ctx context.Context, rawURL, accept string, prev Validators) (Fetched, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return Fetched{}, corpus.Refuse("that is not a web address", err)
	}
	if err := f.checkURL(u); err != nil {
		return Fetched{}, err
	}
	u.Fragment = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Fetched{}, corpus.Refuse("that is not a web address", err)
	}
	req.Header.Set("User-Agent", f.ua)
	req.Header.Set("Accept", accept)
	if prev.ETag != "" {
		req.Header.Set("If-None-Match", prev.ETag)
	}
	if prev.LastModified != "" {
		req.Header.Set("If-Modified-Since", prev.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return Fetched{}, fetchFailure(u.Hostname(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified && (prev.ETag != "" || prev.LastModified != "") {
		return Fetched{URL: CleanURL(resp.Request.URL.String()), NotModified: true, Validators: prev}, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return Fetched{}, corpus.Refuse(fmt.Sprintf("the page answered %s", resp.Status), nil)
	}
	if resp.ContentLength > f.max {
		return Fetched{}, corpus.Refuse(fmt.Sprintf("the page is larger than the %s limit", corpus.Size(f.max)), nil)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.max+1))
	if err != nil {
		return Fetched{}, fetchFailure(u.Hostname(), err)
	}
	if int64(len(data)) > f.max {
		return Fetched{}, corpus.Refuse(fmt.Sprintf("the page is larger than the %s limit", corpus.Size(f.max)), nil)
	}
	ct := resp.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(data)
	}
	mt, params, _ := mime.ParseMediaType(ct)
	return Fetched{URL: CleanURL(resp.Request.URL.String()), ContentType: mt, Charset: params["charset"], Data: data,
		Validators: Validators{ETag: validator(resp.Header.Get("ETag")), LastModified: validator(resp.Header.Get("Last-Modified"))}}, nil
}

// validator is a validator header's value as it may be sent back: one line of at most
// 256 characters, else none.
func validator(v string) string {
	if len(v) > 256 || strings.ContainsAny(v, "\r\n") {
		return ""
	}
	return strings.TrimSpace(v)
}

// fetchFailure turns a failed download into a Refusal with a reason a person can act on.
func fetchFailure(host string, err error) error {
	var r *corpus.Refusal
	if errors.As(err, &r) {
		return r
	}
	var ae *addressError
	if errors.As(err, &ae) {
		r := corpus.Refuse(fmt.Sprintf("%s is not allowed: it leads to %s", host, ae.what), err)
		r.Blocked = host
		return r
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return corpus.Refuse(fmt.Sprintf("the host %s cannot be found", host), err)
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return corpus.Refuse("the page took too long to download", err)
	}
	return corpus.Refuse(fmt.Sprintf("the page at %s could not be downloaded", host), err)
}

// isTimeout reports whether err is a network time-out.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// Source returns the download as the source of a corpus document, its charset kept in
// the content type.
func (f Fetched) Source() corpus.Source {
	ct := f.ContentType
	if f.Charset != "" {
		ct += "; charset=" + f.Charset
	}
	return corpus.Source{URL: f.URL, ContentType: ct, Data: f.Data}
}
