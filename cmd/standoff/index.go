package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// exitSkipped is the exit status of standoff index when the index was built but some
// documents could not be read and were left out: a corpus check for CI or a pre-commit
// hook (1 stays for a failure: bad usage, no readable document, no index).
const exitSkipped = 2

// problemJSON is a skipped document or an ignored file in standoff index --json.
type problemJSON struct {
	Path   string `json:"path"`
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
}

// problemsJSON lists problems for the JSON output, never as null.
func problemsJSON(ps []corpus.Problem) []problemJSON {
	out := make([]problemJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, problemJSON{Path: p.Path, Line: p.Line, Reason: p.Reason})
	}
	return out
}

// cmdIndex builds the index, or confirms that the built one is current. It exits 0 when
// every document was read, exitSkipped when some were skipped (each is named on stderr,
// and in "skipped" with --json), and 1 when it failed.
func cmdIndex(ctx context.Context, cf commonFlags, stdout, stderr io.Writer) int {
	ix, c, err := openIndexOf(ctx, cf, stderr, true)
	if err != nil {
		fmt.Fprintf(stderr, "standoff index: %v\n", err)
		return 1
	}
	defer ix.Close()
	code := 0
	if len(c.Problems) > 0 {
		code = exitSkipped
	}
	st := ix.Stats()
	if cf.json {
		_ = json.NewEncoder(stdout).Encode(map[string]any{
			"documents": st.Documents, "passages": st.Passages,
			"built": st.Built, "fingerprint": st.Fingerprint, "as_of": st.AsOf,
			"skipped": problemsJSON(c.Problems), "warnings": problemsJSON(c.Warnings),
		})
		return code
	}
	fmt.Fprintf(stdout, "index ready: %s, %s, built %s\n%s\n",
		corpus.Plural(st.Documents, "document"), corpus.Plural(st.Passages, "passage"), st.Built.Local().Format("2006-01-02 15:04:05"),
		standoff.Reach(st.AsOf))
	if code != 0 {
		fmt.Fprintf(stderr, "standoff index: %s skipped, named above: the index leaves them out\n", corpus.Plural(len(c.Problems), "document"))
	}
	return code
}
