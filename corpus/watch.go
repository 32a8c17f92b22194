package corpus

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watch calls onChange when files in the corpus folder dir (subfolders included) change,
// once the changes have settled for debounce, until ctx is done. Hidden files (such as
// the temporary files of an atomic write) are not changes. onChange runs on Watch's own
// goroutine, one call at a time; changes made meanwhile make one more call after it.
func Watch(ctx context.Context, dir string, debounce time.Duration, logger *slog.Logger, onChange func(context.Context)) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch corpus: %w", err)
	}
	defer w.Close()
	if err := addTree(w, dir); err != nil {
		return fmt.Errorf("watch corpus: %w", err)
	}
	logger.Debug("corpus folder watched", "dir", dir)
	timer := time.NewTimer(debounce)
	timer.Stop()
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if strings.HasPrefix(filepath.Base(ev.Name), ".") {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
					if err := addTree(w, ev.Name); err != nil {
						logger.Warn("watching a new corpus folder", "path", ev.Name, "err", err)
					}
				}
			}
			logger.Debug("corpus file changed", "path", ev.Name, "op", ev.Op.String())
			timer.Reset(debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			logger.Warn("watching the corpus folder", "err", err)
			timer.Reset(debounce) // events may have been lost: refresh to be sure
		case <-timer.C:
			onChange(ctx)
		}
	}
}

// addTree watches dir and every folder under it, except hidden ones.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p != dir {
				return nil
			}
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		return w.Add(p)
	})
}
