package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/standoff-bot/standoff"
	"github.com/standoff-bot/standoff/corpus"
)

// cmdIndex builds the index, or confirms that the built one is current.
func cmdIndex(ctx context.Context, cf commonFlags, stdout, stderr io.Writer) int {
	ix, err := openIndex(ctx, cf, stderr, true)
	if err != nil {
		fmt.Fprintf(stderr, "standoff index: %v\n", err)
		return 1
	}
	defer ix.Close()
	st := ix.Stats()
	if cf.json {
		_ = json.NewEncoder(stdout).Encode(map[string]any{
			"documents": st.Documents, "passages": st.Passages,
			"built": st.Built, "fingerprint": st.Fingerprint, "as_of": st.AsOf,
		})
		return 0
	}
	fmt.Fprintf(stdout, "index ready: %s, %s, built %s\n%s\n",
		corpus.Plural(st.Documents, "document"), corpus.Plural(st.Passages, "passage"), st.Built.Local().Format("2006-01-02 15:04:05"),
		standoff.Reach(st.AsOf))
	return 0
}
