package curate

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/web"
)

// ReadSource is what a document is drafted from: arg downloaded with a fetcher of fc
// when it is a web address (http or https), else the file arg, of at most
// corpus.MaxDocumentBytes.
func ReadSource(ctx context.Context, arg string, fc web.FetchConfig) (corpus.Source, error) {
	if u, err := url.Parse(arg); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		f, err := web.NewFetcher(fc)
		if err != nil {
			return corpus.Source{}, err
		}
		got, err := f.Fetch(ctx, arg)
		if err != nil {
			return corpus.Source{}, err
		}
		return got.Source(), nil
	}
	info, err := os.Stat(arg)
	if err != nil {
		return corpus.Source{}, fmt.Errorf("read %s: %w", arg, err)
	}
	if info.Size() > corpus.MaxDocumentBytes {
		return corpus.Source{}, &corpus.Refusal{Reason: fmt.Sprintf("%s is %s, over the %s limit", arg,
			corpus.Size(info.Size()), corpus.Size(corpus.MaxDocumentBytes))}
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return corpus.Source{}, fmt.Errorf("read %s: %w", arg, err)
	}
	return corpus.Source{Name: filepath.Base(arg), Data: data}, nil
}

// Find returns the document of c with the id id.
func Find(c *corpus.Corpus, id string) (corpus.Document, bool) {
	for _, d := range c.Documents {
		if d.ID == id {
			return d, true
		}
	}
	return corpus.Document{}, false
}
