package corpus

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// AddedFolder is the folder of the corpus that documents added by moderators go in.
const AddedFolder = "added"

// Source is what a new document is made from: a downloaded page, or an uploaded file.
type Source struct {
	URL         string // the page's address, after redirects; empty for an upload
	Name        string // the uploaded file's name; empty for a page
	ContentType string // as the server or Discord gave it, parameters included
	Data        []byte
	// Article is the article of an HTML page or file, as corpus/web extracted it from
	// Data; an HTML source without it is refused (see curate.NewDraft, which reads it).
	Article *Article
}

// Draft is a document ready to be written into the corpus, with what a moderator needs
// to decide: what it is, where it goes, and what it replaces or resembles.
type Draft struct {
	ID     string   // the document's id, "added/2026-11-26-some-title"
	Path   string   // where it goes, relative to the corpus folder
	Data   []byte   // the file's content
	Doc    Document // Data as the corpus reads it
	Source string   // the address or file name it came from
	// Canonical is the address the page gives for itself (Article.Canonical), empty
	// when it gives none or is not a page.
	Canonical string

	Replaces string // id of the document it updates (same address); empty for a new one
	// SameAs is a document of the corpus at the address the page gives for itself
	// (Canonical) when that is not the page's own: the same page under another address.
	SameAs    string
	BaseHash  string    // hash of the file at Path when the draft was made; empty when none
	Unchanged bool      // the document it updates has exactly this content
	Similar   []Similar // existing documents it nearly duplicates
}

// NewDraft makes the document that src would add to the corpus c, without writing it.
// A page's article is extracted (HTML) or read (plain text, Markdown) and written as
// Markdown with front matter; an uploaded .md or .txt file is kept as it is, once checked
// to be a readable document. A document from an address the corpus already has updates
// that document; any other goes to a new path in AddedFolder, named after its date (the
// publication date, else today) and title. A source that cannot make a document is a
// *Refusal with the reason: also one over the limits of a document (see MaxNesting and
// the others), or one whose reading takes longer than p allows or than ctx lasts. p
// bounds how many drafts are made at once; nil makes one for this draft alone.
func NewDraft(ctx context.Context, p *Parser, c *Corpus, src Source, today time.Time) (Draft, error) {
	if len(src.Data) > MaxDocumentBytes {
		return Draft{}, Refuse(fmt.Sprintf("it is larger than the %s limit", Size(MaxDocumentBytes)), nil)
	}
	if p == nil {
		p = NewParser(1, 0)
	}
	var d Draft
	err := p.run(ctx, func(r *reading) error {
		var err error
		d, err = newDraft(r, c, src, today)
		return err
	})
	if err != nil {
		return Draft{}, err
	}
	return d, nil
}

// newDraft is NewDraft without its bounds of time and concurrency.
func newDraft(r *reading, c *Corpus, src Source, today time.Time) (Draft, error) {
	data, ext, err := documentBytes(r, src)
	if err != nil {
		return Draft{}, err
	}
	// Problems name the file as the person gave it (broken.md:2), or "draft" for a page.
	name := "draft" + ext
	if src.Name != "" {
		base := path.Base(strings.ReplaceAll(src.Name, `\`, "/"))
		name = strings.TrimSuffix(base, path.Ext(base)) + ext // page.html is read as page.md
	}
	doc, err := parseDocument(r, name, data)
	if err != nil {
		var p Problem
		if errors.As(err, &p) {
			return Draft{}, Refuse("it is not a readable document: "+p.Error(), err)
		}
		return Draft{}, Refuse("it is not a readable document", err)
	}
	d := Draft{Data: data, Source: src.URL}
	if src.Article != nil {
		d.Canonical = src.Article.Canonical
	}
	if src.URL == "" {
		d.Source = src.Name
	}
	if doc.URL != "" {
		if prev, ok := findByURL(c, doc.URL); ok {
			d.Path, d.Replaces, d.BaseHash = prev.Path, prev.ID, prev.Hash
			d.Unchanged = prev.Hash == Hash(data)
		}
	}
	if d.Replaces == "" && d.Canonical != "" {
		if prev, ok := findByURL(c, d.Canonical); ok {
			d.SameAs = prev.ID
		}
	}
	if d.Path == "" {
		date := doc.Published
		if date == "" {
			date = today.Format(time.DateOnly)
		}
		d.Path = freePath(c, AddedFolder+"/"+date+"-"+Slug(doc.Title), ext)
	}
	d.ID = idOf(d.Path)
	// The same bytes read the same wherever they are: only the id and path change.
	d.Doc = doc
	d.Doc.ID, d.Doc.Path = d.ID, d.Path
	if p := r.stopped(); p != nil {
		return Draft{}, *p
	}
	d.Similar = c.near.NearDuplicates(d.Doc, c.Documents, NearDuplicateThreshold)
	return d, nil
}

// problemText is a Problem's reason, with its line when known.
func (p Problem) problemText() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Reason)
	}
	return p.Reason
}

// documentBytes turns a source into the bytes of a corpus document and its extension.
func documentBytes(r *reading, src Source) ([]byte, string, error) {
	kind, err := sourceKind(src)
	if err != nil {
		return nil, "", err
	}
	if kind == "html" {
		if src.Article == nil {
			return nil, "", errors.New("draft: an HTML page whose article was not extracted")
		}
		a := *src.Article
		a.URL = src.URL
		md, err := a.markdown(r)
		return md, ".md", err
	}
	text, err := DecodeText(src.Data, src.ContentType)
	if err != nil {
		return nil, "", Refuse("its text encoding cannot be read", err)
	}
	if kind == "md" {
		text, err = ensureFrontMatter(text)
		if err != nil {
			return nil, "", err
		}
	}
	ext := "." + kind
	if src.URL == "" {
		return []byte(text), ext, nil // an upload is kept as it is
	}
	// A page: read it as the corpus would, and write it with its address.
	doc, err := parseDocument(r, "page"+ext, []byte(text))
	if err != nil {
		var p Problem
		if errors.As(err, &p) {
			return nil, "", Refuse("the page is not a readable document: "+p.problemText(), err)
		}
		return nil, "", Refuse("the page is not a readable document", err)
	}
	a := articleFromDocument(doc)
	a.URL = src.URL
	md, err := a.markdown(r)
	return md, ".md", err
}

// IsHTML reports whether src is an HTML page or file, whose article corpus/web extracts
// before a draft is made of it.
func IsHTML(src Source) bool {
	kind, err := sourceKind(src)
	return err == nil && kind == "html"
}

// sourceKind says whether a source is "html", "md" or "txt", refusing anything else:
// other file names, other content types, binary content.
func sourceKind(src Source) (string, error) {
	kind := ""
	if src.Name != "" {
		switch strings.ToLower(path.Ext(src.Name)) {
		case ".md", ".markdown":
			kind = "md"
		case ".txt":
			kind = "txt"
		case ".html", ".htm", ".xhtml":
			kind = "html"
		default:
			return "", Refuse("only .md, .txt and .html files can be added", nil)
		}
	}
	if bytes.IndexByte(src.Data, 0) >= 0 {
		return "", Refuse("it is a binary file, not text", nil)
	}
	if sniff := http.DetectContentType(src.Data); !strings.HasPrefix(sniff, "text/") {
		mt, _, _ := mime.ParseMediaType(sniff)
		return "", Refuse(fmt.Sprintf("its content is %s, not text", mt), nil)
	}
	mt, _, _ := mime.ParseMediaType(src.ContentType)
	if src.Name != "" {
		if mt != "" && !strings.HasPrefix(mt, "text/") && mt != "application/xhtml+xml" && mt != "application/octet-stream" {
			return "", Refuse(fmt.Sprintf("it is %s, not text", mt), nil)
		}
		return kind, nil
	}
	switch mt {
	case "text/html", "application/xhtml+xml":
		return "html", nil
	case "text/markdown", "text/x-markdown":
		return "md", nil
	case "text/plain":
		return "txt", nil
	}
	return "", Refuse(fmt.Sprintf("it is %s, not HTML, plain text or Markdown", DescribeType(src.ContentType)), nil)
}

// atxTitle matches a first line "# Title".
var atxTitle = regexp.MustCompile(`^#[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$`)

// ensureFrontMatter returns a Markdown text that has front matter: the text itself when
// it has, or, when its first line is a "# Title" heading, that title as front matter and
// the rest of the text as it is.
func ensureFrontMatter(text string) (string, error) {
	trimmed := strings.TrimLeft(text, " \t\r\n")
	if strings.HasPrefix(trimmed, "---") {
		return text, nil
	}
	first, rest, _ := strings.Cut(trimmed, "\n")
	m := atxTitle.FindStringSubmatch(strings.TrimRight(first, "\r"))
	if m == nil || strings.TrimSpace(m[1]) == "" {
		return "", Refuse("a Markdown file needs a front matter block with a title (---, title: …, ---) or a first line “# Title”", nil)
	}
	fm, err := yaml.Marshal(frontMatterOut{Title: strings.TrimSpace(m[1])})
	if err != nil {
		return "", fmt.Errorf("front matter: %w", err)
	}
	return "---\n" + string(fm) + "---\n" + rest, nil
}

// findByURL returns the document of c that came from the same address as u.
func findByURL(c *Corpus, u string) (Document, bool) {
	want := normalURL(u)
	for _, d := range c.Documents {
		if d.URL != "" && normalURL(d.URL) == want {
			return d, true
		}
	}
	return Document{}, false
}

// normalURL is u without its fragment, with its scheme and host in lower case and
// without a trailing slash, for comparing addresses.
func normalURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return strings.TrimSpace(u)
	}
	p.Fragment, p.RawFragment = "", ""
	p.Scheme, p.Host = strings.ToLower(p.Scheme), strings.ToLower(p.Host)
	if len(p.Path) > 1 {
		p.Path = strings.TrimRight(p.Path, "/")
		p.RawPath = ""
	}
	return p.String()
}

// freePath returns base+ext, or base-2+ext, base-3+ext… whichever id no document or
// unreadable file of c has.
func freePath(c *Corpus, base, ext string) string {
	taken := map[string]bool{}
	for _, d := range c.Documents {
		taken[d.ID] = true
	}
	for _, p := range c.Problems {
		taken[idOf(p.Path)] = true
	}
	id := base
	for n := 2; taken[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	return id + ext
}

// Commit writes the draft into the store, unless the corpus changed on disk since the
// draft was made: the file it updates was edited or removed, or its path was taken. It
// returns a function that puts things back as they were, for when the new document
// cannot be indexed.
func (s Store) Commit(d Draft) (undo func() error, err error) {
	prev, existed, err := s.Read(d.Path)
	if err != nil {
		return nil, err
	}
	switch {
	case existed && (d.BaseHash == "" || Hash(prev) != d.BaseHash):
		return nil, Refuse(fmt.Sprintf("%s changed on disk since the preview; add it again", d.Path), nil)
	case !existed && d.BaseHash != "":
		return nil, Refuse(fmt.Sprintf("%s was removed since the preview; add it again", d.Path), nil)
	}
	if !existed {
		for _, ext := range []string{".md", ".txt"} {
			if _, taken, _ := s.Read(d.ID + ext); taken {
				return nil, Refuse(fmt.Sprintf("the id %s was taken since the preview; add it again", d.ID), nil)
			}
		}
	}
	if err := s.Write(d.Path, d.Data); err != nil {
		return nil, err
	}
	return func() error {
		if existed {
			return s.Write(d.Path, prev)
		}
		return s.Remove(d.Path)
	}, nil
}

// RemoveDocument removes the file at rel and returns a function that puts it back.
func (s Store) RemoveDocument(rel string) (undo func() error, err error) {
	prev, existed, err := s.Read(rel)
	if err != nil {
		return nil, err
	}
	if !existed {
		return nil, Refuse(fmt.Sprintf("%s is not in the corpus folder any more", rel), nil)
	}
	if err := s.Remove(rel); err != nil {
		return nil, err
	}
	return func() error { return s.Write(rel, prev) }, nil
}

// DescribeType names a content type for a person: "image/png", or "of no known type".
func DescribeType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt == "" {
		return "of no known type"
	}
	return mt
}
