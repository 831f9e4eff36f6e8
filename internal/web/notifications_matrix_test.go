package web_test

import "github.com/casework/casework/internal/access"

// Notifications (docs/notifications.md): each person's own settings; the
// outbox for administrators only.
func init() {
	admins := reach{roles: []access.Role{access.Administrator}}
	addMatrix(map[string]reach{
		"GET /settings/notifications":  {signedIn: true},
		"POST /settings/notifications": {signedIn: true},
		"GET /admin/outbox":            admins,
		"POST /admin/outbox/policy":    admins,
		// {messageID} as written is no message: 404 for everyone;
		// notifications_test.go checks real ids.
		"GET /admin/outbox/{messageID}":      {},
		"GET /admin/outbox/{messageID}/html": {},
	})
}
