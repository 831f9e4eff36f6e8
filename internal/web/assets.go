package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

	webfiles "github.com/casework/casework/web"
)

// assets serves the embedded static files at content-hashed URLs
// (/static/HASH/name), cached for a year: a new build changes the hash.
type assets struct {
	urls  map[string]string // name -> URL
	files map[string]string // hash/name -> name
	fsys  fs.FS
}

func loadAssets() (*assets, error) {
	sub, err := fs.Sub(webfiles.Static, "static")
	if err != nil {
		return nil, err
	}
	a := &assets{urls: map[string]string{}, files: map[string]string{}, fsys: sub}
	err = fs.WalkDir(sub, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		h := hex.EncodeToString(sum[:6])
		a.urls[path] = "/static/" + h + "/" + path
		a.files[h+"/"+path] = path
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	return a, nil
}

// url is the hashed URL of a static file; it panics at startup if the file is
// missing, which a test catches.
func (a *assets) url(name string) string {
	u, ok := a.urls[name]
	if !ok {
		panic("no static file " + name)
	}
	return u
}

func (a *assets) handler() http.Handler {
	files := http.FileServerFS(a.fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, "/static/")
		name, ok := a.files[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/" + name
		files.ServeHTTP(w, r2)
	})
}
