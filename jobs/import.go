package jobs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/ingest"
	"github.com/rapportckm/rapport/mapping"
	"github.com/rapportckm/rapport/tabular"
)

// Importer runs the imports of files uploaded through the web app and the API (jobs
// of kind rapport.JobImport, whose argument is the import's id), each as the user who
// uploaded it, so that walls and roles apply as they would to them. Every batch records
// where it ends in the file, so a job that stops at any point, even with its process
// killed, resumes there when it runs again.
type Importer struct {
	Store interface {
		rapport.ImportService
		rapport.UserService
	}
	Uploads   string // the directory ingest.SaveUpload keeps uploads in
	BatchSize int    // rows written per transaction; ingest's default when 0
	Addr      string // this host, for the audit trail
}

// Run is the Handler of rapport.JobImport.
func (im *Importer) Run(ctx context.Context, job *rapport.Job) (string, error) {
	id, err := rapport.ParseID(job.Arg)
	if err != nil {
		return "", fmt.Errorf("the job's argument %q is not the id of an import", job.Arg)
	}
	system := rapport.JobScope(im.Addr)
	imp, err := im.Store.FindImport(ctx, system, id)
	if err != nil {
		return "", err
	}
	path, err := ingest.UploadPath(im.Uploads, imp)
	if err != nil {
		return "", err
	}
	if imp.Done { // finished before its job could say so
		os.Remove(path)
		return imp.Name + ": done already", nil
	}
	user, err := im.Store.FindUserByID(ctx, system, imp.UserID)
	if err != nil {
		return "", err
	}
	if !user.Active {
		return "", fmt.Errorf("%s, who started the import, is no longer active: ask an admin to import the file", user.Name)
	}
	scope := rapport.StaffScope(user, "job", im.Addr)
	var m *mapping.Mapping
	if imp.Mapping != "" {
		if m, err = mapping.Parse([]byte(imp.Mapping)); err != nil {
			return "", err
		}
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("the uploaded file is not in this server's upload directory (%s); servers that share a database must share their data directory too", im.Uploads)
	} else if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := im.Store.StartImport(ctx, scope, imp); err != nil { // imp now says where it stopped
		return "", err
	}
	rows, err := ingest.OpenRows(f, m, tabular.Options{Format: tabular.FormatOf(imp.Name), Offset: imp.Offset, Line: imp.Line})
	if err != nil {
		return "", err
	}
	opt := ingest.Options{Source: imp.Source, BatchSize: im.BatchSize, Import: imp}
	res, err := ingest.Import(ctx, imp.Kind, rows, m, im.Store, scope, opt)
	if err != nil {
		return "", err
	}
	if err := im.Store.FinishImport(ctx, scope, imp.ID); err != nil {
		return "", err
	}
	f.Close()
	os.Remove(path) // the rejected rows are kept in the database; a file left behind only takes space
	imp.Add(res.IngestResult)
	return imp.Name + ": " + imp.Totals(), nil
}
