package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/rapportckm/rapport"
	"github.com/rapportckm/rapport/blob"
	"github.com/rapportckm/rapport/thousands"
)

// attachmentShare is the share of customers whose letters and documents come with
// their files: a PDF of the letter or contract, or a scan of a signed form.
const attachmentShare = 0.05

// writeAttachments attaches generated files to some customers' letters and documents,
// when Options.Attachments gives a store to keep them in.
func (f *filler) writeAttachments(ctx context.Context) error {
	if f.opts.Attachments == nil {
		return nil
	}
	r := f.rand(streamAttachments)
	for _, c := range f.pop.customers {
		if !chance(r, attachmentShare) {
			continue
		}
		page, _, err := f.store.FindInteractions(ctx, f.system, rapport.InteractionFilter{CustomerID: c.id,
			Types: []rapport.InteractionType{"letter", "document"}, Limit: 3})
		if err != nil {
			return fmt.Errorf("letters of %s: %w", c.name, err)
		}
		for _, in := range page {
			name, content := f.document(r, c, in)
			if err := f.attach(ctx, in, name, content); err != nil {
				return fmt.Errorf("attach %s to %s: %w", name, c.name, err)
			}
		}
	}
	f.log("attachments: %s", thousands.Int(f.sum.Attachments))
	return nil
}

// document makes the file of a letter or document: a PDF of its text, or for some
// signed documents, a scan of the signed page.
func (f *filler) document(r *rand.Rand, c *entry, in *rapport.Interaction) (string, []byte) {
	day := in.OccurredAt.Format("2006-01-02")
	slug := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, strings.ToLower(in.Summary))
	if in.Type == "document" && chance(r, 0.5) {
		return fmt.Sprintf("scan-%s-%s.png", slug, day), scannedForm(r)
	}
	lines := []string{
		"Nordlicht Workplace Supplies", "",
		in.OccurredAt.Format("2 January 2006"), "",
		"To: " + c.name, "",
		"Re: " + in.Summary, "",
		"Dear " + c.name + ",", "",
		"Please find enclosed the details of the matter above.",
		"Should you have any questions, call us or reply to this letter.", "",
		"Kind regards,", "Customer Service",
	}
	return fmt.Sprintf("%s-%s.pdf", slug, day), letterPDF(lines)
}

// attach stores content and records it as an attachment of in.
func (f *filler) attach(ctx context.Context, in *rapport.Interaction, name string, content []byte) error {
	key := blob.NewKey()
	if _, err := f.opts.Attachments.Put(ctx, key, bytes.NewReader(content)); err != nil {
		return err
	}
	sum := sha256.Sum256(content)
	a := &rapport.Attachment{InteractionID: in.ID, Name: name, ContentType: rapport.SniffContentType(content),
		Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), StorageKey: key}
	if err := f.store.CreateAttachment(ctx, f.system, a); err != nil {
		f.opts.Attachments.Delete(ctx, key)
		return err
	}
	f.sum.Attachments++
	return nil
}

// letterPDF writes a one-page A4 PDF holding lines of text in Helvetica: the smallest
// valid PDF a viewer shows, written by hand with its cross-reference table.
func letterPDF(lines []string) []byte {
	var text strings.Builder
	text.WriteString("BT /F1 11 Tf 14 TL 72 770 Td\n")
	for i, line := range lines {
		if i == 0 {
			text.WriteString("/F1 16 Tf ")
		} else if i == 1 {
			text.WriteString("/F1 11 Tf ")
		}
		text.WriteString("(" + pdfString(line) + ") Tj T*\n")
	}
	text.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", text.Len(), text.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

// pdfString escapes text for a PDF string in WinAnsi: characters it lacks become '?'.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x80:
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// scannedForm draws a scan of a signed form: a slightly grey page with ruled fields,
// filled in by hand, a ticked box, a signature and a stamp.
func scannedForm(r *rand.Rand) []byte {
	const w, h = 420, 594 // A4 at 50 dpi
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{246, 244, 238, 255}}, image.Point{}, draw.Src)
	ink := color.RGBA{40, 40, 48, 255}
	pen := color.RGBA{30, 60, 150, 255}
	rect := func(x0, y0, x1, y1 int, c color.Color) {
		draw.Draw(img, image.Rect(x0, y0, x1, y1), &image.Uniform{c}, image.Point{}, draw.Src)
	}
	// A heading bar and the form's fields.
	rect(30, 30, w-30, 58, color.RGBA{70, 70, 80, 255})
	for i := range 9 {
		y := 100 + i*40
		rect(30, y, 110, y+6, color.RGBA{150, 150, 150, 255}) // the label
		rect(120, y+16, w-30, y+17, ink)                      // the line to write on
		// Handwriting: a wavy line of varying length on the field's line.
		length := 80 + r.IntN(w-190)
		phase, amp := r.Float64()*6, 3+r.Float64()*3
		for x := 0; x < length; x++ {
			yy := y + 10 + int(amp*math.Sin(phase+float64(x)/4)*math.Sin(float64(x)/23))
			img.Set(124+x, yy, pen)
			img.Set(124+x, yy+1, pen)
		}
	}
	// The box ticked, the signature and the stamp.
	rect(30, 470, 46, 471, ink)
	rect(30, 486, 46, 487, ink)
	rect(30, 470, 31, 487, ink)
	rect(45, 470, 46, 487, ink)
	for i := range 8 {
		img.Set(33+i, 478+i/2, pen)
		img.Set(41+i, 482-i, pen)
	}
	for x := 0; x < 140; x++ {
		y := 530 + int(10*math.Sin(float64(x)/7)*math.Cos(float64(x)/19))
		img.Set(60+x, y, pen)
		img.Set(60+x, y+1, pen)
	}
	cx, cy, rad := float64(w-90), 520.0, 42.0
	for a := 0.0; a < 2*math.Pi; a += 0.005 {
		for d := 0.0; d < 3; d++ {
			img.Set(int(cx+(rad-d)*math.Cos(a)), int(cy+(rad-d)*math.Sin(a)), color.RGBA{190, 40, 40, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
