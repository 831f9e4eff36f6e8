// Package web holds what the browser receives: the templ components (views/)
// and the static assets (static/), embedded in the binary so that the app
// makes no request to any other host.
package web

import "embed"

// Static holds the CSS, the vendored htmx and the small script of the app.
//
//go:embed static
var Static embed.FS
