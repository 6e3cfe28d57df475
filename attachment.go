package rapport

import (
	"context"
	"image"
	_ "image/gif" // image.DecodeConfig checks GIFs, JPEGs and PNGs
	_ "image/jpeg"
	_ "image/png"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Attachment is a file attached to an interaction (a scanned form, a letter, a signed
// contract) or to a feedback item (a photo of the broken part). It belongs to the
// interaction's or the feedback's customer, and follows them through merges. Its content is kept in a blob store under StorageKey, a
// random key: never the content's hash, so that deleting one customer's copy of a file
// never removes another's, and never the file's name.
type Attachment struct {
	ID            ID     `json:"id"`
	InteractionID ID     `json:"interaction_id,omitzero"`
	FeedbackID    ID     `json:"feedback_id,omitzero"`
	CustomerID    ID     `json:"customer_id,omitzero"` // the interaction's or feedback's customer
	Name          string `json:"name"`                 // as given, cleaned by CleanFileName, for display and download
	// ContentType is sniffed from the content (SniffContentType), never taken from the
	// sender, and decides whether the file may be shown in the browser (Inline).
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"` // of the content, in hexadecimal
	StorageKey  string    `json:"-"`
	AddedBy     ID        `json:"added_by,omitzero"` // the staff user, zero for systems
	CreatedAt   time.Time `json:"created_at"`
}

// DefaultMaxAttachment is the largest file taken unless the server is told otherwise.
const DefaultMaxAttachment = 25 << 20

// MaxAttachmentsPerForm is how many files one form of the web app may carry.
const MaxAttachmentsPerForm = 10

// Validate checks an attachment's description before it is recorded.
func (a *Attachment) Validate() error {
	p := Problems{}
	if a.Name == "" {
		p.Add("name", "the file needs a name")
	}
	checkText(p, "name", a.Name, 200)
	if a.Size <= 0 {
		p.Add("file", "the file is empty: choose a file with something in it")
	}
	if a.ContentType == "" {
		p.Add("content_type", "the content type is missing")
	}
	if len(a.SHA256) != 64 {
		p.Add("sha256", "the SHA-256 must be 64 hexadecimal digits")
	}
	if a.StorageKey == "" {
		p.Add("storage_key", "the storage key is missing")
	}
	return p.Err()
}

// inlineTypes are the only contents a browser is asked to show rather than save:
// images it decodes, PDFs and plain text. HTML, SVG and everything else could run
// scripts or be mistaken for a page of Rapport's, and are always downloaded.
var inlineTypes = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true,
	"application/pdf": true, "text/plain": true,
}

// Inline reports whether the attachment may be shown in the browser.
func (a *Attachment) Inline() bool { return inlineTypes[a.ContentType] }

// IsImage reports whether the attachment is an image the browser may show.
func (a *Attachment) IsImage() bool {
	return strings.HasPrefix(a.ContentType, "image/") && inlineTypes[a.ContentType]
}

// IsPDF reports whether the attachment is a PDF.
func (a *Attachment) IsPDF() bool { return a.ContentType == "application/pdf" }

// SniffContentType tells what a content is from its first 512 bytes (more are
// ignored), with net/http's sniffing algorithm, without parameters: "image/png",
// "application/pdf", "text/plain", "text/html" … and "application/octet-stream" when
// it cannot tell. The name and type a sender claims are never consulted.
func SniffContentType(head []byte) string {
	ct, _, err := mime.ParseMediaType(http.DetectContentType(head))
	if err != nil {
		return "application/octet-stream"
	}
	return ct
}

// CheckImage confirms that content sniffed as a GIF, JPEG or PNG image has a header
// that decodes, reading as little of r as that takes; a file that only begins like one
// is "application/octet-stream", so that it is downloaded, never shown.
func CheckImage(contentType string, r io.Reader) string {
	switch contentType {
	case "image/gif", "image/jpeg", "image/png":
		if _, format, err := image.DecodeConfig(r); err != nil || "image/"+format != contentType {
			return "application/octet-stream"
		}
	}
	return contentType
}

// CleanFileName makes a name a sender gave fit to show and to offer as a download's
// name: its last element (browsers on some systems send a whole path), without control
// and formatting characters (a right-to-left override could disguise "gpj.exe" as
// "exe.jpg"), invalid UTF-8, or leading dots and spaces, at most 200 characters with
// its extension kept. An empty result is "attachment".
func CleanFileName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(name, "") {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.IsControl(r), unicode.In(r, unicode.Cf), r == utf8.RuneError:
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(strings.TrimSpace(b.String()), ". ")
	if n := utf8.RuneCountInString(name); n > 200 {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 20 {
			ext = ""
		}
		runes := []rune(strings.TrimSuffix(name, ext))
		name = string(runes[:200-utf8.RuneCountInString(ext)]) + ext
	}
	if name == "" || name == "/" {
		return "attachment"
	}
	return name
}

// AttachmentService keeps the descriptions of attachments; their contents are in a
// blob store. A content is written to the store before its attachment is recorded,
// and deleted from it after its attachment is gone: deleting an attachment, its
// interaction or its customer queues the content's key, in the same transaction, for a
// JobPurgeAttachments job to delete.
type AttachmentService interface {
	// CreateAttachment records a stored content as an attachment of a.InteractionID,
	// which must belong to a customer the scope sees, or of a.FeedbackID, which the
	// scope must see.
	CreateAttachment(ctx context.Context, s Scope, a *Attachment) error
	// FindAttachmentByID returns an attachment of an interaction of a visible customer,
	// and records the read.
	FindAttachmentByID(ctx context.Context, s Scope, id ID) (*Attachment, error)
	// FindAttachments lists an interaction's attachments, oldest first, and records the read.
	FindAttachments(ctx context.Context, s Scope, interactionID ID) ([]*Attachment, error)
	// FindFeedbackAttachments lists a visible feedback item's attachments, oldest first.
	FindFeedbackAttachments(ctx context.Context, s Scope, feedbackID ID) ([]*Attachment, error)
	// DeleteAttachment deletes an attachment and queues its content's deletion.
	DeleteAttachment(ctx context.Context, s Scope, id ID) error
	// ContentsToDelete returns up to n keys of contents whose attachments are gone.
	ContentsToDelete(ctx context.Context, n int) ([]string, error)
	// ContentsDeleted forgets keys whose contents have been deleted from the store.
	ContentsDeleted(ctx context.Context, keys []string) error
}

// JobPurgeAttachments is the kind of job that deletes from the blob store the contents
// of attachments that are gone.
const JobPurgeAttachments = "purge-attachments"

// SniffLen is how many bytes of a content to give SniffContentType.
const SniffLen = 512
