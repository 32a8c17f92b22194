package corpus

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/standoff-bot/standoff/corpus/corpusfs"
)

// synonymsFile is the name of the synonyms file at the root of a corpus.
const synonymsFile = "synonyms.txt"

// ReviewFolder is the folder at the root of a corpus that holds its watched sources and
// its review queue (corpus/watch): JSON files shared through the corpus's repository
// like the documents, but never read as documents.
const ReviewFolder = "review"

// SettingsFile is the file at the root of a corpus folder where the services that serve
// the corpus keep the settings they share (the bot's channel settings): versioned and
// synced with the documents, never read as one.
const SettingsFile = "settings.json"

// Load reads the corpus in fsys: every .md and .txt file, in subfolders too, except
// synonyms.txt at the root, which holds the synonym rules, TaughtFile at the root, which
// holds the questions moderators taught, and SettingsFile. Documents are sorted by ID.
//
// A document that cannot be read is recorded in Problems, with its path, line and reason,
// and the others are still loaded; so are bad lines of synonyms.txt. Other files are
// recorded in Warnings. Hidden files and folders (whose names start with "."), and the
// ReviewFolder at the root, are skipped silently. The error is for a corpus that cannot be read at all, or for ctx
// being done.
func Load(ctx context.Context, fsys fs.FS) (*Corpus, error) {
	c := &Corpus{splitter: NewSplitter(), near: &ShingleCache{}}
	byID := map[string]string{} // id → path of the document that has it
	var paths []string          // documents to read, in walk order
	type atProblem struct {
		at  int // documents found before it
		err Problem
	}
	var walkProbs []atProblem
	flushProbs := func(upTo int) {
		for len(walkProbs) > 0 && walkProbs[0].at <= upTo {
			c.Problems = append(c.Problems, walkProbs[0].err)
			walkProbs = walkProbs[1:]
		}
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if p == "." {
				return err
			}
			walkProbs = append(walkProbs, atProblem{len(paths), Problem{Path: p, Reason: "cannot read: " + errReason(err)}})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == "." {
			return nil
		}
		switch kind, why := corpusfs.Admit(p, d.Type()); kind {
		case corpusfs.Skip:
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		case corpusfs.Folder:
			if p == ReviewFolder {
				return fs.SkipDir
			}
			return nil
		case corpusfs.Refused:
			c.Warnings = append(c.Warnings, Problem{Path: p, Reason: why})
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == SettingsFile {
			return nil
		}
		if p == synonymsFile {
			data, err := readDocumentFile(fsys, p)
			if err != nil {
				walkProbs = append(walkProbs, atProblem{len(paths), Problem{Path: p, Reason: "cannot read: " + errReason(err)}})
				return nil
			}
			rules, problems := ParseSynonyms(data)
			c.Synonyms = rules
			for _, prob := range problems {
				walkProbs = append(walkProbs, atProblem{len(paths), prob})
			}
			return nil
		}
		if p == TaughtFile {
			data, err := readDocumentFile(fsys, p)
			if err != nil {
				walkProbs = append(walkProbs, atProblem{len(paths), Problem{Path: p, Reason: "cannot read: " + errReason(err)}})
				return nil
			}
			taught, problems := ParseTaught(data)
			c.Taught = taught
			for _, prob := range problems {
				walkProbs = append(walkProbs, atProblem{len(paths), prob})
			}
			return nil
		}
		if documentExt(p) == "" {
			c.Warnings = append(c.Warnings, Problem{Path: p, Reason: "ignored: not a .md or .txt document"})
			return nil
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	// Read and parse the documents on every core; record them in walk order.
	type parsed struct {
		doc  Document
		err  error
		warn bool // err is a warning: the file is not a document at all
	}
	results := make([]parsed, len(paths))
	parser := NewParser(runtime.GOMAXPROCS(0), 0)
	var wg sync.WaitGroup
	next := make(chan int)
	for range 4 * runtime.GOMAXPROCS(0) { // more readers than cores: reads overlap parsing
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				data, err := readDocumentFile(fsys, paths[i])
				if err != nil {
					results[i].err = Problem{Path: paths[i], Reason: "cannot read: " + errReason(err)}
					if errors.Is(err, errNotRegular) {
						results[i].err = Problem{Path: paths[i], Reason: "ignored: not a regular file"}
						results[i].warn = true
					}
					continue
				}
				results[i].doc, results[i].err = parseBounded(ctx, parser, paths[i], data)
			}
		}()
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, r := range results {
		flushProbs(i)
		p := paths[i]
		if r.err != nil {
			var prob Problem
			if !errors.As(r.err, &prob) {
				prob = Problem{Path: p, Reason: r.err.Error()}
			}
			if r.warn {
				c.Warnings = append(c.Warnings, prob)
			} else {
				c.Problems = append(c.Problems, prob)
			}
			continue
		}
		for _, w := range r.doc.Warnings {
			w.Path = p
			c.Warnings = append(c.Warnings, w)
		}
		if other, ok := byID[r.doc.ID]; ok {
			c.Problems = append(c.Problems, Problem{Path: p, Reason: fmt.Sprintf("duplicate id %q: %s has it too", r.doc.ID, other)})
			continue
		}
		byID[r.doc.ID] = p
		c.Documents = append(c.Documents, r.doc)
	}
	flushProbs(len(paths))
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	slices.SortFunc(c.Documents, func(a, b Document) int { return cmp.Compare(a.ID, b.ID) })
	return c, nil
}

// errReason returns the reason of a file system error without the path, which the
// Problem already gives.
func errReason(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// LoadDir loads the corpus in the folder dir; see Load.
func LoadDir(ctx context.Context, dir string) (*Corpus, error) {
	info, err := os.Stat(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("load corpus: no folder %s: %w", dir, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("load corpus: %s is not a folder", dir)
	}
	fsys, err := openRootFS(dir)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	defer fsys.root.Close()
	return Load(ctx, fsys)
}

// Splitter returns the sentence splitter of the corpus, to split other texts the way its
// passages were split. It is shared and safe for concurrent use.
func (c *Corpus) Splitter() *Splitter {
	if c.splitter == nil {
		return NewSplitter()
	}
	return c.splitter
}

// LoadDirOrDefault loads the corpus folder dir, or the embedded default corpus when dir
// is empty.
func LoadDirOrDefault(ctx context.Context, dir string) (*Corpus, error) {
	if dir == "" {
		return Load(ctx, Default())
	}
	return LoadDir(ctx, dir)
}
