package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"github.com/rapportckm/rapport"
)

// ErrEmpty and ErrTooLarge are why Keep did not keep a content.
var (
	ErrEmpty    = errors.New("blob: the file is empty")
	ErrTooLarge = errors.New("blob: the file is over the limit")
)

// Keep streams a file into store under a new random key and returns its description,
// ready to record: its cleaned name, size, SHA-256 and the type sniffed from the
// content (an image only when its header decodes). Nothing is held in memory but the
// first 512 bytes. A file that is empty or over max bytes is not kept.
func Keep(ctx context.Context, store Store, name string, r io.Reader, max int64) (*rapport.Attachment, error) {
	head := make([]byte, rapport.SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	head = head[:n]
	if n == 0 {
		return nil, ErrEmpty
	}
	sum := sha256.New()
	body := io.TeeReader(io.MultiReader(strings.NewReader(string(head)), io.LimitReader(r, max+1-int64(n))), sum)
	key := NewKey()
	size, err := store.Put(ctx, key, body)
	if err != nil {
		return nil, err
	}
	if size > max {
		return nil, errors.Join(ErrTooLarge, store.Delete(context.WithoutCancel(ctx), key))
	}
	a := &rapport.Attachment{Name: rapport.CleanFileName(name), Size: size, SHA256: hex.EncodeToString(sum.Sum(nil)), StorageKey: key,
		ContentType: rapport.SniffContentType(head)}
	if strings.HasPrefix(a.ContentType, "image/") {
		rc, _, err := store.Open(ctx, key)
		if err != nil {
			return nil, errors.Join(err, store.Delete(context.WithoutCancel(ctx), key))
		}
		a.ContentType = rapport.CheckImage(a.ContentType, rc)
		rc.Close()
	}
	return a, nil
}
