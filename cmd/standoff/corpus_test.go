package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/standoff-bot/standoff"

	"github.com/standoff-bot/standoff/corpus"
	"github.com/standoff-bot/standoff/corpus/curate"
)

// askJSON asks q on the corpus folder and data folder and returns the answer.
func askJSON(t *testing.T, corpusDir, data, q string) standoff.Answer {
	t.Helper()
	code, out, errOut := runCmd(t, "", "ask", "--json", "--corpus", corpusDir, "--data", data, q)
	if code != 0 {
		t.Fatalf("ask %q: exit %d: %s", q, code, errOut)
	}
	var ans standoff.Answer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatalf("ask %q: %v\n%s", q, err, out)
	}
	return ans
}

func citesFirst(ans standoff.Answer, doc string) bool {
	return len(ans.Results) > 0 && ans.Results[0].Doc == doc
}

func cites(ans standoff.Answer, doc string) bool {
	for _, r := range ans.Results {
		if r.Doc == doc {
			return true
		}
	}
	return false
}

// TestCorpusCommands adds a file and a web page with `standoff corpus`, lists, re-adds,
// removes, and asks after each step.
func TestCorpusCommands(t *testing.T) {
	corpusDir, data := seedOnlyCorpus(t), t.TempDir()
	page := `<html><head><title>The Qom accord explained</title>
<meta property="article:published_time" content="2025-06-13T08:00:00Z">
<meta property="og:site_name" content="Example Wire"><meta name="author" content="Jane Doe"></head><body><article>
<p>The Qom accord is a protocol under which heavy-water production at Khondab is capped and monitored by inspectors every month.</p>
<p>Under the accord, the stockpile of heavy water may not exceed 130 tonnes, and any excess is shipped abroad.</p>
</article></body></html>`
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, page)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = ln
	srv.Start()
	defer srv.Close()

	file := filepath.Join(t.TempDir(), "memo.md")
	os.WriteFile(file, []byte("# Isfahan memo\n\nThe Isfahan memorandum on yellowcake sets out how ore concentrate is converted into gas.\n"), 0o600)
	const memoID = "added/" // the date of today is in the id

	t.Run("add a file", func(t *testing.T) {
		code, out, errOut := runCmd(t, "", "corpus", "add", "--corpus", corpusDir, "--data", data, file)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		for _, want := range []string{"title:      Isfahan memo", "paragraphs: 1 (1 passage)", "wrote ", "Added 1 document:", "index ready:"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		ans := askJSON(t, corpusDir, data, "what is the Isfahan memorandum on yellowcake?")
		if len(ans.Results) == 0 || !strings.HasPrefix(ans.Results[0].Doc, memoID) {
			t.Errorf("ask cites %+v", ans.Results)
		}
		code, out, _ = runCmd(t, "", "corpus", "add", "--corpus", corpusDir, "--data", data, file)
		if code != 0 || !strings.Contains(out, "-2\n") || !strings.Contains(out, "nearly duplicates") {
			t.Errorf("second add of the same file: exit %d\n%s", code, out)
		}
	})

	t.Run("add a web page", func(t *testing.T) {
		code, _, errOut := runCmd(t, "", "corpus", "add", "--corpus", corpusDir, "--data", data, srv.URL+"/qom")
		if code != 1 || !strings.Contains(errOut, "loopback") || !strings.Contains(errOut, "STANDOFF_FETCH_ALLOW=127.0.0.1") {
			t.Errorf("without STANDOFF_FETCH_ALLOW: exit %d %q, want a refusal naming STANDOFF_FETCH_ALLOW", code, errOut)
		}
		if n := strings.Count(errOut, "loopback"); n != 1 {
			t.Errorf("the refusal says loopback %d times, want once:\n%s", n, errOut)
		}
		t.Setenv("STANDOFF_FETCH_ALLOW", "127.0.0.1")
		code, out, errOut := runCmd(t, "", "corpus", "add", "--dry-run", "--corpus", corpusDir, "--data", data, srv.URL+"/qom")
		if code != 0 || !strings.Contains(out, "not written") || !strings.Contains(out, "published:  2025-06-13") {
			t.Fatalf("dry run: exit %d %s\n%s", code, errOut, out)
		}
		// The dry run shows every field it would write.
		for _, want := range []string{"publisher:  Example Wire\n", "author:     Jane Doe\n", "url:        " + srv.URL + "/qom\n", "kind:       article\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("dry run lacks %q:\n%s", want, out)
			}
		}
		if ans := askJSON(t, corpusDir, data, "what is the Qom accord?"); cites(ans, "added/2025-06-13-the-qom-accord-explained") {
			t.Fatal("a dry run added the page")
		}
		code, out, errOut = runCmd(t, "", "corpus", "add", "--corpus", corpusDir, "--data", data, srv.URL+"/qom")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if ans := askJSON(t, corpusDir, data, "what is the Qom accord?"); !citesFirst(ans, "added/2025-06-13-the-qom-accord-explained") {
			t.Errorf("ask cites %+v\n%s", ans.Results, out)
		}
		code, out, _ = runCmd(t, "", "corpus", "add", "--corpus", corpusDir, "--data", data, srv.URL+"/qom")
		if code != 0 || !strings.Contains(out, "nothing to add") {
			t.Errorf("re-add of the same page: exit %d\n%s", code, out)
		}
	})

	t.Run("list", func(t *testing.T) {
		code, out, _ := runCmd(t, "", "corpus", "list", "--json", "--corpus", corpusDir, "--data", data)
		if code != 0 || strings.Count(out, "\n") != 4 || !strings.Contains(out, `"id":"added/2025-06-13-the-qom-accord-explained"`) {
			t.Errorf("list: exit %d\n%s", code, out)
		}
	})

	t.Run("remove", func(t *testing.T) {
		code, out, errOut := runCmd(t, "", "corpus", "remove", "--corpus", corpusDir, "--data", data, "added/2025-06-13-the-qom-accord-explained")
		if code != 0 || !strings.Contains(out, "Removed 1 document:") {
			t.Fatalf("exit %d %s\n%s", code, errOut, out)
		}
		if ans := askJSON(t, corpusDir, data, "what is the Qom accord?"); cites(ans, "added/2025-06-13-the-qom-accord-explained") {
			t.Errorf("a removed document is cited")
		}
		code, _, errOut = runCmd(t, "", "corpus", "remove", "--corpus", corpusDir, "--data", data, "no/such")
		if code != 1 || !strings.Contains(errOut, "no document") {
			t.Errorf("removing an unknown id: exit %d %q", code, errOut)
		}
	})

	t.Run("bad usage", func(t *testing.T) {
		for _, args := range [][]string{{"corpus", "frob"}, {"corpus", "add"}, {"corpus", "remove", "a", "b"}} {
			if code, _, _ := runCmd(t, "", args...); code != 1 {
				t.Errorf("%v: exit %d, want 1", args, code)
			}
		}
		bin := filepath.Join(t.TempDir(), "x.bin")
		os.WriteFile(bin, []byte("\x00\x01binary"), 0o600)
		os.Rename(bin, strings.TrimSuffix(bin, ".bin")+".txt")
		code, _, errOut := runCmd(t, "", "corpus", "add", "--corpus", corpusDir, "--data", data, strings.TrimSuffix(bin, ".bin")+".txt")
		if code != 1 || !strings.Contains(errOut, "binary") {
			t.Errorf("binary file: exit %d %q", code, errOut)
		}
	})

	recs, err := readAudit(filepath.Join(data, curate.AuditFile))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		if r.Phase != curate.PhaseDone {
			continue // an intent, or a change undone
		}
		got = append(got, r.Action+" "+r.Command+" "+r.Via)
		if !strings.HasPrefix(r.Actor, "cli:") || len(r.Hash) != 64 {
			t.Errorf("audit record %+v", r)
		}
	}
	want := "added add cli,added add cli,added add cli,removed remove cli"
	if strings.Join(got, ",") != want {
		t.Errorf("audit log %q, want %q", strings.Join(got, ","), want)
	}
	c, err := corpus.LoadDir(t.Context(), corpusDir)
	if err != nil || len(c.Problems) > 0 {
		t.Errorf("corpus after the commands: %v %v", err, c.Problems)
	}
}

// readAudit returns every record of the audit log at path, intents included.
func readAudit(path string) ([]curate.AuditRecord, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []curate.AuditRecord
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var r curate.AuditRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("audit line %q: %w", line, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// TestReadingCommandsWriteNothing: corpus list and history on a fresh data folder make
// nothing (no corpus folder, no repository, no audit log): list shows the embedded
// corpus, which ask then still reads, and history says there is none yet.
func TestReadingCommandsWriteNothing(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	embedded, err := corpus.LoadDirOrDefault(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "", "corpus", "list", "--data", data)
	if code != 0 || strings.Count(out, "\n") != len(embedded.Documents) || !strings.Contains(errOut, "no corpus folder yet") {
		t.Errorf("list: exit %d, stderr %q, stdout:\n%s\nwant the %d embedded documents", code, errOut, out, len(embedded.Documents))
	}
	code, out, errOut = runCmd(t, "", "corpus", "list", "--json", "--data", data)
	if code != 0 || strings.Count(out, `"id":`) != len(embedded.Documents) {
		t.Errorf("list --json: exit %d, stderr %q, stdout:\n%s", code, errOut, out)
	}
	for _, args := range [][]string{{"corpus", "history"}, {"corpus", "history", "--json"}} {
		code, out, errOut = runCmd(t, "", append(args, "--data", data)...)
		if code != 0 || out != "" || !strings.Contains(errOut, "no history") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 0, nothing, and why", args, code, out, errOut)
		}
	}
	if _, err := os.Stat(data); !errors.Is(err, fs.ErrNotExist) {
		entries, _ := os.ReadDir(data)
		t.Errorf("the data folder was made: %v %v", err, entries)
	}
	_, _, errOut = runCmd(t, "", "ask", "--data", data, "what is breakout time?")
	if !strings.Contains(errOut, "corpus embedded in the binary") {
		t.Errorf("ask after list: stderr %q, want the embedded corpus", errOut)
	}
}

// TestCompletionOfIDs: Tab after corpus remove offers the documents' ids, after corpus
// undo the changes' ids (as the shells' completion scripts ask through __complete),
// never file names; on a fresh data folder, nothing, and no folder is made.
func TestCompletionOfIDs(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	complete := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCmd(t, "", append([]string{"__complete"}, args...)...)
		if code != 0 {
			t.Fatalf("__complete %v: exit %d, %s", args, code, errOut)
		}
		return out
	}
	for _, sub := range []string{"remove", "undo"} {
		out := complete("corpus", sub, "--data", data, "")
		if strings.Contains(out, "\t") || !strings.HasSuffix(out, ":4\n") {
			t.Errorf("%s on a fresh data folder: %q, want nothing and no file names (:4)", sub, out)
		}
	}
	if exists(data) {
		t.Fatal("completion made the data folder")
	}
	file := filepath.Join(t.TempDir(), "memo.md")
	os.WriteFile(file, []byte("# Arak memo\n\nThe Arak memorandum on heavy water.\n"), 0o600)
	if code, _, errOut := runCmd(t, "", "corpus", "add", "--data", data, file); code != 0 {
		t.Fatalf("add: %s", errOut)
	}
	out := complete("corpus", "remove", "--data", data, "")
	if !strings.Contains(out, "glossary\t") || !strings.Contains(out, "added/") || !strings.HasSuffix(out, ":4\n") {
		t.Errorf("remove: %q, want the documents' ids with their titles", out)
	}
	if out := complete("corpus", "remove", "--data", data, "added/"); strings.Contains(out, "glossary") || !strings.Contains(out, "Arak memo") {
		t.Errorf("remove added/: %q, want only the added document", out)
	}
	_, hist, _ := runCmd(t, "", "corpus", "history", "--json", "--data", data)
	var newest struct{ Short string }
	if err := json.Unmarshal([]byte(strings.SplitN(hist, "\n", 2)[0]), &newest); err != nil || newest.Short == "" {
		t.Fatalf("history: %v\n%s", err, hist)
	}
	if out := complete("corpus", "undo", "--data", data, ""); !strings.HasPrefix(out, newest.Short+"\t") || !strings.Contains(out, "Arak memo") {
		t.Errorf("undo: %q, want the newest change %s first, with what it did", out, newest.Short)
	}
}
