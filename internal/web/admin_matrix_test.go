package web_test

import "github.com/casework/casework/internal/access"

// The administration's routes: administrators only. The integration API
// (/api/v1) is reached with a token, not a session: to the matrix it is
// public (a session does not open it); api_test.go checks tokens and scopes.
func init() {
	admins := reach{roles: []access.Role{access.Administrator}}
	addMatrix(map[string]reach{
		"GET /admin/import":           admins,
		"POST /admin/import":          admins,
		"GET /admin/tokens":           admins,
		"POST /admin/tokens":          admins,
		"GET /admin/people":           admins,
		"GET /admin/people/new":       admins,
		"POST /admin/people":          admins,
		"GET /admin/offices":          admins,
		"POST /admin/offices":         admins,
		"POST /admin/units":           admins,
		"GET /admin/cases":            admins,
		"POST /admin/cases/reassign":  admins,
		"GET /admin/policy":           admins,
		"POST /admin/policy":          admins,
		"POST /admin/policy/versions": admins,
		// Routes on one object: the matrix asks with the parameter as
		// written ({personID}), which is no object, so everyone gets 404;
		// administrators reach every real object and nobody else any
		// (admin_test.go checks both with real ids).
		"GET /admin/people/{personID}":               {},
		"POST /admin/people/{personID}":              {},
		"POST /admin/people/{personID}/post":         {},
		"POST /admin/people/{personID}/active":       {},
		"POST /admin/people/{personID}/password":     {},
		"POST /admin/offices/{officeID}":             {},
		"POST /admin/units/{adminUnitID}":            {},
		"POST /admin/units/{adminUnitID}/supervisor": {},
		// {id} is a path parameter; the matrix requests it literally, which
		// is no token: an administrator gets 404 like everyone else there.
		"POST /admin/tokens/{id}/revoke": {},
		// The API: no session opens it (401 to every session, signed in or
		// not); tokens and their scopes are tested in api_test.go.
		"GET /api/v1/scope":       {},
		"GET /api/v1/obligations": {},
		"GET /api/v1/conferences": {},
	})
}
