package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/rapportckm/rapport"
)

// Customers' accounts on the help centre: sign-in and out, registration, e-mail
// verification, password reset, and the invitations and settings staff give.

type helpForm struct {
	Email, Name, Next, Token string
	Error                    string
	Errors                   map[string]string
	Done                     bool // the form was sent; say what happens next
	Registration             bool // visitors may register
	Account                  *rapport.PortalAccount
}

func (s *Server) portalMail(r *http.Request) rapport.PortalMail {
	return rapport.PortalMail{BaseURL: s.baseURL(r), Firm: s.Firm}
}

// startPortalSession signs the customer in on this browser.
func (s *Server) startPortalSession(w http.ResponseWriter, r *http.Request, a *rapport.PortalAccount) error {
	secret, err := s.Store.CreatePortalSession(r.Context(), a.ID, s.clientAddr(r), r.UserAgent())
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, portalSessionCookie, secret, 30*24*time.Hour))
	return nil
}

// helpNext keeps a ?next= redirect inside the help centre.
func helpNext(next string) string {
	next = safeNext(next)
	if next == "/help" || strings.HasPrefix(next, "/help/") {
		return next
	}
	return "/help/account"
}

func (s *Server) handleHelpSignInPage(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	next := helpNext(r.URL.Query().Get("next"))
	if c.account != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	ps, err := s.Store.PortalSettings(r.Context())
	if err != nil {
		return err
	}
	return s.renderHelp(w, r, c, http.StatusOK, "signin", "Sign in", "Sign in to the help centre.", helpForm{Next: next, Registration: ps.Registration})
}

func (s *Server) handleHelpSignIn(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	form := helpForm{Email: r.PostFormValue("email"), Next: helpNext(r.PostFormValue("next"))}
	a, err := s.Store.AuthenticateCustomer(r.Context(), form.Email, r.PostFormValue("password"), s.clientAddr(r))
	if err != nil {
		code := rapport.ErrorCode(err)
		if code != rapport.EUNAUTHORIZED && code != rapport.ERATELIMIT {
			return err
		}
		ps, _ := s.Store.PortalSettings(r.Context())
		form.Error, form.Registration = sentence(rapport.ErrorMessage(err)), ps.Registration
		return s.renderHelp(w, r, c, Status(err), "signin", "Sign in", "", form)
	}
	if err := s.startPortalSession(w, r, a); err != nil {
		return err
	}
	http.Redirect(w, r, form.Next, http.StatusSeeOther)
	return nil
}

func (s *Server) handleHelpSignOut(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	if cookie, err := r.Cookie(portalSessionCookie); err == nil {
		if err := s.Store.DeletePortalSession(r.Context(), cookie.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, s.cookie(r, portalSessionCookie, "", -time.Second))
	return s.redirect(w, r, "/help", "You have signed out.")
}

func (s *Server) handleHelpRegisterPage(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	ps, err := s.Store.PortalSettings(r.Context())
	if err != nil {
		return err
	}
	return s.renderHelp(w, r, c, http.StatusOK, "register", "Open an account", "Open an account in our help centre.", helpForm{Registration: ps.Registration})
}

func (s *Server) handleHelpRegister(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	form := helpForm{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Registration: true}
	err := s.Store.Register(r.Context(), s.clientAddr(r), rapport.Registration{Email: form.Email, Name: form.Name}, s.portalMail(r))
	switch rapport.ErrorCode(err) {
	case "":
		form.Done = true
		return s.renderHelp(w, r, c, http.StatusOK, "register", "Check your e-mail", "", form)
	case rapport.EINVALID:
		form.Errors = fieldErrors(err)
		return s.renderHelp(w, r, c, http.StatusBadRequest, "register", "Open an account", "", form)
	case rapport.EFORBIDDEN:
		form.Registration = false
		return s.renderHelp(w, r, c, http.StatusForbidden, "register", "Open an account", "", form)
	}
	return err
}

// handleHelpVerify sends a confirmation link mailed before confirming took choosing
// a password to the page where it does.
func (s *Server) handleHelpVerify(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	http.Redirect(w, r, "/help/password/"+url.PathEscape(r.PathValue("token")), http.StatusSeeOther)
	return nil
}

func (s *Server) handleHelpResetPage(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	return s.renderHelp(w, r, c, http.StatusOK, "reset", "Forgot your password?", "", helpForm{})
}

func (s *Server) handleHelpReset(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	form := helpForm{Email: r.PostFormValue("email"), Done: true}
	if err := s.Store.RequestPasswordReset(r.Context(), s.clientAddr(r), form.Email, s.portalMail(r)); err != nil {
		return err
	}
	return s.renderHelp(w, r, c, http.StatusOK, "reset", "Check your e-mail", "", form)
}

// helpDeadLink answers a link mailed to a customer that is unknown, used or expired:
// it says so, and offers a new one.
func (s *Server) helpDeadLink(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	d := struct{ Verify, Reset, Invite string }{lifetime(rapport.VerifyLinkLifetime), lifetime(rapport.ResetLinkLifetime), lifetime(rapport.InviteLinkLifetime)}
	return s.renderHelp(w, r, c, http.StatusNotFound, "link", "This link no longer works", "", d)
}

// lifetime says how long a link works, in words.
func lifetime(d time.Duration) string {
	switch h := int(d.Hours()); {
	case h == 1:
		return "an hour"
	case h > 48 && h%24 == 0:
		return fmt.Sprintf("%d days", h/24)
	default:
		return fmt.Sprintf("%d hours", h)
	}
}

func (s *Server) handleHelpPasswordPage(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	a, err := s.Store.CheckPasswordToken(r.Context(), r.PathValue("token"))
	if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return s.helpDeadLink(w, r, c)
	} else if err != nil {
		return err
	}
	return s.renderHelp(w, r, c, http.StatusOK, "password", "Choose a password", "", helpForm{Token: r.PathValue("token"), Account: a})
}

func (s *Server) handleHelpPassword(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	form := helpForm{Token: r.PathValue("token")}
	password := r.PostFormValue("password")
	var err error
	if password != r.PostFormValue("password2") {
		err = rapport.FieldError("password2", "the two passwords differ")
	}
	var a *rapport.PortalAccount
	if err == nil {
		a, err = s.Store.SetPasswordWithToken(r.Context(), s.clientAddr(r), form.Token, password)
	}
	if rapport.ErrorCode(err) == rapport.EINVALID {
		form.Errors = fieldErrors(err)
		form.Account, _ = s.Store.CheckPasswordToken(r.Context(), form.Token)
		return s.renderHelp(w, r, c, http.StatusBadRequest, "password", "Choose a password", "", form)
	} else if rapport.ErrorCode(err) == rapport.ENOTFOUND {
		return s.helpDeadLink(w, r, c)
	} else if err != nil {
		return err
	}
	if err := s.startPortalSession(w, r, a); err != nil {
		return err
	}
	return s.redirect(w, r, "/help/account", "Your password is set. You are signed in.")
}

// Staff: invite a customer to the portal, and the portal's settings.

func (s *Server) handlePortalInvite(w http.ResponseWriter, r *http.Request, c *call) error {
	id, err := rapport.ParseID(r.PathValue("id"))
	if err != nil {
		return rapport.NotFound("customer")
	}
	a, err := s.Store.InviteCustomer(r.Context(), c.scope, id, r.PostFormValue("email"), s.portalMail(r))
	if err != nil {
		return err
	}
	return s.redirect(w, r, "/customers/"+id.String(), "Invitation to the help centre sent to "+a.Email+".")
}

func (s *Server) handlePortalSettingsPage(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := rapport.Require(c.scope.IsAdmin(), "change the portal's settings"); err != nil {
		return err
	}
	ps, err := s.Store.PortalSettings(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "portal_settings", c, "Help centre settings", ps)
}

func (s *Server) handlePortalSettings(w http.ResponseWriter, r *http.Request, c *call) error {
	ps := rapport.PortalSettings{Registration: r.PostFormValue("registration") == "on"}
	if err := s.Store.SetPortalSettings(r.Context(), c.scope, ps); err != nil {
		return err
	}
	return s.redirect(w, r, "/admin/portal", "Help centre settings saved.")
}

// The signed-in customer's own page: profile, preferences, consents, feedback.

type helpAccount struct {
	Profile   *rapport.MyProfile
	Languages []helpLanguage
	Channels  []rapport.Channel
	Consent   map[rapport.Purpose]string // "yes", "no" or ""
	Errors    map[string]string
	// Questions are the customer's questions to experts, with their answers.
	Questions []rapport.ExpertQuestion
}

type helpLanguage struct{ Code, Name string }

// The languages and channels customers choose from.
var (
	helpLanguages = []helpLanguage{{"de", "Deutsch"}, {"en", "English"}, {"es", "Español"}, {"fr", "Français"},
		{"it", "Italiano"}, {"nl", "Nederlands"}, {"pt", "Português"}}
	helpChannels = []rapport.Channel{"email", "phone", "sms", "post", "portal"}
)

func newHelpAccount(p *rapport.MyProfile) *helpAccount {
	d := &helpAccount{Profile: p, Languages: helpLanguages, Channels: helpChannels, Consent: map[rapport.Purpose]string{}}
	// A value staff or a source gave that the lists do not hold is offered too:
	// shown as "No preference", it would be lost when the customer saves anything.
	c := p.Customer
	if c.Language != "" && !slices.ContainsFunc(d.Languages, func(l helpLanguage) bool { return l.Code == c.Language }) {
		d.Languages = append(slices.Clone(d.Languages), helpLanguage{c.Language, c.Language})
	}
	if c.PreferredChannel != "" && !slices.Contains(d.Channels, c.PreferredChannel) {
		d.Channels = append(slices.Clone(d.Channels), c.PreferredChannel)
	}
	for _, c := range p.Consents {
		d.Consent[c.Purpose] = map[bool]string{true: "yes", false: "no"}[c.Granted]
	}
	return d
}

func (s *Server) handleHelpAccount(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	p, err := s.Store.FindMyProfile(r.Context(), c.scope)
	if err != nil {
		return err
	}
	d := newHelpAccount(p)
	if d.Questions, err = s.Store.MyQuestions(r.Context(), c.scope); err != nil {
		return err
	}
	return s.renderHelp(w, r, c, http.StatusOK, "account", "Your account", "", d)
}

func (s *Server) handleHelpAccountUpdate(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	u := rapport.MyProfileUpdate{Name: r.PostFormValue("name"), Language: r.PostFormValue("language"),
		PreferredChannel: rapport.Channel(r.PostFormValue("preferred_channel")), Consents: map[rapport.Purpose]bool{}}
	for _, p := range rapport.Purposes {
		switch r.PostFormValue("consent_" + string(p)) {
		case "yes":
			u.Consents[p] = true
		case "no":
			u.Consents[p] = false
		}
	}
	if _, err := s.Store.UpdateMyProfile(r.Context(), c.scope, u); rapport.ErrorCode(err) == rapport.EINVALID {
		p, perr := s.Store.FindMyProfile(r.Context(), c.scope)
		if perr != nil {
			return perr
		}
		d := newHelpAccount(p)
		d.Errors = fieldErrors(err)
		if d.Questions, perr = s.Store.MyQuestions(r.Context(), c.scope); perr != nil {
			return perr
		}
		return s.renderHelp(w, r, c, http.StatusBadRequest, "account", "Your account", "", d)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/help/account", "Your profile is saved.")
}

type helpFeedback struct {
	Kinds               []rapport.FeedbackKind
	Kind, Product, Text string
	Errors              map[string]string
}

func (s *Server) handleHelpFeedbackPage(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	return s.renderHelp(w, r, c, http.StatusOK, "feedback", "Give feedback", "", helpFeedback{Kinds: rapport.PortalFeedbackKinds})
}

func (s *Server) handleHelpFeedback(w http.ResponseWriter, r *http.Request, c *helpCall) error {
	d := helpFeedback{Kinds: rapport.PortalFeedbackKinds, Kind: r.PostFormValue("kind"), Product: r.PostFormValue("product"), Text: r.PostFormValue("text")}
	if _, err := s.Store.GiveFeedback(r.Context(), c.scope, rapport.FeedbackKind(d.Kind), d.Product, d.Text); rapport.ErrorCode(err) == rapport.EINVALID {
		d.Errors = fieldErrors(err)
		return s.renderHelp(w, r, c, http.StatusBadRequest, "feedback", "Give feedback", "", d)
	} else if err != nil {
		return err
	}
	return s.redirect(w, r, "/help/account#feedback", "Thank you. Your feedback reached us; you can follow it here.")
}
