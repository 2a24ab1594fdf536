package cli_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pixform/pixform/internal/fakeapi"
)

// pixformCmd returns a command that runs pixform (this test binary, see
// TestMain) in dir against the fake API.
func pixformCmd(t *testing.T, dir string, srv *fakeapi.Server, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-chdir=" + dir, "-no-color"}, args...)...)
	cmd.Env = append(os.Environ(),
		"PIXFORM_TEST_AS_MAIN=1",
		"DEFAPI_BASE_URL="+srv.URL,
		"DEFAPI_API_KEY="+srv.Key(),
	)
	return cmd
}

func writeSpec(t *testing.T, dir string, n int) []string {
	t.Helper()
	var b strings.Builder
	b.WriteString("provider \"defapi\" {}\n")
	var prompts []string
	for i := 0; i < n; i++ {
		p := fmt.Sprintf("crash test image %d", i)
		prompts = append(prompts, p)
		fmt.Fprintf(&b, "image \"img%d\" {\n  prompt = %q\n  output = \"out/img%d.png\"\n}\n", i, p, i)
	}
	if err := os.WriteFile(filepath.Join(dir, "crash.pix.hcl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return prompts
}

var unrecordedRe = regexp.MustCompile(`(?m)^(image\.\S+): warning: an earlier apply stopped while submitting`)

// TestCrashResumesWithoutPayingTwice kills apply with SIGKILL at many
// moments, runs it again each time, and checks that the fake API saw each
// prompt submitted once, but for the images apply itself named as possibly
// submitted unrecorded, and that every image landed. The fake lags like the
// live service: a fresh task answers 404 for a while, and a resumed apply
// that queries it must not pay again.
func TestCrashResumesWithoutPayingTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns many processes")
	}
	srv := fakeapi.New(fakeapi.Options{TaskLatency: 300 * time.Millisecond, RegistrationLag: 400 * time.Millisecond})
	defer srv.Close()
	dir := t.TempDir()
	prompts := writeSpec(t, dir, 12)

	var outputs bytes.Buffer
	kills := 0
	for i := 0; i < 40; i++ {
		cmd := pixformCmd(t, dir, srv, "apply", "-auto-approve", "-parallelism=4")
		cmd.Stdout, cmd.Stderr = &outputs, &outputs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Kill moments sweep from start-up through submissions and polling.
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
	cmd := pixformCmd(t, dir, srv, "apply", "-auto-approve")
	out, err := cmd.CombinedOutput()
	outputs.Write(out)
	if err != nil {
		t.Fatalf("final apply failed: %v\n%s", err, out)
	}
	if kills < 3 {
		t.Errorf("got %d kills, want at least 3: the test did not exercise crashes", kills)
	}
	named := map[string]bool{}
	for _, m := range unrecordedRe.FindAllStringSubmatch(outputs.String(), -1) {
		named[m[1]] = true
	}
	for i, p := range prompts {
		n := srv.SubmitCount(p)
		addr := fmt.Sprintf("image.img%d", i)
		switch {
		case n == 0:
			t.Errorf("%s was never submitted", addr)
		case n > 1 && !named[addr]:
			t.Errorf("%s was submitted %d times, and no apply named it as possibly submitted unrecorded", addr, n)
		}
		if _, err := os.Stat(filepath.Join(dir, "out", fmt.Sprintf("img%d.png", i))); err != nil {
			t.Errorf("%s did not land: %v", addr, err)
		}
	}
	plan, _ := pixformCmd(t, dir, srv, "plan").CombinedOutput()
	if !bytes.Contains(plan, []byte("No changes")) {
		t.Errorf("plan after the crashes:\n%s\nwant No changes", plan)
	}
	t.Logf("%d kills; %d images named as possibly paid twice", kills, len(named))
}

// TestInterruptStopsAndResumes sends Ctrl-C once tasks are submitted: apply
// stops, keeps them recorded, and the next apply finishes them without
// submitting again. A second Ctrl-C exits at once.
func TestInterruptStopsAndResumes(t *testing.T) {
	srv := fakeapi.New(fakeapi.Options{TaskLatency: 3 * time.Second})
	defer srv.Close()
	dir := t.TempDir()
	prompts := writeSpec(t, dir, 4)

	cmd := pixformCmd(t, dir, srv, "apply", "-auto-approve", "-parallelism=2")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var out strings.Builder
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), "submitted (task") {
			cmd.Process.Signal(os.Interrupt)
			break
		}
	}
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
	}
	err = cmd.Wait()
	if err == nil {
		t.Fatalf("interrupted apply exited 0:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "run 'pixform apply' again to resume") {
		t.Errorf("interrupted apply did not say how to resume:\n%s", out.String())
	}
	if strings.Contains(out.String(), "Apply complete") || !strings.Contains(out.String(), "Apply interrupted: ") {
		t.Errorf("interrupted apply did not say it was interrupted:\n%s", out.String())
	}
	before := len(srv.Submissions())
	if before == 0 || before == len(prompts) {
		t.Fatalf("got %d submissions before the interrupt took effect, want some but not all", before)
	}

	final, err := pixformCmd(t, dir, srv, "apply", "-auto-approve").CombinedOutput()
	if err != nil {
		t.Fatalf("resumed apply failed: %v\n%s", err, final)
	}
	for _, p := range prompts {
		if n := srv.SubmitCount(p); n != 1 {
			t.Errorf("prompt %q submitted %d times, want 1", p, n)
		}
	}
	if !strings.Contains(string(final), "resuming task") {
		t.Errorf("resumed apply did not say it resumed a task:\n%s", final)
	}

	// A second Ctrl-C exits at once, with 130, even while a submission hangs.
	srv.Inject(fakeapi.Fault{Op: "submit", Kind: "slow", Delay: 20 * time.Second})
	writeSpec(t, dir, 6)
	cmd = pixformCmd(t, dir, srv, "apply", "-auto-approve")
	stdout, _ = cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc = bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "generating...") {
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	time.Sleep(200 * time.Millisecond) // the submission is on its way
	cmd.Process.Signal(os.Interrupt)
	time.Sleep(200 * time.Millisecond) // the first signal is handled before the second
	cmd.Process.Signal(os.Interrupt)
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("after two interrupts got %v, want exit status 130", err)
	}
}
