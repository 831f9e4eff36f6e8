package main

import (
	"context"
	"log/slog"

	"github.com/casework/casework/internal/access"
	"github.com/casework/casework/internal/config"
	"github.com/casework/casework/internal/sso"
	"github.com/casework/casework/internal/store"
	"github.com/casework/casework/internal/web"
)

// ssoSetting turns the OIDC_* settings into the web tier's; nil when single
// sign-on is off. The provider is first reached at the first sign-in through
// it, so an instance starts (and the break-glass password works) while the
// provider is away.
func ssoSetting(ctx context.Context, c config.SSO, st *store.Store, log *slog.Logger) (*web.SSO, error) {
	if !c.Enabled() {
		return nil, nil
	}
	client, err := sso.New(sso.Config{Issuer: c.Issuer, ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RedirectURL: c.RedirectURL, EmailClaim: c.EmailClaim, EmailVerifiedClaim: c.EmailVerifiedClaim,
		Scopes: c.Scopes, AuthParams: c.AuthParams, PostLogoutRedirectURL: c.PostLogoutRedirectURL})
	if err != nil {
		return nil, err
	}
	if c.PasswordsOff {
		// Not a refusal to start: with the provider down, a server that
		// will not start helps nobody. Said loudly instead.
		if !activeAdministrator(ctx, st, c.BreakGlassEmail) {
			log.Warn("BREAK_GLASS_EMAIL is no active administrator's: nobody can sign in with a password", "email", c.BreakGlassEmail)
		}
	}
	log.Info("single sign-on", "issuer", c.Issuer, "passwords", map[bool]string{true: "break-glass only", false: "on"}[c.PasswordsOff])
	return &web.SSO{Client: client, ProviderName: c.ProviderName, PasswordsOff: c.PasswordsOff, BreakGlassEmail: c.BreakGlassEmail}, nil
}

func activeAdministrator(ctx context.Context, st *store.Store, email string) bool {
	cred, err := st.CredentialsByEmail(ctx, email)
	if err != nil || !cred.Active || cred.PasswordHash == "" {
		return false
	}
	v, err := st.ViewerByID(ctx, cred.PersonID)
	return err == nil && v.Role == access.Administrator
}
