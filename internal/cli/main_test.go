package cli

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestMainNoSpuriousInterrupt runs Main for a command that returns at once,
// many times: the end of Main cancels its signal context, and that must not
// print "Interrupted" as if the user had pressed Ctrl-C.
func TestMainNoSpuriousInterrupt(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	oldArgs, oldOut, oldErr := os.Args, os.Stdout, os.Stderr
	os.Args, os.Stdout, os.Stderr = []string{"pixform", "validate", "-no-such-flag"}, devnull, w
	var got strings.Builder
	read := make(chan struct{})
	go func() {
		_, _ = io.Copy(&got, r)
		close(read)
	}()
	for i := 0; i < 300; i++ {
		if code := Main(); code != ExitError {
			t.Errorf("run %d: exit %d, want %d", i, code, ExitError)
		}
	}
	time.Sleep(50 * time.Millisecond) // let a stray goroutine print
	os.Args, os.Stdout, os.Stderr = oldArgs, oldOut, oldErr
	w.Close()
	<-read
	if n := strings.Count(got.String(), "Interrupted"); n > 0 {
		t.Errorf("%d of 300 runs printed an interruption that never happened", n)
	}
}
