package web

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"golang.org/x/net/html/charset"
)

// Limits on a feed, which is hostile input like any page: its size is the fetcher's
// limit; beyond it, a feed that nests deeper, has more items or more elements than these,
// or declares entities, is refused with the reason.
const (
	MaxFeedItems    = 1000
	MaxFeedDepth    = 32
	MaxFeedElements = 100_000
	maxFeedText     = 8 << 10 // the longest title, link or id kept
)

// Feed is an RSS 2.0 (or 0.9x, 1.0) or Atom feed, as far as watching it needs: its
// title and its items, in the feed's order.
type Feed struct {
	Title string
	Items []FeedItem
}

// FeedItem is one item (RSS) or entry (Atom) of a feed.
type FeedItem struct {
	ID        string // guid or id; the link when it has none
	Title     string
	Link      string // the article's address, resolved and cleaned
	Published string // YYYY-MM-DD when the feed gives a date it can be read from
}

// LooksLikeFeed reports whether data opens as an RSS, RDF or Atom document, whatever
// content type its server gave.
func LooksLikeFeed(data []byte) bool {
	head := data[:min(len(data), 1024)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for {
		head = bytes.TrimLeft(head, " \t\r\n")
		switch {
		case bytes.HasPrefix(head, []byte("<?")):
			i := bytes.Index(head, []byte("?>"))
			if i < 0 {
				return false
			}
			head = head[i+2:]
		case bytes.HasPrefix(head, []byte("<!--")):
			i := bytes.Index(head, []byte("-->"))
			if i < 0 {
				return false
			}
			head = head[i+3:]
		default:
			return bytes.HasPrefix(head, []byte("<rss")) || bytes.HasPrefix(head, []byte("<feed")) ||
				bytes.HasPrefix(head, []byte("<rdf:RDF")) || bytes.HasPrefix(head, []byte("<RDF"))
		}
	}
}

// ParseFeed reads an RSS or Atom feed with encoding/xml, streaming, under the limits
// above: a feed that breaks one, is not well-formed XML, or is not a feed, is a
// *corpus.Refusal with the reason. Relative links are resolved against base (the feed's
// address). Only XML's and HTML's named entities and character references are read,
// never a DTD: one that declares entities ("billion laughs") is refused.
func ParseFeed(data []byte, base string) (Feed, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = xml.HTMLEntity // &nbsp; and the like, a fixed table that expands nothing further
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		return charset.NewReaderLabel(label, in)
	}
	baseURL, _ := url.Parse(base)
	var (
		feed     Feed
		depth    int
		elements int
		root     string
		cur      *FeedItem
		itemAt   int      // the depth of the item being read
		field    string   // the field of cur (or of the feed) whose text is being read
		text     []byte   // that text
		atomLink string   // the item's best Atom link so far
		linkRank int      // how good atomLink is: 2 alternate, 1 any other
		stack    []string // local names of the open elements
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Feed{}, corpus.Refuse("the feed is not well-formed XML", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if bytes.Contains(bytes.ToUpper(t), []byte("ENTITY")) {
				return Feed{}, corpus.Refuse("the feed declares entities, which are not read", nil)
			}
		case xml.StartElement:
			depth++
			elements++
			if depth > MaxFeedDepth {
				return Feed{}, corpus.Refuse(fmt.Sprintf("the feed's elements nest more than %d deep", MaxFeedDepth), nil)
			}
			if elements > MaxFeedElements {
				return Feed{}, corpus.Refuse(fmt.Sprintf("the feed has more than %d elements", MaxFeedElements), nil)
			}
			name := t.Name.Local
			stack = append(stack, name)
			if depth == 1 {
				root = name
				if root != "rss" && root != "feed" && root != "RDF" {
					return Feed{}, corpus.Refuse("the address gives XML that is not an RSS or Atom feed", nil)
				}
				continue
			}
			switch {
			case cur == nil && (name == "item" || name == "entry"):
				if len(feed.Items) >= MaxFeedItems {
					return Feed{}, corpus.Refuse(fmt.Sprintf("the feed has more than %d items", MaxFeedItems), nil)
				}
				cur, itemAt, atomLink, linkRank = &FeedItem{}, depth, "", 0
			case cur != nil && depth == itemAt+1:
				field, text = "", text[:0]
				switch name {
				case "title", "guid", "id", "pubDate", "published", "updated", "date", "issued", "modified":
					field = name
				case "link":
					if href := attrValue(t, "href"); href != "" { // Atom
						rank := 1
						if rel := attrValue(t, "rel"); rel == "" || rel == "alternate" {
							rank = 2
						}
						if rank > linkRank {
							atomLink, linkRank = href, rank
						}
					} else {
						field = name
					}
				}
			case cur == nil && name == "title" && feed.Title == "" && (depth == 2 || depth == 3 && len(stack) > 1 && stack[1] == "channel"):
				field, text = "feed-title", text[:0]
			}
		case xml.EndElement:
			if field != "" && depth == itemAt+1 && cur != nil || field == "feed-title" {
				v := corpus.OneLine(string(text))
				switch field {
				case "feed-title":
					feed.Title = v
				case "title":
					cur.Title = v
				case "guid", "id":
					cur.ID = v
				case "link":
					if cur.Link == "" {
						cur.Link = v
					}
				default:
					if cur.Published == "" || field == "pubDate" || field == "published" {
						if day := feedDate(v); day != "" {
							cur.Published = day
						}
					}
				}
				field = ""
			}
			if cur != nil && depth == itemAt {
				if cur.Link == "" {
					cur.Link = atomLink
				}
				cur.Link = resolveLink(baseURL, cur.Link)
				if cur.ID == "" {
					cur.ID = cur.Link
				}
				if cur.Link != "" || cur.ID != "" {
					feed.Items = append(feed.Items, *cur)
				}
				cur = nil
			}
			depth--
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if field != "" && len(text) < maxFeedText {
				text = append(text, t[:min(len(t), maxFeedText-len(text))]...)
			}
		}
	}
	if root == "" {
		return Feed{}, corpus.Refuse("the feed is empty", errors.New("no root element"))
	}
	return feed, nil
}

// attrValue returns the value of the attribute of e named name (any namespace).
func attrValue(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// resolveLink resolves an item's link against the feed's address and cleans it; a link
// that is not http or https is dropped.
func resolveLink(base *url.URL, link string) string {
	link = strings.TrimSpace(link)
	if link == "" {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if _, err := corpus.CheckURL(u.String()); err != nil {
		return ""
	}
	return CleanURL(u.String())
}

// feedDateLayouts are the spellings of dates in feeds: RFC 822 and its variants (RSS),
// RFC 3339 (Atom, Dublin Core).
var feedDateLayouts = []string{
	time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700", "2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 02 Jan 2006 15:04:05 Z", time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02",
}

// feedDate returns the day of a feed's date as YYYY-MM-DD, or "" when it cannot be read.
func feedDate(s string) string {
	for _, layout := range feedDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly) // the day where it was published
		}
	}
	return ""
}
