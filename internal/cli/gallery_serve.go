package cli

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// servedGalleryDir is the URL path of the served page: the outputs it
// links, relative to it as the written gallery links them ("../web/a.png"),
// are then served from the root.
const servedGalleryDir = "g"

// serveGallery serves the gallery on a loopback address with a pick button
// per candidate, until the command is interrupted. The buttons post to
// /pick with a token made for this run, so that no other site the browser
// visits can pick; a pick goes through the code of 'pixform pick' (the
// state lock, refused while an apply holds it).
func (e *env) serveGallery(listen string) int {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return e.errorf("-listen=%s: %v; give HOST:PORT, like 127.0.0.1:8080.", listen, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return e.errorf("-listen=%s: the gallery picks images for whoever reaches it, so it serves only on a loopback address (127.0.0.1, ::1 or localhost).", listen)
	}
	token, err := newToken()
	if err != nil {
		return e.errorf("make the gallery's token: %v", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return e.errorf("serve the gallery: %v", err)
	}
	srv := &http.Server{Handler: e.galleryHandler(token), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-e.ctx.Done()
		srv.Close()
	}()
	fmt.Fprintf(e.stdout, "Serving the gallery at http://%s/%s/ (Ctrl-C stops it). Its pick buttons run 'pixform pick'.\n", ln.Addr(), servedGalleryDir)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return e.errorf("serve the gallery: %v", err)
	}
	return ExitOK
}

func newToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

// galleryHandler answers the served gallery: the page, the candidates
// (from the store), the outputs and references it shows (no other file of
// the spec directory), and picks.
func (e *env) galleryHandler(token string) http.Handler {
	mux := http.NewServeMux()
	dir := filepath.Join(e.dir, servedGalleryDir)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/"+servedGalleryDir+"/", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /"+servedGalleryDir+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		recs, source, err := e.galleryRecords()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		page := e.galleryPage(dir, recs, source)
		e.addCandidates(&page, dir, recs, false)
		page.Token = token
		var buf bytes.Buffer
		if err := galleryTemplate.Execute(&buf, page); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(buf.Bytes())
	})
	mux.HandleFunc("GET /"+servedGalleryDir+"/"+candidateDir+"/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		sum := "sha256:" + strings.TrimSuffix(name, path.Ext(name))
		rc, err := e.imageStore().Open(r.Context(), sum)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		defer rc.Close()
		w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		io.Copy(w, rc) // a corrupt blob fails at its end: the image shows broken
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		rel := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if !e.shownFile(rel) {
			http.NotFound(w, r)
			return
		}
		http.ServeFile(w, r, filepath.Join(e.dir, filepath.FromSlash(rel)))
	})
	mux.HandleFunc("POST /pick", func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && o != "http://"+r.Host {
			http.Error(w, "pick refused: the request comes from another site ("+o+")", http.StatusForbidden)
			return
		}
		if subtle.ConstantTimeCompare([]byte(r.PostFormValue("token")), []byte(token)) != 1 {
			http.Error(w, "pick refused: the request does not carry this gallery's token; reload the page the gallery serves", http.StatusForbidden)
			return
		}
		addr, which := r.PostFormValue("addr"), r.PostFormValue("which")
		if _, _, err := e.pick(addr, which, 0); err != nil {
			http.Error(w, "pick "+addr+": "+err.Error(), http.StatusConflict)
			return
		}
		http.Redirect(w, r, "/"+servedGalleryDir+"/", http.StatusSeeOther)
	})
	return mux
}

// shownFile reports whether rel is an output or a reference file of an
// image the gallery shows: the only files of the spec directory it serves.
func (e *env) shownFile(rel string) bool {
	recs, _, err := e.galleryRecords()
	if err != nil {
		return false
	}
	for _, r := range recs {
		if r.Output == rel {
			return true
		}
		for _, ref := range r.Refs {
			if ref == rel && !isURL(ref) {
				return true
			}
		}
	}
	return false
}
