package corpus

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// synonymsFile is the name of the synonyms file at the root of a corpus.
const synonymsFile = "synonyms.txt"

// Load reads the corpus in fsys: every .md and .txt file, in subfolders too, except
// synonyms.txt at the root, which holds the synonym rules. Documents are sorted by ID.
//
// A document that cannot be read is recorded in Problems, with its path, line and reason,
// and the others are still loaded; so are bad lines of synonyms.txt. Other files are
// recorded in Warnings. Hidden files and folders (whose names start with ".") are
// skipped silently. The error is for a corpus that cannot be read at all, or for ctx
// being done.
func Load(ctx context.Context, fsys fs.FS) (*Corpus, error) {
	c := &Corpus{splitter: NewSplitter()}
	byID := map[string]string{} // id → path of the document that has it
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			if p == "." {
				return err
			}
			c.Problems = append(c.Problems, Problem{Path: p, Reason: "cannot read: " + errReason(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if p == "." {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			c.Warnings = append(c.Warnings, Problem{Path: p, Reason: "ignored: not a regular file"})
			return nil
		}
		if p == synonymsFile {
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				c.Problems = append(c.Problems, Problem{Path: p, Reason: "cannot read: " + errReason(err)})
				return nil
			}
			rules, problems := ParseSynonyms(data)
			c.Synonyms = rules
			c.Problems = append(c.Problems, problems...)
			return nil
		}
		if documentExt(p) == "" {
			c.Warnings = append(c.Warnings, Problem{Path: p, Reason: "ignored: not a .md or .txt document"})
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			c.Problems = append(c.Problems, Problem{Path: p, Reason: "cannot read: " + errReason(err)})
			return nil
		}
		doc, err := ParseDocument(p, data)
		if err != nil {
			var prob Problem
			if !errors.As(err, &prob) {
				prob = Problem{Path: p, Reason: err.Error()}
			}
			c.Problems = append(c.Problems, prob)
			return nil
		}
		if other, ok := byID[doc.ID]; ok {
			c.Problems = append(c.Problems, Problem{Path: p, Reason: fmt.Sprintf("duplicate id %q: %s has it too", doc.ID, other)})
			return nil
		}
		byID[doc.ID] = p
		c.Documents = append(c.Documents, doc)
		return nil
	})
	if err != nil {
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
	return Load(ctx, os.DirFS(dir))
}

// Splitter returns the sentence splitter of the corpus, to split other texts the way its
// passages were split. It is shared and safe for concurrent use.
func (c *Corpus) Splitter() *Splitter {
	if c.splitter == nil {
		return NewSplitter()
	}
	return c.splitter
}
