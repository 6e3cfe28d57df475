package sqldbtest

import (
	"errors"
	"testing"

	"github.com/rapportckm/rapport"
)

// testNoteTemplates: a structured note keeps its sections in the template's order and
// writes its body from them; feedback can be logged from a note of the same customer
// that the author of the feedback may read, and no other.
func testNoteTemplates(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Visit", "ana@example.com")
	bo := mustPerson(t, db, "Bo", "Other", "bo@example.com")
	fieldsOf := func(err error) map[string]string {
		var e *rapport.Error
		if !errors.As(err, &e) || e.Code != rapport.EINVALID {
			t.Fatalf("want an invalid-input error, got %v", err)
		}
		return e.Fields
	}

	visit := &rapport.Note{CustomerID: ana.ID, Visibility: rapport.VisibilityStaff, Template: "visit", Sections: []rapport.NoteSection{
		{Key: "next", Text: "Send the quote by Friday"},
		{Key: "said", Text: "- The forklift app logs them out every hour\r\n\n• Wants invoices per site"},
		{Key: "observed", Text: "   "},
	}}
	must(t, db.CreateNote(ctx, f.sales, visit))
	got, err := db.FindNoteByID(ctx, f.sales, visit.ID)
	must(t, err)
	want := "What they said\n- The forklift app logs them out every hour\n\n• Wants invoices per site\n\nNext steps\nSend the quote by Friday"
	if got.Template != "visit" || got.Body != want {
		t.Errorf("body %q, want %q", got.Body, want)
	}
	if len(got.Sections) != 2 || got.Sections[0].Key != "said" || got.Sections[1].Key != "next" {
		t.Errorf("sections %+v: in the template's order, empty ones left out", got.Sections)
	}
	parts := got.Parts()
	if len(parts) != 2 || parts[0].Title != "What they said" || !parts[0].Feedback || parts[1].Feedback ||
		len(parts[0].Lines) != 2 || parts[0].Lines[0] != "The forklift app logs them out every hour" || parts[0].Lines[1] != "Wants invoices per site" {
		t.Errorf("parts %+v", parts)
	}

	for _, bad := range []struct {
		note  rapport.Note
		field string
	}{
		{rapport.Note{Template: "picnic", Sections: []rapport.NoteSection{{Key: "said", Text: "x"}}}, "template"},
		{rapport.Note{Template: "meeting", Sections: []rapport.NoteSection{{Key: "observed", Text: "x"}}}, "sections"},
		{rapport.Note{Template: "visit", Sections: []rapport.NoteSection{{Key: "said", Text: " "}}}, "sections"},
		{rapport.Note{Template: "visit", Sections: []rapport.NoteSection{{Key: "said", Text: "a"}, {Key: "said", Text: "b"}}}, "sections.said"},
		{rapport.Note{Body: "free", Sections: []rapport.NoteSection{{Key: "said", Text: "x"}}}, "sections"},
	} {
		n := bad.note
		n.CustomerID, n.Visibility = ana.ID, rapport.VisibilityStaff
		if fields := fieldsOf(db.CreateNote(ctx, f.sales, &n)); fields[bad.field] == "" {
			t.Errorf("%+v: errors %v, want one on %s", bad.note, fields, bad.field)
		}
	}

	// Changing the sections writes the body again.
	sections := []rapport.NoteSection{{Key: "aim", Text: "Run three sites from one office"}}
	updated, err := db.UpdateNote(ctx, f.sales, visit.ID, rapport.NoteUpdate{Sections: &sections})
	must(t, err)
	if updated.Body != "What the customer is trying to achieve\nRun three sites from one office" {
		t.Errorf("after the update: %q", updated.Body)
	}

	// Feedback from a line of the note.
	fb := &rapport.Feedback{CustomerID: ana.ID, Kind: "need", Text: "Run three sites from one office", NoteID: visit.ID}
	_, err = db.CreateFeedback(ctx, f.deals, fb)
	must(t, err)
	stored, err := db.FindFeedbackByID(ctx, f.sales, fb.ID)
	must(t, err)
	if stored.NoteID != visit.ID {
		t.Errorf("feedback's note %v, want %v", stored.NoteID, visit.ID)
	}
	private := &rapport.Note{CustomerID: ana.ID, Visibility: rapport.VisibilityPrivate, Body: "My own card"}
	must(t, db.CreateNote(ctx, f.sales, private))
	for name, c := range map[string]struct {
		customer, note rapport.ID
	}{
		"another customer's note":        {bo.ID, visit.ID},
		"a note the author may not read": {ana.ID, private.ID},
		"no note":                        {ana.ID, rapport.NewID()},
	} {
		_, err := db.CreateFeedback(ctx, f.deals, &rapport.Feedback{CustomerID: c.customer, Kind: "need", Text: "x", NoteID: c.note})
		if fieldsOf(err)["note_id"] == "" {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Deleting the note keeps the feedback.
	must(t, db.DeleteNote(ctx, f.sales, visit.ID))
	stored, err = db.FindFeedbackByID(ctx, f.sales, fb.ID)
	must(t, err)
	if !stored.NoteID.IsZero() {
		t.Errorf("the deleted note is still named: %v", stored.NoteID)
	}
}
