package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/rapportckm/rapport"
)

// noteForm is the page of a structured note: a visit report, meeting notes or an
// interview, one box per section of its template.
type noteForm struct {
	Customer   *rapport.Customer
	Template   *rapport.NoteTemplate
	Visibility []option
	Form       url.Values
	Errors     map[string]string
}

func (s *Server) handleNoteNew(w http.ResponseWriter, r *http.Request, c *call) error {
	if r.URL.Query().Get("template") == "" { // a plain note is written on the profile
		id, err := pathID(r, "id", "customer")
		if err != nil {
			return err
		}
		http.Redirect(w, r, "/customers/"+id.String()+"#add-note", http.StatusSeeOther)
		return nil
	}
	return s.renderNoteForm(w, r, c, http.StatusOK, r.URL.Query(), nil)
}

// renderNoteForm shows the form of the template named in form, with what was typed and
// the errors of a refused attempt.
func (s *Server) renderNoteForm(w http.ResponseWriter, r *http.Request, c *call, status int, form url.Values, err error) error {
	id, perr := pathID(r, "id", "customer")
	if perr != nil {
		return perr
	}
	t := rapport.FindNoteTemplate(form.Get("template"))
	if t == nil {
		return rapport.FieldError("template", "template %q is unknown; choose a visit report, meeting notes or an interview", form.Get("template"))
	}
	customer, ferr := s.Store.FindCustomerByID(r.Context(), c.scope, id)
	if ferr != nil {
		return ferr
	}
	page := &customerPage{Teams: c.user.Teams}
	page.setForms(form, "note")
	errs := fieldErrors(err)
	// Each section's own mistakes are shown at its box, not all at the top.
	var e *rapport.Error
	if errors.As(err, &e) {
		for field, msg := range e.Fields {
			if strings.HasPrefix(field, "sections.") {
				msg = sentence(msg)
				errs[field] = msg
				if errs["sections"] == msg {
					delete(errs, "sections")
				}
			}
		}
	}
	return s.render(w, r, status, "note_form", c, t.Title+" · "+customer.Name, noteForm{Customer: customer, Template: t,
		Visibility: page.Visibility, Form: form, Errors: errs})
}

// structuredNote reads a structured note's sections from the form: one field
// "section.KEY" per section of its template.
func structuredNote(form url.Values, n *rapport.Note) {
	n.Template = form.Get("template")
	if t := rapport.FindNoteTemplate(n.Template); t != nil {
		for _, def := range t.Sections {
			n.Sections = append(n.Sections, rapport.NoteSection{Key: def.Key, Text: form.Get("section." + def.Key)})
		}
	}
}
