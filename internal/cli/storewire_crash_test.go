package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/pixform/pixform/internal/fakeapi"
	"github.com/pixform/pixform/store"
)

// TestCrashAmongCandidates kills apply with SIGKILL at many moments while
// it makes the candidates of images with variants, runs it again each
// time, and checks that each candidate was paid for once (but for those an
// apply named as possibly submitted unrecorded), that every image landed
// with all its candidates in the store, and that plan then has no changes.
func TestCrashAmongCandidates(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns many processes")
	}
	srv := fakeapi.New(fakeapi.Options{TaskLatency: 300 * time.Millisecond, RegistrationLag: 400 * time.Millisecond, Varied: true})
	defer srv.Close()
	dir := t.TempDir()
	const images, variants = 4, 3
	var b strings.Builder
	b.WriteString("provider \"defapi\" {}\n")
	for i := 0; i < images; i++ {
		fmt.Fprintf(&b, "image \"img%d\" {\n  prompt   = \"candidates crash %d\"\n  output   = \"out/img%d.png\"\n  variants = %d\n}\n", i, i, i, variants)
	}
	if err := os.WriteFile(filepath.Join(dir, "crash.pix.hcl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}

	var outputs bytes.Buffer
	kills := 0
	for i := 0; i < 30; i++ {
		cmd := pixformCmd(t, dir, srv, "apply", "-auto-approve", "-parallelism=4")
		cmd.Stdout, cmd.Stderr = &outputs, &outputs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(20+(i*37)%400) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err == nil {
				goto finished
			}
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
	}
finished:
	out, err := pixformCmd(t, dir, srv, "apply", "-auto-approve").CombinedOutput()
	outputs.Write(out)
	if err != nil {
		t.Fatalf("final apply failed: %v\n%s", err, out)
	}
	if kills < 3 {
		t.Errorf("got %d kills, want at least 3: the test did not exercise crashes", kills)
	}
	named := map[string]int{} // by image: candidates named as possibly paid unrecorded
	for _, m := range unrecordedRe.FindAllStringSubmatch(outputs.String(), -1) {
		base, _, _ := strings.Cut(m[1], "#")
		named[base]++
	}
	s := store.NewLocal(afero.NewOsFs(), filepath.Join(dir, ".pixform", "store"))
	for i := 0; i < images; i++ {
		addr := fmt.Sprintf("image.img%d", i)
		n := srv.SubmitCount(fmt.Sprintf("candidates crash %d", i))
		if n < variants || n > variants+named[addr] {
			t.Errorf("%s: %d submissions, want %d (plus at most the %d named as possibly submitted unrecorded)", addr, n, variants, named[addr])
		}
		gens, err := s.Generations(t.Context(), store.Query{Addr: addr})
		if err != nil {
			t.Fatal(err)
		}
		if len(gens) < variants {
			t.Errorf("%s: the store holds %d candidates, want %d", addr, len(gens), variants)
		}
		if _, err := os.Stat(filepath.Join(dir, "out", fmt.Sprintf("img%d.png", i))); err != nil {
			t.Errorf("%s did not land: %v", addr, err)
		}
	}
	plan, _ := pixformCmd(t, dir, srv, "plan").CombinedOutput()
	if !bytes.Contains(plan, []byte("No changes")) {
		t.Errorf("plan after the crashes:\n%s\nwant No changes", plan)
	}
	t.Logf("%d kills; %d candidates named as possibly paid twice", kills, len(named))
}
