package gitcorpus

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
	"github.com/go-git/go-git/v5/plumbing/transport/server"
)

// InstallFileTransport makes go-git serve file:// remotes in process, without the git
// binary that its own file transport runs. A push holds a lock on the remote repository
// from the moment it reads the remote's branches until it has updated them, so that two
// processes pushing at once cannot both succeed from the same tip (go-git's server does
// not check the old value of a branch it updates). It changes go-git's table of
// protocols, so call it once, at the start of the program, before any fetch or push.
func InstallFileTransport() {
	client.InstallProtocol("file", fileTransport{srv: server.NewServer(atomicLoader{})})
}

// fileTransport is go-git's in-process server, with pushes serialised by a lock file.
type fileTransport struct {
	srv transport.Transport
}

// NewUploadPackSession implements transport.Transport.
func (t fileTransport) NewUploadPackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.UploadPackSession, error) {
	s, err := t.srv.NewUploadPackSession(ep, auth)
	if err != nil {
		return nil, err
	}
	st, err := atomicLoader{}.Load(ep)
	if err != nil {
		s.Close()
		return nil, err
	}
	return &knownHaves{UploadPackSession: s, st: st}, nil
}

// knownHaves drops from a fetch's request the commits the remote does not have: go-git's
// server fails the whole fetch on one ("object not found"), where git ignores it.
type knownHaves struct {
	transport.UploadPackSession
	st storer.EncodedObjectStorer
}

// UploadPack implements transport.UploadPackSession.
func (s *knownHaves) UploadPack(ctx context.Context, req *packp.UploadPackRequest) (*packp.UploadPackResponse, error) {
	kept := req.Haves[:0]
	for _, h := range req.Haves {
		if s.st.HasEncodedObject(h) == nil {
			kept = append(kept, h)
		}
	}
	req.Haves = kept
	return s.UploadPackSession.UploadPack(ctx, req)
}

// NewReceivePackSession implements transport.Transport.
func (t fileTransport) NewReceivePackSession(ep *transport.Endpoint, auth transport.AuthMethod) (transport.ReceivePackSession, error) {
	if info, err := os.Stat(ep.Path); err != nil || !info.IsDir() {
		return nil, transport.ErrRepositoryNotFound
	}
	unlock, err := lockFile(filepath.Join(ep.Path, "standoff-push.lock"))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, transport.ErrRepositoryNotFound
		}
		return nil, err
	}
	s, err := t.srv.NewReceivePackSession(ep, auth)
	if err != nil {
		unlock()
		return nil, err
	}
	return &lockedSession{ReceivePackSession: s, unlock: sync.OnceFunc(unlock)}, nil
}

// atomicLoader opens the repository of a file:// address with atomicRefs, so that a
// push killed midway never leaves the remote's branch empty.
type atomicLoader struct{}

// Load implements server.Loader.
func (atomicLoader) Load(ep *transport.Endpoint) (storer.Storer, error) {
	dir := ep.Path
	if _, err := os.Stat(filepath.Join(dir, "config")); err != nil {
		dir = filepath.Join(ep.Path, ".git")
		if _, err := os.Stat(filepath.Join(dir, "config")); err != nil {
			return nil, transport.ErrRepositoryNotFound
		}
	}
	return looseObjects{newAtomicRefs(dir)}, nil
}

// lockedSession releases the remote's lock when the push is over.
type lockedSession struct {
	transport.ReceivePackSession
	unlock func()
}

// Close implements transport.ReceivePackSession.
func (s *lockedSession) Close() error {
	err := s.ReceivePackSession.Close()
	s.unlock()
	return err
}
