package cli

import (
	"bytes"
	"errors"
	"fmt"
	iofs "io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/spec"
)

// starterName is the spec file init writes.
const starterName = "main.pix.hcl"

// starterSpec is the commented spec init writes: it validates and applies
// on the offline provider as it is.
const starterSpec = `# pixform spec: every *.pix.hcl file in this directory belongs to it.
# 'pixform plan' shows what would be generated and what it costs;
# 'pixform apply' generates the images and records them in pixform.lock.hcl.

# The built-in offline provider draws placeholder PNGs that show the
# prompt: no key, no network, no cost. Try the workflow with it first.
provider "offline" {}

# For real images, use the image API instead: replace the block above with
# this one, and set your key in the environment before 'pixform apply':
#
#   export DEFAPI_API_KEY=dk-...
#
# The key is read from the environment only and never written to any file.
#
# provider "defapi" {
#   # base_url = "https://api.defapi.org"   # the default; env DEFAPI_BASE_URL also sets it
# }

# A variable: set it with -var style="...", a -var-file, or the
# environment variable PIXFORM_VAR_style.
variable "style" {
  description = "The look every image shares."
  type        = string
  default     = "flat vector illustration, pastel palette"
}

image "logo" {
  prompt       = "A round logo of a paper boat, ${var.style}"
  aspect_ratio = "1:1" # optional: 1:1, 16:9, 21:9, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16
  output       = "images/logo.png"
}

# An image can use others as references (at most 4): local files, URLs, or
# another image's output, which makes pixform generate that one first and
# regenerate this one whenever it changes.
image "banner" {
  prompt       = "A wide banner with this logo sailing on a calm sea, ${var.style}"
  images       = [image.logo.output]
  aspect_ratio = "16:9"
  output       = "images/banner.png"
}
`

// gitignoreEntry keeps the local state out of version control.
const gitignoreEntry = ".pixform/"

func runInit(e *env, args []string) int {
	if _, err := parseInit(args); err != nil {
		return e.argError(err)
	}
	existing, err := afero.Glob(e.fs, filepath.Join(e.dir, "*"+spec.FileSuffix))
	if err != nil {
		return e.errorf("look for spec files in %s: %v", e.dir, err)
	}
	if len(existing) > 0 {
		names := make([]string, len(existing))
		for i, f := range existing {
			names[i] = filepath.Base(f)
		}
		return e.errorf("%s already has a spec (%s): init writes nothing over it. Run 'pixform plan' to see what it would generate, or run init in an empty directory.",
			e.dir, strings.Join(names, ", "))
	}
	if err := afero.WriteFile(e.fs, filepath.Join(e.dir, starterName), []byte(starterSpec), 0o644); err != nil {
		return e.errorf("write %s: %v", starterName, err)
	}
	fmt.Fprintf(e.stdout, "Wrote %s: a starter spec with two images on the offline provider.\n", starterName)
	added, err := ensureGitignore(e.fs, filepath.Join(e.dir, ".gitignore"))
	switch {
	case err != nil:
		return e.errorf("update .gitignore: %v. Add the line %s to it yourself: pixform's local state must not be committed.", err, gitignoreEntry)
	case added:
		fmt.Fprintf(e.stdout, "Added %s to .gitignore: the local state stays out of version control; commit pixform.lock.hcl and the images.\n", gitignoreEntry)
	}
	fmt.Fprintf(e.stdout, `
Next steps:
  1. pixform plan      see what would be generated, and what it costs
  2. pixform apply     generate the images and write pixform.lock.hcl
  3. git add %s .gitignore pixform.lock.hcl images
                       commit the spec, the lockfile and the images
`, starterName)
	return ExitOK
}

// ensureGitignore adds .pixform/ to the .gitignore at name unless a line
// already ignores it, creating the file when there is none. It reports
// whether it changed anything.
func ensureGitignore(fsys afero.Fs, name string) (bool, error) {
	data, err := afero.ReadFile(fsys, name)
	if err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return false, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		switch strings.TrimSpace(line) {
		case ".pixform", ".pixform/", "/.pixform", "/.pixform/":
			return false, nil
		}
	}
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteString("# pixform's local state: task ids in flight, credits, a file-hash cache\n" + gitignoreEntry + "\n")
	return true, afero.WriteFile(fsys, name, b.Bytes(), 0o644)
}
