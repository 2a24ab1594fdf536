//go:build linux

package state

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// processStart names a process's start as the kernel counts it: the boot
// it belongs to and its start time in clock ticks since that boot
// (/proc/PID/stat, field 22). Two processes with the same pid never share
// it, so it tells a live holder from a pid reused since. ok is false when
// it cannot be read.
func processStart(pid int) (string, bool) {
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", false
	}
	// The command name (field 2) is in parentheses and may hold spaces or
	// parentheses itself: the fields after it start after the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return "", false
	}
	fields := strings.Fields(string(stat[i+1:]))
	const startField = 22 - 3 // fields 3.. follow the ')'
	if len(fields) <= startField {
		return "", false
	}
	return strings.TrimSpace(string(boot)) + "/" + fields[startField], true
}

// processIsPixform reports whether the program a process runs is called
// pixform (its argv[0], or the file it executes); known is false when that
// cannot be read. It judges locks of pixforms that did not record
// processStart.
func processIsPixform(pid int) (is, known bool) {
	dir := "/proc/" + strconv.Itoa(pid)
	cmdline, err := os.ReadFile(dir + "/cmdline")
	if err != nil {
		return false, false
	}
	names := []string{string(bytes.SplitN(cmdline, []byte{0}, 2)[0])}
	if exe, err := os.Readlink(dir + "/exe"); err == nil {
		names = append(names, exe)
	}
	for _, n := range names {
		if strings.Contains(strings.ToLower(filepath.Base(n)), "pixform") {
			return true, true
		}
	}
	return false, len(cmdline) > 0 // a kernel thread has no cmdline: no judgement
}
