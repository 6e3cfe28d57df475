package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Disk keeps contents as files under a directory: the content of key K is the file
// DIR/ab/cd/K, where abcd begins the SHA-256 of K, so that no directory holds more
// than a few hundred files however many there are. A content is written to a
// temporary file in its final directory, synced, and renamed into place, so that a
// reader or a crash never sees half of it.
type Disk struct {
	Dir string
}

var _ Store = (*Disk)(nil)

// NewDisk returns a store in dir, making it if need be.
func NewDisk(dir string) (*Disk, error) {
	if dir == "" {
		return nil, errors.New("blob: the directory of a disk store is not set")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("blob: make the attachments directory: %w", err)
	}
	return &Disk{Dir: dir}, nil
}

// path is where key's content lives; keys are checked first, so a key can never name
// a file outside Dir.
func (d *Disk) path(key string) (string, error) {
	if !ValidKey(key) {
		return "", ErrInvalidKey
	}
	sum := sha256.Sum256([]byte(key))
	h := hex.EncodeToString(sum[:2])
	return filepath.Join(d.Dir, h[:2], h[2:4], key), nil
}

// Put writes r to a temporary file beside the final one and renames it into place.
// Temporary names begin with a dot, which keys cannot, so they never clash with one.
func (d *Disk) Put(ctx context.Context, key string, r io.Reader) (n int64, err error) {
	path, err := d.path(key)
	if err != nil {
		return 0, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(dir, ".put-*")
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if n, err = io.Copy(tmp, ctxReader{ctx, r}); err != nil {
		return n, err
	}
	if err = tmp.Sync(); err != nil {
		return n, err
	}
	if err = tmp.Close(); err != nil {
		return n, err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return n, err
	}
	// The rename is durable once the directory is synced.
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
	return n, nil
}

// Open opens key's file; it is an *os.File, so an io.ReadSeeker.
func (d *Disk) Open(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	path, err := d.path(key)
	if err != nil {
		return nil, Info{}, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Info{}, ErrNotFound
	} else if err != nil {
		return nil, Info{}, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, Info{Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Stat describes key's file.
func (d *Disk) Stat(ctx context.Context, key string) (Info, error) {
	path, err := d.path(key)
	if err != nil {
		return Info{}, err
	}
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Info{}, ErrNotFound
	} else if err != nil {
		return Info{}, err
	}
	return Info{Size: st.Size(), ModTime: st.ModTime()}, nil
}

// Delete removes key's file; a missing one is already deleted.
func (d *Disk) Delete(ctx context.Context, key string) error {
	path, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// ctxReader stops a copy when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
