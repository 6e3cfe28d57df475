package web

import (
	"net/http"
	"time"

	"github.com/rapportckm/rapport"
)

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request, c *call) error {
	http.Redirect(w, r, "/customers", http.StatusSeeOther)
	return nil
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request, c *call) error {
	return rapport.Errorf(rapport.ENOTFOUND, "there is no page at %s", r.URL.Path)
}

type signInForm struct {
	Email, Next, Error string
}

func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request, c *call) error {
	next := safeNext(r.URL.Query().Get("next"))
	if c.user != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	if n, err := s.Store.CountUsers(r.Context()); err == nil && n == 0 {
		return s.render(w, r, http.StatusOK, "signin", c, "Sign in", signInForm{Next: next,
			Error: "No one can sign in yet: open the setup link that rapport serve printed when it started, to create the first admin."})
	}
	return s.render(w, r, http.StatusOK, "signin", c, "Sign in", signInForm{Next: next})
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request, c *call) error {
	form := signInForm{Email: r.PostFormValue("email"), Next: safeNext(r.PostFormValue("next"))}
	u, err := s.Store.Authenticate(r.Context(), form.Email, r.PostFormValue("password"), s.clientAddr(r))
	if err != nil {
		code := rapport.ErrorCode(err)
		if code != rapport.EUNAUTHORIZED && code != rapport.ERATELIMIT {
			return err
		}
		form.Error = sentence(rapport.ErrorMessage(err))
		return s.render(w, r, Status(err), "signin", c, "Sign in", form)
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	http.Redirect(w, r, form.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request, c *call) error {
	if cookie, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Store.DeleteSession(r.Context(), cookie.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -time.Second))
	return s.redirect(w, r, "/sign-in", "You have signed out.")
}

type setupForm struct {
	Secret, Name, Email string
	Errors              map[string]string
}

func (s *Server) handleSetupPage(w http.ResponseWriter, r *http.Request, c *call) error {
	if n, err := s.Store.CountUsers(r.Context()); err != nil {
		return err
	} else if n > 0 {
		return rapport.Errorf(rapport.ENOTFOUND, "setup is done: sign in instead")
	}
	return s.render(w, r, http.StatusOK, "setup", c, "Set up Rapport", setupForm{Secret: r.PathValue("secret")})
}

func (s *Server) handleSetup(w http.ResponseWriter, r *http.Request, c *call) error {
	form := setupForm{Secret: r.PathValue("secret"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email")}
	u := &rapport.User{Name: form.Name, Email: form.Email}
	password := r.PostFormValue("password")
	var err error
	if password != r.PostFormValue("password2") {
		err = rapport.FieldError("password2", "the two passwords differ")
	} else {
		err = s.Store.CompleteSetup(r.Context(), form.Secret, u, password, s.clientAddr(r))
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		form.Errors = fieldErrors(err)
		return s.render(w, r, http.StatusBadRequest, "setup", c, "Set up Rapport", form)
	} else if err != nil {
		return err
	}
	if err := s.startSession(w, r, u); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/users", "Welcome, "+u.Name+". You are the admin: add your colleagues and their teams.")
}
