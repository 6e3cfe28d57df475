package web

import (
	"net/http"

	"github.com/rapportckm/rapport"
)

type accountPage struct {
	Tokens    []*rapport.Token
	NewSecret string // shown once, right after the token is made
	NewToken  string
	Errors    map[string]string
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, c *call, status int, page accountPage) error {
	tokens, err := s.Store.FindTokens(r.Context(), c.scope, c.user.ID)
	if err != nil {
		return err
	}
	page.Tokens = tokens
	return s.render(w, r, status, "account", c, "Your account", page)
}

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request, c *call) error {
	return s.renderAccount(w, r, c, http.StatusOK, accountPage{})
}

func (s *Server) handleAccountPassword(w http.ResponseWriter, r *http.Request, c *call) error {
	password := r.PostFormValue("password")
	var err error
	if _, aerr := s.Store.Authenticate(r.Context(), c.user.Email, r.PostFormValue("current"), s.clientAddr(r)); aerr != nil {
		err = rapport.FieldError("current", "%s", rapport.ErrorMessage(aerr))
	} else if password != r.PostFormValue("password2") {
		err = rapport.FieldError("password2", "the two new passwords differ")
	} else {
		err = s.setPassword(w, r, c, c.user.ID, password)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderAccount(w, r, c, http.StatusBadRequest, accountPage{Errors: fieldErrors(err)})
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "Your password was changed, and you were signed out everywhere else.")
}

func (s *Server) handleAccountTokenCreate(w http.ResponseWriter, r *http.Request, c *call) error {
	t, secret, err := s.Store.CreateToken(r.Context(), c.scope, c.user.ID, r.PostFormValue("name"))
	if rapport.ErrorCode(err) == rapport.EINVALID {
		return s.renderAccount(w, r, c, http.StatusBadRequest, accountPage{Errors: fieldErrors(err)})
	} else if err != nil {
		return err
	}
	return s.renderAccount(w, r, c, http.StatusCreated, accountPage{NewSecret: secret, NewToken: t.Name})
}

func (s *Server) handleAccountTokenRevoke(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := pathID(r, "id", "token")
	if err != nil {
		return err
	}
	if err := s.Store.RevokeToken(r.Context(), c.scope, id); err != nil {
		return err
	}
	back := "/account"
	if user, err := rapport.ParseID(r.PostFormValue("user")); err == nil && user != c.user.ID {
		back = "/admin/users/" + user.String()
	}
	return s.redirect(w, r, back, "The token was revoked: it no longer works.")
}
