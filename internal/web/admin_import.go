package web

import (
	"errors"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/casework/casework/internal/exchange"
	"github.com/casework/casework/web/views"
)

// importPage shows the upload form, the column sets and the latest imports.
func (app *App) importPage(w http.ResponseWriter, r *http.Request) {
	app.renderImport(w, r, http.StatusOK, views.ImportView{Kind: "facts"})
}

func (app *App) renderImport(w http.ResponseWriter, r *http.Request, status int, iv views.ImportView) {
	v, _ := viewerFrom(r.Context())
	recent, err := app.store.RecentImports(r.Context(), v, 20)
	if err != nil {
		app.storeError(w, r, err)
		return
	}
	iv.Recent, iv.Zone = recent, app.loc
	app.render(w, r, status, views.AdminImportPage(app.chrome(r, "Import", "/admin"), iv))
}

// importUpload runs an import from an uploaded file. The file streams from
// the request into the import (no copy on disk); the body limit of this
// route (32 MiB, routes.go) and the request timeout bound it, and larger
// files go through the command line. Problems are shown with the form (422), and nothing is changed.
func (app *App) importUpload(w http.ResponseWriter, r *http.Request) {
	v, _ := viewerFrom(r.Context())
	iv := views.ImportView{Kind: "facts"}
	problem := func(status int, msg string) {
		iv.Problem = msg
		app.renderImport(w, r, status, iv)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		problem(http.StatusUnprocessableEntity, "Choose a file to import.")
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if tooLarge(err) {
				problem(http.StatusRequestEntityTooLarge, tooLargeMsg)
				return
			}
			problem(http.StatusBadRequest, "The upload could not be read. Please try again.")
			return
		}
		switch part.FormName() {
		case "kind":
			b, _ := io.ReadAll(io.LimitReader(part, 64))
			iv.Kind = strings.TrimSpace(string(b))
		case "file":
			name := path.Base(strings.ReplaceAll(part.FileName(), `\`, "/"))
			if part.FileName() == "" || name == "." || name == "/" {
				problem(http.StatusUnprocessableEntity, "Choose a file to import.")
				return
			}
			var rep exchange.Report
			switch kind := exchange.LookupKind(iv.Kind); {
			case iv.Kind == "facts":
				data, rerr := io.ReadAll(part)
				if rerr != nil {
					err = rerr
					break
				}
				rep, err = app.store.ImportFacts(r.Context(), v, name, data)
			case kind != nil:
				rep, err = app.store.ImportCSV(r.Context(), v, kind, name, part)
			default:
				problem(http.StatusUnprocessableEntity, "Choose what the file holds.")
				return
			}
			if err != nil {
				if tooLarge(err) {
					problem(http.StatusRequestEntityTooLarge, tooLargeMsg)
					return
				}
				app.serverError(w, r, err)
				return
			}
			iv.Report = &rep
			status := http.StatusOK
			if !rep.OK() {
				status = http.StatusUnprocessableEntity
			}
			app.renderImport(w, r, status, iv)
			return
		}
	}
	problem(http.StatusUnprocessableEntity, "Choose a file to import.")
}

const tooLargeMsg = "The file is larger than 32 MiB, the most a page accepts. Import it on the server with `casework import` (docs/import.md). Nothing was changed."

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe) || strings.Contains(err.Error(), "request body too large")
}
