package blob_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rapportckm/rapport/blob"
)

var ctx = context.Background()

func newDisk(t *testing.T) *blob.Disk {
	t.Helper()
	d, err := blob.NewDisk(filepath.Join(t.TempDir(), "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// files lists every file under dir, temporary ones included.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDiskRoundTrip(t *testing.T) {
	d := newDisk(t)
	key := blob.NewKey()
	content := bytes.Repeat([]byte("scanned form "), 10_000)
	n, err := d.Put(ctx, key, bytes.NewReader(content))
	if err != nil || n != int64(len(content)) {
		t.Fatalf("Put: got %d, %v; want %d, nil", n, err, len(content))
	}
	rc, info, err := d.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if info.Size != int64(len(content)) {
		t.Errorf("Open: size %d, want %d", info.Size, len(content))
	}
	rs, ok := rc.(io.ReadSeeker)
	if !ok {
		t.Fatalf("Open returned a %T, want an io.ReadSeeker for range requests", rc)
	}
	if _, err := rs.Seek(13, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rs)
	if err != nil || !bytes.Equal(got, content[13:]) {
		t.Errorf("read from offset 13: %d bytes, %v; want the %d bytes stored after it", len(got), err, len(content)-13)
	}
	if st, err := d.Stat(ctx, key); err != nil || st.Size != info.Size {
		t.Errorf("Stat: %+v, %v", st, err)
	}
	// The file lives two directory levels down, named by its key alone.
	all := files(t, d.Dir)
	if len(all) != 1 || filepath.Base(all[0]) != key || strings.Count(all[0], string(filepath.Separator)) != 2 {
		t.Errorf("files on disk: %v, want one at ab/cd/%s", all, key)
	}

	if err := d.Delete(ctx, key); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open after Delete: %v, want ErrNotFound", err)
	}
	if _, err := d.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after Delete: %v, want ErrNotFound", err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Errorf("Delete of a deleted key: %v, want nil so that deletions can be repeated", err)
	}
}

// failingReader gives some bytes, then fails, as a client that hangs up does.
type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset")
	}
	k := min(len(p), f.n)
	for i := range k {
		p[i] = 'x'
	}
	f.n -= k
	return k, nil
}

func TestDiskPutIsAtomic(t *testing.T) {
	d := newDisk(t)
	key := blob.NewKey()
	if _, err := d.Put(ctx, key, &failingReader{n: 100_000}); err == nil {
		t.Fatal("Put of a failing reader: nil error")
	}
	if _, err := d.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("after a failed Put: Stat says %v, want ErrNotFound", err)
	}
	if left := files(t, d.Dir); len(left) != 0 {
		t.Errorf("a failed Put left files: %v", left)
	}

	// A failed Put over stored content leaves the old content whole.
	if _, err := d.Put(ctx, key, strings.NewReader("first letter")); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Put(ctx, key, &failingReader{n: 5}); err == nil {
		t.Fatal("Put of a failing reader: nil error")
	}
	rc, _, err := d.Open(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "first letter" {
		t.Errorf("after a failed replacement: %q, want the first content", got)
	}

	// A cancelled context stops the copy and leaves nothing behind.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	other := blob.NewKey()
	if _, err := d.Put(cancelled, other, strings.NewReader("late")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v, want context.Canceled", err)
	}
	if left := files(t, d.Dir); len(left) != 1 {
		t.Errorf("files after the cancelled Put: %v, want only the first key's", left)
	}
}

func TestDiskKeys(t *testing.T) {
	d := newDisk(t)
	outside := filepath.Join(filepath.Dir(d.Dir), "x.html")
	for _, key := range []string{"", "../x.html", "../../x.html", "a/b", `a\b`, "/etc/passwd", ".hidden", "..", "a.b",
		"key with spaces", "ключ", strings.Repeat("k", 129), "a\x00b"} {
		if blob.ValidKey(key) {
			t.Errorf("ValidKey(%q) = true, want false", key)
		}
		if _, err := d.Put(ctx, key, strings.NewReader("<script>")); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q): %v, want ErrInvalidKey", key, err)
		}
		if _, _, err := d.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(%q): %v, want ErrInvalidKey", key, err)
		}
		if err := d.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q): %v, want ErrInvalidKey", key, err)
		}
	}
	if _, err := os.Stat(outside); err == nil {
		t.Errorf("a key wrote %s outside the store", outside)
	}
	seen := map[string]bool{}
	for range 1000 {
		k := blob.NewKey()
		if !blob.ValidKey(k) || seen[k] {
			t.Fatalf("NewKey gave %q: valid %v, seen before %v", k, blob.ValidKey(k), seen[k])
		}
		seen[k] = true
	}
}
