package web

import (
	"net/url"
	"strings"

	"github.com/standoff-bot/standoff/corpus"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// trackingParam reports whether a query parameter only tracks who followed a link
// (utm_source, fbclid, gclid…): the same page with or without it is the same page.
func trackingParam(name string) bool {
	n := strings.ToLower(name)
	if strings.HasPrefix(n, "utm_") || strings.HasPrefix(n, "mc_") || strings.HasPrefix(n, "at_") || strings.HasPrefix(n, "_hs") {
		return true
	}
	switch n {
	case "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid", "ttclid",
		"_ga", "_gl", "ref", "ref_src", "ref_url", "referrer", "cmpid", "ocid", "smid", "smtyp", "sr_share",
		"spm", "share", "taid", "ito", "cid", "s_cid", "mkt_tok", "oly_enc_id", "oly_anon_id", "vero_id", "__twitter_impression":
		return true
	}
	return false
}

// CleanURL returns a page's address fit to store, publish and compare: corpus.PublicURL
// (no credentials), without its fragment and its tracking parameters, with the scheme
// and host in lower case and without the default port. An address that cannot be
// parsed is returned empty.
func CleanURL(raw string) string {
	u, err := url.Parse(corpus.PublicURL(raw))
	if err != nil || raw == "" {
		return ""
	}
	u.Fragment, u.RawFragment = "", ""
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	if p := u.Port(); (p == "80" && u.Scheme == "http") || (p == "443" && u.Scheme == "https") {
		u.Host = u.Hostname()
	}
	if u.RawQuery != "" {
		q := u.Query()
		for name := range q {
			if trackingParam(name) {
				q.Del(name)
			}
		}
		u.RawQuery = q.Encode() // sorted by name
	}
	return u.String()
}

// SameAddressKey returns the key under which two addresses of one page compare equal:
// CleanURL's address without its scheme, a leading "www." and a trailing slash.
func SameAddressKey(raw string) string {
	c := CleanURL(raw)
	u, err := url.Parse(c)
	if err != nil || c == "" {
		return ""
	}
	host := strings.TrimPrefix(u.Host, "www.")
	p := strings.TrimRight(u.EscapedPath(), "/")
	key := host + p
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	return key
}

// canonicalOf returns the address a page gives for itself (<link rel="canonical">,
// else <meta property="og:url">), resolved against base and cleaned; empty when it
// gives none that is http or https.
func canonicalOf(doc *html.Node, base *url.URL) string {
	var canon, og string
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if depth > 8 || canon != "" {
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Link:
				if hasToken(attr(n, "rel"), "canonical") {
					canon = attr(n, "href")
				}
			case atom.Meta:
				if attr(n, "property") == "og:url" && og == "" {
					og = attr(n, "content")
				}
			case atom.Body:
				return // the head holds them
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	for _, ref := range []string{canon, og} {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			continue
		}
		u, err := url.Parse(ref)
		if err != nil {
			continue
		}
		if base != nil {
			u = base.ResolveReference(u)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			continue
		}
		if _, err := corpus.CheckURL(u.String()); err != nil {
			continue
		}
		return CleanURL(u.String())
	}
	return ""
}

// attr returns the value of n's attribute key, or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// hasToken reports whether the space-separated list s holds tok, in any case.
func hasToken(s, tok string) bool {
	for _, f := range strings.Fields(s) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}
