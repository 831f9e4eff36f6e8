package web_test

import "github.com/casework/casework/internal/access"

// The administration's routes: administrators only. The integration API
// (/api/v1) is reached with a token, not a session: to the matrix it is
// public (a session does not open it); api_test.go checks tokens and scopes.
func init() {
	admins := reach{roles: []access.Role{access.Administrator}}
	addMatrix(map[string]reach{
		"GET /admin/import":  admins,
		"POST /admin/import": admins,
	})
}
