package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
	"github.com/rapportckm/rapport/thousands"
)

// An upload is a file sent to import later, stored in the upload directory, and the
// fields of the form it came with.
type upload struct {
	File   string // as ingest.SaveUpload names it; "" when no file came
	Name   string // the file's name on the sender's side
	Size   int64
	Fields map[string]string
}

// uploadFields are the parts of a form that may come with a file, and the most each
// may hold.
var uploadFields = map[string]int64{"kind": 100, "source": 100, "mapping": 1 << 20}

// receiveUpload stores the file sent as the body, or as the part "file" of a
// multipart form whose other parts are uploadFields, in any order. Problems with the
// form are one error, field by field, returned with the fields read (to show the form
// again); a file stored before one was found is removed.
func (s *Server) receiveUpload(w http.ResponseWriter, r *http.Request, body io.Reader) (*upload, error) {
	if s.UploadDir == "" {
		return nil, errors.New("the server has no upload directory")
	}
	up := &upload{Fields: map[string]string{}}
	body = keepReading(w, body)
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		var err error
		up.File, up.Size, err = ingest.SaveUpload(s.UploadDir, body, s.MaxUploadBytes)
		return up, err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, rapport.Errorf(rapport.EINVALID, "the multipart body could not be read: %v", err)
	}
	p := rapport.Problems{}
	var tooLarge error
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			s.removeUpload(up.File)
			up.File = ""
			if tooBig := bodyError(err); tooBig != err {
				return up, tooBig
			}
			return up, rapport.Errorf(rapport.EINVALID, "the multipart body could not be read: %v", err)
		}
		name := part.FormName()
		switch max, ok := uploadFields[name]; {
		case name == "file" && up.File == "" && part.FileName() != "": // a form sent without a file has the part, empty
			up.Name = cleanFileName(part.FileName())
			up.File, up.Size, err = ingest.SaveUpload(s.UploadDir, part, s.MaxUploadBytes)
			if rapport.ErrorCode(err) == rapport.ETOOLARGE {
				tooLarge = err
			}
			if err != nil && rapport.ErrorCode(err) != rapport.EINTERNAL {
				p.Add("file", "%s", rapport.ErrorMessage(err))
			} else if err != nil {
				return up, err
			}
		case ok:
			text, err := io.ReadAll(io.LimitReader(part, max+1))
			if err != nil {
				s.removeUpload(up.File)
				up.File = ""
				return up, bodyError(err)
			}
			if int64(len(text)) > max {
				p.Add(name, "%s is over %s", name, tabular.ByteSize(max))
			}
			up.Fields[name] = string(text)
		case name != "file":
			p.Add(name, "the form has no field %q: its fields are file, kind, source and mapping", name)
		}
	}
	if up.File == "" {
		p.Add("file", "choose a file to import: CSV, NDJSON or JSON, optionally gzipped")
	}
	if err := p.Err(); err != nil {
		s.removeUpload(up.File)
		up.File = ""
		if tooLarge != nil && len(p) == 1 {
			return up, tooLarge // 413 rather than 400
		}
		return up, err
	}
	return up, nil
}

func (s *Server) removeUpload(file string) {
	if file == "" {
		return
	}
	if path, err := ingest.UploadPath(s.UploadDir, &rapport.Import{File: file}); err == nil {
		os.Remove(path)
	}
}

// cleanFileName keeps the last element of a name a browser sent (some send a whole
// path), shortened to what an import's name holds.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	for utf8.RuneCountInString(name) > 200 {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	return name
}

// keepReading lets an upload take as long as its bytes keep coming: the server's
// read and write timeouts, counted from the start of the request, would cut a large
// one off on a slow line.
func keepReading(w http.ResponseWriter, r io.Reader) io.Reader {
	return &deadlineReader{r: r, rc: http.NewResponseController(w)}
}

type deadlineReader struct {
	r    io.Reader
	rc   *http.ResponseController
	next time.Time
}

func (d *deadlineReader) Read(p []byte) (int, error) {
	if now := time.Now(); now.After(d.next) {
		d.rc.SetReadDeadline(now.Add(2 * time.Minute))
		d.rc.SetWriteDeadline(now.Add(3 * time.Minute))
		d.next = now.Add(10 * time.Second)
	}
	return d.r.Read(p)
}

// openUpload opens the file of an uploaded import.
func (s *Server) openUpload(imp *rapport.Import) (*os.File, error) {
	path, err := ingest.UploadPath(s.UploadDir, imp)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, rapport.Errorf(rapport.ENOTFOUND, "the file of this import is no longer on the server: upload it again")
	}
	return f, err
}

// uploadMapping reads the mapping of an uploaded import: text, or when text is blank,
// the mapping proposed from the file's first rows, or none for a file in Rapport's own
// shape. It returns the mapping's text as it is to be stored, with the error (field
// "mapping") that keeps it from being used, and the file's columns.
func uploadMapping(f *os.File, imp *rapport.Import, text string) (*mapping.Mapping, string, []string, error) {
	format, header, sample, err := ingest.Sample(f, tabular.FormatOf(imp.Name))
	if err != nil {
		return nil, text, nil, rapport.FieldError("file", "the file could not be read: %v", err)
	}
	if strings.TrimSpace(text) == "" {
		m, proposed, err := ingest.ChooseMapping(imp.Kind, format, header, sample)
		if err != nil {
			return nil, string(proposed), header, rapport.FieldError("mapping", "%s", rapport.ErrorMessage(err))
		}
		return m, string(proposed), header, nil
	}
	m, err := mapping.Parse([]byte(text))
	switch {
	case err != nil:
		return nil, text, header, rapport.FieldError("mapping", "%s", strings.TrimPrefix(err.Error(), "mapping: "))
	case m.Record != imp.Kind:
		return nil, text, header, rapport.FieldError("mapping", "the mapping says record: %s, and the file holds %s", m.Record, imp.Kind)
	}
	if header != nil {
		if err := ingest.CheckColumns(m, header); err != nil {
			return nil, text, header, rapport.FieldError("mapping", "%s", rapport.ErrorMessage(err))
		}
	}
	return m, text, header, nil
}

// importStatus is an import with its progress worked out, as pages and the API show it.
type importStatus struct {
	*rapport.Import
	Share         float64 `json:"share"`                     // of the file read, from 0 to 1
	RowsPerSecond float64 `json:"rows_per_second,omitempty"` // in the current run
	SecondsLeft   *int    `json:"seconds_left,omitempty"`    // at that pace
}

func newImportStatus(imp *rapport.Import) importStatus {
	st := importStatus{Import: imp, Share: imp.Share()}
	if rate, left, ok := imp.Pace(); ok && (imp.State == rapport.ImportRunning || imp.State == rapport.ImportDone) {
		st.RowsPerSecond = float64(int(rate*10)) / 10
		if left > 0 {
			secs := int(left.Round(time.Second).Seconds())
			st.SecondsLeft = &secs
		}
	}
	return st
}

func statusesOf(imports []*rapport.Import) []importStatus {
	out := make([]importStatus, len(imports))
	for i, imp := range imports {
		out[i] = newImportStatus(imp)
	}
	return out
}

// Active reports whether the import is waiting or running, for pages to follow it.
func (st importStatus) Active() bool {
	return st.State == rapport.ImportQueued || st.State == rapport.ImportRunning
}

// Rate is RowsPerSecond, whole, for pages.
func (st importStatus) Rate() int { return int(st.RowsPerSecond) }

// Left says how long the import has to go, in words.
func (st importStatus) Left() string {
	if st.SecondsLeft == nil {
		return ""
	}
	d := time.Duration(*st.SecondsLeft) * time.Second
	switch {
	case d < time.Minute:
		return "less than a minute"
	case d < time.Hour:
		return "about " + thousands.Count(int(d.Minutes()+0.5), "minute")
	}
	return fmt.Sprintf("about %s %s", thousands.Count(int(d.Hours()), "hour"), thousands.Count(int(d.Minutes())%60, "minute"))
}
