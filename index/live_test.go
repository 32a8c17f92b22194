package index

import (
	"context"
	"errors"
	"fmt"
	"github.com/standoff-bot/standoff"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestLiveSwapUnderLoad asks questions without pause from several goroutines while the
// corpus is refreshed on disk, alternating between two versions: no question fails, and
// every answer comes whole from one version or the other.
func TestLiveSwapUnderLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	version := func(n int) map[string]string {
		return map[string]string{
			"a.md": fmt.Sprintf("---\ntitle: A\n---\n\nNatanz centrifuges report, part one, version %d.\n\nNatanz centrifuges report, part two, version %d.\n", n, n),
			"b.md": "---\ntitle: B\n---\n\nInspectors visit Fordow.\n",
		}
	}
	first, err := Open(ctx, Config{Dir: dir}, loadFS(t, version(0)))
	if err != nil {
		t.Fatal(err)
	}
	live := NewLive(first)
	defer live.Close()

	var asked, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				ans, err := live.Answer(ctx, standoff.Request{Question: "natanz centrifuges report", K: 5})
				asked.Add(1)
				if err != nil {
					failed.Add(1)
					t.Errorf("answer during swap: %v", err)
					return
				}
				// Both passages of a.md come from the same version.
				var versions []string
				for _, r := range ans.Results {
					if i := strings.Index(r.Text, "version "); i >= 0 {
						versions = append(versions, r.Text[i:])
					}
				}
				if len(versions) != 2 || versions[0] != versions[1] {
					failed.Add(1)
					t.Errorf("answer mixes versions or lacks passages: %v", versions)
					return
				}
			}
		}()
	}
	for n := 1; n <= 20; n++ {
		if _, err := live.Refresh(ctx, Config{Dir: dir}, loadFS(t, version(n%2))); err != nil {
			t.Fatalf("refresh %d: %v", n, err)
		}
	}
	close(stop)
	wg.Wait()
	if asked.Load() == 0 || failed.Load() > 0 {
		t.Fatalf("asked %d, failed %d", asked.Load(), failed.Load())
	}
	t.Logf("%d questions answered across 20 refreshes", asked.Load())
}

func TestLiveClosed(t *testing.T) {
	ix := openMem(t, loadFS(t, map[string]string{"a.md": "---\ntitle: A\n---\n\nText.\n"}))
	live := NewLive(ix)
	if err := live.Healthy(); err != nil {
		t.Errorf("healthy before close: %v", err)
	}
	if err := live.Close(); err != nil {
		t.Fatal(err)
	}
	if err := live.Healthy(); !errors.Is(err, ErrClosed) {
		t.Errorf("healthy after close: %v, want ErrClosed", err)
	}
	if _, err := live.Answer(context.Background(), standoff.Request{Question: "text"}); !errors.Is(err, ErrClosed) {
		t.Errorf("answer after close: %v, want ErrClosed", err)
	}
	if got := live.Complete(context.Background(), "t", 5); len(got) != 0 {
		t.Errorf("complete after close: %v", got)
	}
}

func TestRefreshFailureKeepsServing(t *testing.T) {
	ctx := context.Background()
	live := NewLive(openMem(t, loadFS(t, map[string]string{"a.md": "---\ntitle: A\n---\n\nCentrifuges at Natanz.\n"})))
	defer live.Close()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := live.Refresh(cctx, Config{}, loadFS(t, map[string]string{"b.md": "---\ntitle: B\n---\n\nOther.\n"})); err == nil {
		t.Fatal("refresh with a cancelled context succeeded")
	}
	if ans, err := live.Answer(ctx, standoff.Request{Question: "centrifuges natanz"}); err != nil || !ans.Answered {
		t.Errorf("after a failed refresh: answered %v, err %v", ans.Answered, err)
	}
}

func TestDocuments(t *testing.T) {
	ix := openMem(t, loadDefault(t))
	docs := ix.Documents()
	ids := map[string]int{}
	for _, d := range docs {
		ids[d.ID] = d.Passages
	}
	for _, id := range []string{"glossary", "timeline", "iran-us-standoff"} {
		if ids[id] == 0 {
			t.Errorf("document %s missing or empty in %v", id, ids)
		}
	}
}
