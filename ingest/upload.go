package ingest

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
)

// SaveUpload copies a file sent to the server into a new file in dir, streaming it, and
// returns the name an import knows it by (rapport.UploadPrefix and the upload's id)
// and its size. A gzipped file is stored decompressed, so that an import's offset
// measures its progress through the file and a resumed import seeks to it; limit
// applies to the file as stored. A file that is empty, over the limit or not text is
// refused, with the field "file", and nothing is kept.
func SaveUpload(dir string, r io.Reader, limit int64) (file string, size int64, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, err
	}
	id := rapport.NewID().String()
	path := filepath.Join(dir, id)
	f, err := os.OpenFile(path+".part", os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
	if err != nil {
		return "", 0, err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	br := bufio.NewReaderSize(r, 64<<10)
	in, unit := io.Reader(br), ""
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return "", 0, rapport.FieldError("file", "the file looks gzipped but cannot be read: %v", err)
		}
		in, unit = gz, " once decompressed"
	}
	size, err = io.Copy(f, io.LimitReader(in, limit+1))
	switch {
	case errors.As(err, new(*http.MaxBytesError)) || err == nil && size > limit:
		msg := fmt.Sprintf("the file is over this server's limit of %s%s: split it, or import it with rapport import", tabular.ByteSize(limit), unit)
		return "", 0, &rapport.Error{Code: rapport.ETOOLARGE, Field: "file", Fields: map[string]string{"file": msg}, Message: msg}
	case err != nil && unit != "":
		return "", 0, rapport.FieldError("file", "the gzipped file is damaged or cut short: %v", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "", 0, rapport.FieldError("file", "the upload was cut short; send the file again")
	case err != nil:
		return "", 0, err
	case size == 0:
		return "", 0, rapport.FieldError("file", "the file is empty")
	}
	if err := checkText(f); err != nil {
		return "", 0, err
	}
	if err := f.Close(); err != nil {
		return "", 0, err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return "", 0, err
	}
	return rapport.UploadPrefix + id, size, nil
}

// checkText refuses a file whose start holds NUL bytes: a spreadsheet, a picture or
// UTF-16 text, none of which Rapport reads.
func checkText(f *os.File) error {
	head := make([]byte, 64<<10)
	n, err := f.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	if err := tabular.CheckText(head[:n]); err != nil {
		return rapport.FieldError("file", "%v", err)
	}
	return nil
}

// UploadPath is where the uploaded file of an import is kept in dir.
func UploadPath(dir string, imp *rapport.Import) (string, error) {
	id, err := rapport.ParseID(strings.TrimPrefix(imp.File, rapport.UploadPrefix))
	if err != nil || !strings.HasPrefix(imp.File, rapport.UploadPrefix) {
		return "", fmt.Errorf("the import %s is not of an uploaded file", imp.ID)
	}
	return filepath.Join(dir, id.String()), nil
}

// OpenRows opens a file to import through the mapping m. A file in Rapport's own shape
// (m nil) is decoded an object at a time, so it is not flattened into columns first,
// which only a mapping reads: that took a third of an import's CPU.
func OpenRows(r io.Reader, m *mapping.Mapping, opt tabular.Options) (*tabular.Rows, error) {
	opt.Unflattened = m == nil
	return tabular.Open(r, opt)
}

// Import reads rows through the mapping m (nil for Rapport's own shape) as
// ImportCustomers or ImportInteractions, as kind says, after checking that the file has
// the columns the mapping names.
func Import(ctx context.Context, kind string, rows *tabular.Rows, m *mapping.Mapping, svc rapport.ImportService, s rapport.Scope, opt Options) (Result, error) {
	if err := CheckHeader(m, rows); err != nil {
		return Result{}, err
	}
	if kind == mapping.Customers {
		return ImportCustomers(ctx, rows, m, svc, s, opt)
	}
	return ImportInteractions(ctx, rows, m, svc, s, opt)
}
