package sqldbtest

import (
	"strings"
	"testing"
	"time"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/sqldb"
)

// mustInteraction logs a call with a customer.
func mustInteraction(t *testing.T, db *sqldb.DB, s rapport.Scope, c *rapport.Customer, summary string, attachments ...*rapport.Attachment) *rapport.Interaction {
	t.Helper()
	in := &rapport.Interaction{CustomerID: c.ID, Type: "letter", Channel: "post", OccurredAt: time.Now().Add(-time.Hour), Summary: summary,
		Attachments: attachments}
	if err := db.CreateInteraction(ctx, s, in); err != nil {
		t.Fatalf("log %s: %v", summary, err)
	}
	return in
}

// newAttachment describes a content as if it had been stored under a new key.
func newAttachment(name string) *rapport.Attachment {
	return &rapport.Attachment{Name: name, ContentType: "application/pdf", Size: 1234,
		SHA256: strings.Repeat("ab", 32), StorageKey: strings.ReplaceAll(rapport.NewID().String(), "-", "")}
}

// attachmentNames lists the names of the attachments of a page of interactions.
func attachmentNames(ins []*rapport.Interaction) []string {
	var out []string
	for _, in := range ins {
		for _, a := range in.Attachments {
			out = append(out, a.Name)
		}
	}
	return out
}

// testAttachments: attachments belong to interactions, so the walls of their
// customer hide them, merges carry them along and unmerges back, and deleting them,
// their interaction or their customer queues their contents for deletion.
func testAttachments(t *testing.T, open Opener) {
	f := newFixture(t, open)
	db := f.db
	ana := mustPerson(t, db, "Ana", "Silva", "ana@example.com")
	dup := mustPerson(t, db, "Ana", "Silva", "ana.silva@example.com")
	secret := mustPerson(t, db, "Sam", "Secret", "")
	mustWall(t, db, "Falcon", []rapport.ID{f.dealsTeam.ID}, secret)

	// Logged with an interaction, or added to one later.
	form := newAttachment("form.pdf")
	letter := mustInteraction(t, db, f.sales, ana, "Signed form received", form)
	if form.ID.IsZero() || form.InteractionID != letter.ID || form.CustomerID != ana.ID || form.AddedBy != f.sales.UserID {
		t.Errorf("attachment logged with its interaction: %+v", form)
	}
	scan := newAttachment("scan.png")
	scan.InteractionID = letter.ID
	must(t, db.CreateAttachment(ctx, f.sales, scan))

	got, err := db.FindAttachmentByID(ctx, f.sales, scan.ID)
	must(t, err)
	if got.Name != "scan.png" || got.StorageKey != scan.StorageKey || got.Size != 1234 || got.CustomerID != ana.ID || got.InteractionID != letter.ID {
		t.Errorf("FindAttachmentByID: %+v", got)
	}
	list, err := db.FindAttachments(ctx, f.sales, letter.ID)
	must(t, err)
	if len(list) != 2 || list[0].Name != "form.pdf" || list[1].Name != "scan.png" {
		t.Errorf("FindAttachments: %v, want form.pdf and scan.png, oldest first", attachmentNamesOf(list))
	}
	// The timeline, the API's interactions and one interaction carry them.
	page, _, err := db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	if names := attachmentNames(page); !eq(names, []string{"form.pdf", "scan.png"}) {
		t.Errorf("timeline attachments: %v", names)
	}
	profile, err := db.FindProfile(ctx, f.sales, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	if len(profile.Timeline) != 1 || len(profile.Timeline[0].Interaction.Attachments) != 2 {
		t.Errorf("profile timeline: %d entries, want 1 with 2 attachments", len(profile.Timeline))
	}
	one, err := db.FindInteractionByID(ctx, f.sales, letter.ID)
	must(t, err)
	if len(one.Attachments) != 2 {
		t.Errorf("FindInteractionByID: %d attachments, want 2", len(one.Attachments))
	}

	// Walls, roles and bad input.
	hidden := mustInteraction(t, db, f.deals, secret, "Walled letter", newAttachment("walled.pdf"))
	walledID := hidden.Attachments[0].ID
	_, err = db.FindAttachmentByID(ctx, f.sales, walledID)
	wantCode(t, err, rapport.ENOTFOUND)
	_, err = db.FindAttachments(ctx, f.sales, hidden.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	sneak := newAttachment("sneak.pdf")
	sneak.InteractionID = hidden.ID
	wantCode(t, db.CreateAttachment(ctx, f.sales, sneak), rapport.ENOTFOUND)
	wantCode(t, db.DeleteAttachment(ctx, f.sales, walledID), rapport.ENOTFOUND)
	_, err = db.FindAttachmentByID(ctx, f.deals, walledID)
	must(t, err)
	_, err = db.FindAttachmentByID(ctx, f.admin, walledID)
	must(t, err)
	analyst := newAttachment("analyst.pdf")
	analyst.InteractionID = letter.ID
	wantCode(t, db.CreateAttachment(ctx, f.loner, analyst), rapport.EFORBIDDEN)
	empty := newAttachment("empty.txt")
	empty.InteractionID, empty.Size = letter.ID, 0
	wantField(t, db.CreateAttachment(ctx, f.sales, empty), "file")
	again := newAttachment("again.pdf")
	again.InteractionID, again.StorageKey = letter.ID, scan.StorageKey
	wantCode(t, db.CreateAttachment(ctx, f.sales, again), rapport.ECONFLICT)
	wantField(t, db.CreateInteraction(ctx, f.sales, &rapport.Interaction{CustomerID: ana.ID, Type: "letter", Channel: "post",
		OccurredAt: time.Now(), Summary: "x", Attachments: []*rapport.Attachment{{Name: "no content"}}}), "file")

	// Reads are audited.
	events, _, err := db.FindAuditEvents(ctx, f.admin, rapport.AuditFilter{CustomerID: ana.ID, Entities: []string{"attachment"}, Action: "read"})
	must(t, err)
	if len(events) == 0 || events[0].UserID != f.sales.UserID {
		t.Errorf("audit events of reading an attachment: %d, want sam's", len(events))
	}

	// Merges carry attachments along with their interactions; unmerge takes them back.
	dupLetter := mustInteraction(t, db, f.sales, dup, "Letter to the other record", newAttachment("dup.pdf"))
	_, err = db.MergeCustomers(ctx, f.sales, ana.ID, dup.ID, rapport.MergeManual, 0)
	must(t, err)
	page, _, err = db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	if names := attachmentNames(page); len(names) != 3 {
		t.Errorf("attachments on the merged profile: %v, want 3", names)
	}
	moved, err := db.FindAttachmentByID(ctx, f.sales, dupLetter.Attachments[0].ID)
	must(t, err)
	if moved.CustomerID != ana.ID {
		t.Errorf("merged attachment belongs to %s, want Ana %s", moved.CustomerID, ana.ID)
	}
	_, err = db.UnmergeCustomer(ctx, f.sales, dup.ID)
	must(t, err)
	back, err := db.FindAttachmentByID(ctx, f.sales, dupLetter.Attachments[0].ID)
	must(t, err)
	if back.CustomerID != dup.ID {
		t.Errorf("after unmerge the attachment belongs to %s, want the duplicate %s", back.CustomerID, dup.ID)
	}

	// Deleting an attachment queues its content's deletion, and the job that does it.
	keys, err := db.ContentsToDelete(ctx, 100)
	must(t, err)
	if len(keys) != 0 {
		t.Fatalf("contents to delete before any deletion: %v", keys)
	}
	must(t, db.DeleteAttachment(ctx, f.sales, scan.ID))
	_, err = db.FindAttachmentByID(ctx, f.sales, scan.ID)
	wantCode(t, err, rapport.ENOTFOUND)
	page, _, err = db.FindInteractions(ctx, f.sales, rapport.InteractionFilter{CustomerID: ana.ID})
	must(t, err)
	if names := attachmentNames(page); !eq(names, []string{"form.pdf"}) {
		t.Errorf("timeline attachments after deleting the scan: %v, want the form alone", names)
	}
	keys, err = db.ContentsToDelete(ctx, 100)
	must(t, err)
	if !eq(keys, []string{scan.StorageKey}) {
		t.Errorf("contents to delete: %v, want the scan's %s", keys, scan.StorageKey)
	}
	jobs, err := db.FindJobs(ctx, f.admin, rapport.JobPurgeAttachments, 10)
	must(t, err)
	if len(jobs) != 1 || jobs[0].State != rapport.JobQueued {
		t.Errorf("purge jobs: %d, want one queued", len(jobs))
	}
	must(t, db.ContentsDeleted(ctx, keys))
	if keys, _ = db.ContentsToDelete(ctx, 100); len(keys) != 0 {
		t.Errorf("contents to delete once deleted: %v", keys)
	}

	// Deleting a customer queues the contents of all their attachments, and only theirs.
	must(t, db.DeleteCustomer(ctx, f.admin, ana.ID))
	keys, err = db.ContentsToDelete(ctx, 100)
	must(t, err)
	if !eq(keys, []string{form.StorageKey}) {
		t.Errorf("contents to delete with Ana: %v, want her form's %s", keys, form.StorageKey)
	}
	if _, err := db.FindAttachmentByID(ctx, f.sales, dupLetter.Attachments[0].ID); err != nil {
		t.Errorf("the other record's attachment after Ana was deleted: %v", err)
	}
}

func attachmentNamesOf(as []*rapport.Attachment) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
	}
	return out
}
