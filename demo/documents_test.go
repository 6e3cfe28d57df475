package demo_test

import (
	"bytes"
	"image"
	_ "image/png"
	"io"
	"regexp"
	"strconv"
	"testing"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/demo"
	"github.com/rapportckm/rapport/sqldb/sqldbtest"
)

// TestAttachments: with a store, the demo attaches PDFs whose cross-reference table
// points where it should, and PNG scans that decode, to letters and documents only.
func TestAttachments(t *testing.T) {
	db := sqldbtest.SQLite(t)
	store, err := blob.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sum := mustFill(t, db, demo.Options{Customers: 200, Seed: 42, End: end, Password: "correct horse battery", Attachments: store})
	if sum.Attachments < 5 {
		t.Fatalf("got %d attachments, want some", sum.Attachments)
	}
	kinds := map[string]int{}
	seen := 0
	for _, c := range allCustomers(t, db, system) {
		for _, in := range ownInteractions(t, db, c.ID) {
			for _, a := range in.Attachments {
				seen++
				if in.Type != "letter" && in.Type != "document" {
					t.Errorf("%s attached to a %s", a.Name, in.Type)
				}
				rc, _, err := store.Open(ctx, a.StorageKey)
				if err != nil {
					t.Fatal(err)
				}
				content, _ := io.ReadAll(rc)
				rc.Close()
				if got := rapport.SniffContentType(content); got != a.ContentType {
					t.Errorf("%s: sniffed %s, recorded %s", a.Name, got, a.ContentType)
				}
				kinds[a.ContentType]++
				switch a.ContentType {
				case "image/png":
					if _, _, err := image.Decode(bytes.NewReader(content)); err != nil {
						t.Errorf("%s does not decode: %v", a.Name, err)
					}
				case "application/pdf":
					m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(content)
					if m == nil {
						t.Fatalf("%s has no startxref", a.Name)
					}
					at, _ := strconv.Atoi(string(m[1]))
					if !bytes.HasPrefix(content[at:], []byte("xref\n")) {
						t.Errorf("%s: startxref %d does not point at the xref table", a.Name, at)
					}
					for i, off := range regexp.MustCompile(`(\d{10}) 00000 n`).FindAllSubmatch(content, -1) {
						o, _ := strconv.Atoi(string(off[1]))
						if want := strconv.Itoa(i+1) + " 0 obj"; !bytes.HasPrefix(content[o:], []byte(want)) {
							t.Errorf("%s: object %d is not at offset %d", a.Name, i+1, o)
						}
					}
				default:
					t.Errorf("%s is %s, want a PDF or a PNG", a.Name, a.ContentType)
				}
			}
		}
	}
	if seen != sum.Attachments || kinds["image/png"] == 0 || kinds["application/pdf"] == 0 {
		t.Errorf("found %d attachments (%v), want %d of both kinds", seen, kinds, sum.Attachments)
	}
}
