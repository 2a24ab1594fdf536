package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Main runs pixform as a process: os.Args, the standard streams, and one
// context that the first Ctrl-C (or SIGTERM) cancels. A second one exits at
// once; what was recorded is resumed by the next apply.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
		case <-done:
			return
		}
		select {
		case <-done: // stop() cancelled ctx after Run returned: no signal came
			return
		default:
		}
		again := make(chan os.Signal, 1)
		signal.Notify(again, os.Interrupt, syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "\nInterrupted: no new images are submitted; waiting tasks stay recorded. Press Ctrl-C again to exit at once.")
		select {
		case <-again:
			fmt.Fprintln(os.Stderr, "Interrupted again: exiting now. The next apply resumes recorded tasks.")
			os.Exit(130)
		case <-done:
		}
	}()
	return Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}
