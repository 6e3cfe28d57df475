// Package blob keeps file contents by key: the files attached to interactions. Store is
// written so that an S3-compatible object store can implement it as well as a
// directory on disk (Disk): keys are opaque strings, contents are written whole and
// never renamed or appended to, and nothing assumes directories.
package blob

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned by Open and Stat for a key that holds nothing.
var ErrNotFound = errors.New("blob: not found")

// ErrInvalidKey is returned for a key that NewKey could not have made.
var ErrInvalidKey = errors.New("blob: invalid key")

// Store keeps contents by key.
type Store interface {
	// Put stores everything read from r under key and returns its size. The content
	// appears whole or not at all: if r fails, or ctx ends, nothing is left under key.
	// Putting a key that exists replaces its content.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open returns the content under key, ErrNotFound if there is none. What it returns
	// is an io.ReadSeeker as well when the store can read from any offset (Disk can),
	// so that HTTP range requests are served without reading what comes before.
	Open(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the content under key, ErrNotFound if there is none.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes the content under key. Deleting a key that holds nothing is not
	// an error, so that a deletion interrupted halfway can simply be repeated.
	Delete(ctx context.Context, key string) error
}

// Info describes a stored content.
type Info struct {
	Size    int64
	ModTime time.Time
}

// NewKey returns a new random key: 26 characters of base32 (128 bits), which every
// store accepts as a file name or object name. Keys are random, never derived from the
// content, so that two customers' identical files are two contents and deleting one
// never removes the other.
func NewKey() string { return rand.Text() }

// ValidKey reports whether key is one a Store accepts: 1 to 128 characters, letters,
// digits, '-' and '_'. Names a user gave never become keys, so they never reach a
// path.
func ValidKey(key string) bool {
	if len(key) == 0 || len(key) > 128 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
