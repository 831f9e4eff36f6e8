package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/casework/casework/internal/access"
)

// Routes is the app as one http.Handler.
func (app *App) Routes() http.Handler { return app.Router() }

// Router is the one route table of the app. Each group names the roles it
// admits; the store's queries narrow further to the viewer's own scope.
// Every route here must have a row in the access matrix test
// (access_matrix_test.go), which walks this table.
func (app *App) Router() chi.Router {
	r := chi.NewRouter()
	r.Use(middleware.RequestID)
	r.Use(app.logRequests)
	r.Use(app.recoverPanics)
	r.Use(securityHeaders)
	// Forms are small; an administrator's import upload may be a day's
	// export of the system of record (larger files go through the CLI).
	// A conference record's form holds many long fields: an oversized one
	// must reach the form's own check, to come back named beside its field
	// with everything typed kept, rather than fail unread.
	r.Use(limitBody(1<<20, map[string]int64{"/admin/import": 32 << 20, "/conferences/*": 16 << 20}))
	// Bad text (NUL, not UTF-8) is 422 with the field named, an oversized
	// body 413, here once for every route (input.go).
	r.Use(app.checkInput)

	// No session, no database beyond a ping: probes and assets.
	r.Get("/healthz", app.healthz)
	r.Get("/readyz", app.readyz)
	r.Get("/static/*", app.assets.handler().ServeHTTP)
	// A worker's calendar feed: the secret in the address is the credential
	// (calendar programs have no session); no cookie is read or set.
	r.With(middleware.Timeout(app.timeout)).Get("/calendar/{token}", app.calendarFeed)

	r.Group(func(r chi.Router) {
		r.Use(middleware.Timeout(app.timeout))
		r.Use(http.NewCrossOriginProtection().Handler)
		r.Use(app.sessions.LoadAndSave)
		r.Use(app.authenticate)

		r.Get("/login", app.loginForm)
		r.Post("/login", app.login)
		r.Post("/logout", app.logout)
		// Sign-in through the agency's OpenID provider, when configured
		// (oidc.go; its routes are tested in oidc_test.go).
		app.ssoRoutes(r)

		r.Group(func(r chi.Router) {
			r.Use(app.requireSignIn)
			r.Get("/", app.home)
			r.Get("/password", app.passwordForm)
			r.Post("/password", app.changePassword)
			r.Get("/settings/notifications", app.notificationsPage)
			r.Post("/settings/notifications", app.saveNotifications)
			r.With(app.requireRole(access.Supervisor)).Get("/unit", app.myUnit)

			// The unit workspace: its supervisor, and the casework supervisor
			// above (read-only); the queries check which unit is whose.
			r.Group(func(r chi.Router) {
				r.Use(app.requireRole(access.Supervisor, access.CaseworkSupervisor))
				r.Get("/units/{unitID}", app.unitByID)
				r.Get("/units/{unitID}/cases", app.unitCases)
				r.Get("/workers/{workerID}", app.workerPage)
			})
			// Logging a conference: the worker's own supervisor (checked in
			// the queries); casework reviews use the same record pages.
			r.With(app.requireRole(access.Supervisor)).Get("/workers/{workerID}/conferences/new", app.newConference)
			r.With(app.requireRole(access.Supervisor)).Post("/workers/{workerID}/conferences", app.createConference)
			r.Route("/conferences/{conferenceID}", func(r chi.Router) {
				r.Use(app.requireRole(access.Worker, access.Supervisor, access.CaseworkSupervisor))
				r.Get("/", app.conferencePage)
				r.With(app.requireRole(access.Supervisor, access.CaseworkSupervisor)).Post("/", app.saveConference)
				r.With(app.requireRole(access.Supervisor, access.CaseworkSupervisor)).Post("/autosave", app.autosaveConference)
				r.With(app.requireRole(access.Supervisor, access.CaseworkSupervisor)).Post("/sign", app.signConference)
				r.With(app.requireRole(access.Supervisor, access.CaseworkSupervisor)).Post("/share", app.shareConference)
				r.With(app.requireRole(access.Worker, access.Supervisor)).Post("/acknowledge", app.acknowledgeConference)
				r.With(app.requireRole(access.Supervisor, access.CaseworkSupervisor)).Post("/addenda", app.addAddendum)
			})
			// A case: its worker, their supervisor, the casework supervisor above.
			r.Get("/cases/{caseID}", app.casePage)
			r.With(app.requireRole(access.Supervisor)).Post("/cases/{caseID}/events", app.recordEvent)
			r.With(app.requireRole(access.Supervisor)).Post("/cases/{caseID}/risk", app.recordRisk)
			r.With(app.requireRole(access.Supervisor)).Post("/cases/{caseID}/flag", app.flagCase)
			r.With(app.requireRole(access.Supervisor)).Post("/cases/{caseID}/safety-plan", app.recordSafetyPlan)
			r.With(app.requireRole(access.Supervisor)).Post("/cases/{caseID}/mvr", app.recordMVR)
			r.With(app.requireRole(access.Supervisor)).Post("/cases/{caseID}/siblings", app.recordSiblingsApart)
			r.With(app.requireRole(access.Supervisor)).Post("/workers/{workerID}/contacts/approve", app.approveContacts)
			// The personnel side: the worker, their supervisor, the casework
			// supervisor over them; never a case page.
			r.With(app.requireRole(access.Worker, access.Supervisor, access.CaseworkSupervisor)).Get("/workers/{workerID}/notes", app.performanceNotes)
			r.With(app.requireRole(access.Supervisor)).Post("/workers/{workerID}/notes", app.addPerformanceNote)
			r.With(app.requireRole(access.Supervisor)).Post("/workers/{workerID}/personnel/met", app.markPersonnelStepMet) // the worker's own supervisor
			r.With(app.requireRole(access.Supervisor)).Post("/workers/{workerID}/mvr-review", app.recordMVRReview)
			r.With(app.requireRole(access.CaseworkSupervisor)).Get("/area", app.areaPage)
			r.With(app.requireRole(access.CaseworkSupervisor)).Post("/requests/{requestID}/answer", app.answerRequest)
			r.With(app.requireRole(access.CaseworkSupervisor)).Get("/area/trends", app.trendsPage)
			r.With(app.requireRole(access.Supervisor)).Get("/unit/trends", app.trendsPage) // their own unit's trends
			r.With(app.requireRole(access.Supervisor, access.CaseworkSupervisor)).Get("/exports/compliance.csv", app.complianceCSV)
			r.With(app.requireRole(access.CaseworkSupervisor)).Get("/supervisors/{supervisorID}/reviews/new", app.newReview)
			r.With(app.requireRole(access.CaseworkSupervisor)).Post("/supervisors/{supervisorID}/reviews", app.createReview)
			r.With(app.requireRole(access.Worker)).Get("/caseload", app.caseloadPage)
			r.With(app.requireRole(access.Worker)).Get("/agenda", app.workerAgenda)
			r.With(app.requireRole(access.Worker)).Post("/agenda/request", app.requestEmergent)
			r.With(app.requireRole(access.Worker)).Post("/agenda/points", app.addTalkingPoint)
			r.With(app.requireRole(access.Worker)).Post("/agenda/points/{pointID}/withdraw", app.withdrawTalkingPoint)
			r.With(app.requireRole(access.Worker)).Post("/calendar/new", app.newCalendar)
			r.With(app.requireRole(access.Worker)).Post("/calendar/revoke", app.revokeCalendar)
			r.Post("/steps/{stepID}/done", app.markStepDone) // the store checks the step is the viewer's
			r.With(app.requireRole(access.Administrator), app.recordAdminViews).Get("/admin", app.adminPage)

			// Administration: offices, units, people, assignments, imports.
			r.Group(func(r chi.Router) {
				r.Use(app.requireRole(access.Administrator), app.recordAdminViews)
				r.Get("/admin/audit", app.auditSearch)
				app.adminRoutes(r)
				r.Post("/admin/people/{personID}/sso", app.linkSubject) // oidc.go
				app.outboxRoutes(r)
			})
		})
	})

	// The read-only integration API: its own authentication (tokens), no
	// session, no cross-origin check (not a browser surface).
	r.Route("/api/v1", app.apiRoutes)
	r.NotFound(app.notFound)
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		app.errorPage(w, r, http.StatusMethodNotAllowed, "Method not allowed", "This address does not accept that kind of request.")
	})
	return r
}

// The route groups the table above mounts, kept here so that every route
// of the app is in this one file.

func (app *App) adminRoutes(r chi.Router) {
	r.Get("/admin/people", app.peoplePage)
	r.Get("/admin/people/new", app.newPersonPage)
	r.Post("/admin/people", app.createPerson)
	r.Get("/admin/people/{personID}", app.personPage)
	r.Post("/admin/people/{personID}", app.updatePerson)
	r.Post("/admin/people/{personID}/post", app.newPost)
	r.Post("/admin/people/{personID}/active", app.setActive)
	r.Post("/admin/people/{personID}/password", app.issuePassword)
	r.Get("/admin/offices", app.officesPage)
	r.Post("/admin/offices", app.saveOffice)
	r.Post("/admin/offices/{officeID}", app.saveOffice)
	r.Post("/admin/units", app.saveUnit)
	r.Post("/admin/units/{adminUnitID}", app.saveUnit)
	r.Post("/admin/units/{adminUnitID}/supervisor", app.unitSupervisor)
	r.Get("/admin/cases", app.adminCasesPage)
	r.Post("/admin/cases/reassign", app.reassignCases)
	r.Get("/admin/policy", app.policyPage)
	r.Post("/admin/policy", app.choosePolicy)
	r.Post("/admin/policy/versions", app.uploadProfileVersion)
	r.Get("/admin/import", app.importPage)
	r.Post("/admin/import", app.importUpload)
	r.Get("/admin/tokens", app.tokensPage)
	r.Post("/admin/tokens", app.issueToken)
	r.Post("/admin/tokens/{id}/revoke", app.revokeToken)
}

// apiRoutes registers the read-only JSON API for integrations under /api/v1
// (docs/api.md, docs/openapi.yaml). Every request carries a token
// (Authorization: Bearer cwk_...) that an administrator issued for one scope:
// an office, an area or a unit. It reads obligations and conference metadata,
// never notes or anything of the personnel side.
func (app *App) apiRoutes(r chi.Router) {
	r.Use(middleware.Timeout(app.timeout))
	r.Use(app.apiToken)
	r.Get("/scope", app.apiScope)
	r.Get("/obligations", app.apiObligations)
	r.Get("/conferences", app.apiConferences)
	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "not_found", "There is nothing at this address.", nil)
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusMethodNotAllowed, "method_not_allowed", "The API is read-only: GET only.", nil)
	})
}

func (app *App) outboxRoutes(r chi.Router) {
	r.Get("/admin/outbox", app.outboxPage)
	r.Post("/admin/outbox/policy", app.saveNotificationPolicy)
	r.Get("/admin/outbox/{messageID}", app.outboxMessage)
	r.Get("/admin/outbox/{messageID}/html", app.outboxMessageHTML)
}

// ssoRoutes adds the sign-in through the provider, when one is configured.
func (app *App) ssoRoutes(r chi.Router) {
	if app.sso == nil {
		return
	}
	r.Get("/login/oidc", app.ssoStart)
	r.Get("/login/oidc/callback", app.ssoCallback)
}
