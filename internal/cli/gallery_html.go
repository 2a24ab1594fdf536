package cli

import "html/template"

// galleryTemplate is the contact sheet: one self-contained HTML page, its
// CSS inline, images linked by relative paths so it opens from disk.
// html/template escapes every value. The one script only checks, once the
// page has loaded, that every image decoded, and writes the count into
// <body data-images-ok="12/12"> (and marks broken ones); the page needs no
// script to be read.
var galleryTemplate = template.Must(template.New("gallery").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="pixform gallery">
<title>{{.Title}} · pixform gallery</title>
<style>
:root { color-scheme: light dark; --bg: #f6f6f3; --card: #fff; --ink: #1d1d1b; --dim: #6b6b66; --line: #e2e2dc; --chip: #efefe9; --bad: #b42318; }
@media (prefers-color-scheme: dark) { :root { --bg: #161615; --card: #20201f; --ink: #ececE6; --dim: #9b9b94; --line: #33332f; --chip: #2b2b29; --bad: #f97066; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--ink); }
header { padding: 20px 28px 8px; }
h1 { margin: 0 0 2px; font-size: 22px; }
header p { margin: 0; color: var(--dim); }
nav { margin-top: 10px; display: flex; flex-wrap: wrap; gap: 6px; }
nav a, .chip { background: var(--chip); border-radius: 999px; padding: 2px 10px; color: inherit; text-decoration: none; font-size: 12px; }
main { padding: 0 28px 28px; }
section { margin-top: 18px; }
h2 { font-size: 15px; margin: 0 0 10px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
h2 .n { color: var(--dim); font-weight: normal; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; overflow: hidden; display: flex; flex-direction: column; }
.card:target { outline: 2px solid #2e90fa; }
.shot { margin: 0; height: 190px; display: flex; align-items: center; justify-content: center;
  background: repeating-conic-gradient(var(--chip) 0% 25%, transparent 0% 50%) 50% / 16px 16px; }
.shot a { display: contents; }
.shot img { max-width: 100%; max-height: 100%; object-fit: contain; display: block; }
.missing { color: var(--bad); text-align: center; padding: 12px; font-size: 13px; }
.meta { padding: 10px 12px 12px; }
h3 { margin: 0 0 6px; font-size: 13px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; overflow-wrap: anywhere; }
.prompt { margin: 0 0 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.prompt em { color: var(--dim); }
dl { display: grid; grid-template-columns: auto 1fr; gap: 2px 10px; margin: 0; font-size: 12px; }
dt { color: var(--dim); }
dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.refs { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; align-items: center; font-size: 12px; }
.refs > span { color: var(--dim); width: 100%; }
.ref img { width: 48px; height: 48px; object-fit: cover; border-radius: 6px; border: 1px solid var(--line); display: block; }
.ref.bad, img.broken { outline: 2px solid var(--bad); }
.cands { display: grid; grid-template-columns: repeat(auto-fill, minmax(110px, 1fr)); gap: 8px; margin-top: 10px; font-size: 11px; }
.cands > span { color: var(--dim); grid-column: 1 / -1; }
.cand { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 4px; }
.cand.picked { outline: 3px solid #12b76a; }
.cand img { width: 100%; height: 90px; object-fit: contain; display: block; }
.cand figcaption { overflow-wrap: anywhere; }
.cand form { margin-top: 4px; }
</style>
</head>
<body data-images-ok="">
<header>
<h1>{{.Title}}</h1>
<p>{{.Count}} image{{if ne .Count 1}}s{{end}} from the {{.Source}}{{if .Missing}}, <strong>{{.Missing}} missing on disk</strong> (run <code>pixform apply</code>){{end}}. Made by <code>pixform gallery</code>.</p>
<nav>{{range $i, $g := .Groups}}<a href="#g-{{$i}}">{{$g.Name}}</a>{{end}}</nav>
</header>
<main>
{{- range $i, $g := .Groups}}
<section id="g-{{$i}}">
<h2>{{$g.Name}} <span class="n">{{len $g.Images}}</span></h2>
<div class="grid">
{{- range $g.Images}}
<article class="card" id="{{.ID}}">
<figure class="shot">
{{- if .Src}}<a href="{{.Src}}"><img src="{{.Src}}" alt="{{.Addr}}"></a>
{{- else}}<div class="missing">missing on disk<br><code>{{.Output}}</code></div>{{end -}}
</figure>
<div class="meta">
<h3>{{.Addr}}</h3>
<p class="prompt">{{if .PromptKnown}}{{.Prompt}}{{else}}<em>prompt not recorded here: only the lockfile is, and the spec would regenerate this image or does not load</em>{{end}}</p>
<dl>
<dt>model</dt><dd><code>{{.Model}}</code></dd>
<dt>output</dt><dd><code>{{.Output}}</code></dd>
{{- if .Generated}}
<dt>generated</dt><dd>{{.Generated}}</dd>{{end}}
{{- if .Credits}}
<dt>credits</dt><dd>{{.Credits}}</dd>{{end}}
</dl>
{{- if .Refs}}
<div class="refs"><span>references</span>
{{- range .Refs}}
{{- if .Src}}<a class="ref" href="{{if .Card}}#{{.Card}}{{else}}{{.Src}}{{end}}" title="{{.Label}}"><img src="{{.Src}}" alt="{{.Label}}"></a>
{{- else if .Href}}<a class="chip" href="{{.Href}}" rel="noreferrer">{{.Label}}</a>
{{- else if .Missing}}<span class="chip ref bad" title="missing on disk">{{.Label}} (missing)</span>
{{- else}}<span class="chip">{{.Label}}</span>{{end}}
{{- end}}
</div>
{{- end}}
{{- $addr := .Addr}}
{{- if .Candidates}}
<div class="cands"><span>candidates</span>
{{- range .Candidates}}
<figure class="cand{{if .Picked}} picked{{end}}" data-sha="{{.SHA256}}">
<a href="{{.Src}}"><img src="{{.Src}}" alt="candidate {{.N}}"></a>
<figcaption>{{.N}} · <code>{{.Short}}</code>{{if .Picked}} <strong>picked</strong>{{else if .Current}} <strong>output</strong>{{end}}<br>{{.Info}}<br><code>{{.Cmd}}</code>
{{- if $.Token}}<form method="post" action="/pick"><input type="hidden" name="token" value="{{$.Token}}"><input type="hidden" name="addr" value="{{$addr}}"><input type="hidden" name="which" value="{{.SHA256}}"><button type="submit" data-pick="{{$addr}} {{.N}}">Pick {{.N}}</button></form>{{end}}
</figcaption></figure>
{{- end}}
</div>
{{- end}}
</div>
</article>
{{- end}}
</div>
</section>
{{- end}}
</main>
<script>
window.addEventListener("load", function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) {
    if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; } else { imgs[i].classList.add("broken"); }
  }
  document.body.dataset.imagesOk = ok + "/" + imgs.length;
});
</script>
</body>
</html>
`))
