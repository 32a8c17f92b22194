package curate

import (
	"context"
	"time"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/web"
)

// NewDraft is corpus.NewDraft for every kind of source: the article of an HTML page or
// file is extracted first (corpus/web), within p's limits of time and concurrency (a nil
// p makes a parser for this draft alone).
func NewDraft(ctx context.Context, p *corpus.Parser, c *corpus.Corpus, src corpus.Source, today time.Time) (corpus.Draft, error) {
	if src.Article == nil && corpus.IsHTML(src) {
		if len(src.Data) > corpus.MaxDocumentBytes {
			return corpus.NewDraft(ctx, p, c, src, today) // refused for its size
		}
		var a corpus.Article
		err := p.Run(ctx, func(ctx context.Context) error {
			var err error
			a, err = web.ExtractHTMLContext(ctx, src.Data, src.ContentType, src.URL)
			return err
		})
		if err != nil {
			return corpus.Draft{}, err
		}
		src.Article = &a
	}
	return corpus.NewDraft(ctx, p, c, src, today)
}
