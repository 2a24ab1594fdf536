package cli_test

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/pixform/pixform/backend/pg"
	"github.com/pixform/pixform/internal/cli"
	"github.com/pixform/pixform/internal/fakeapi"
)

func TestMain(m *testing.M) {
	if os.Getenv("PIXFORM_TEST_AS_MAIN") == "1" { // a subprocess of crash_test.go
		os.Exit(cli.Main())
	}
	testscript.Main(m, map[string]func(){
		"pixform": func() { os.Exit(cli.Main()) },
	})
}

// TestScripts runs testdata/script/*.txtar: the CLI exactly as a user types it.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: false,
		Condition:           scriptCondition, // [pg]: pgwire_script_test.go
		Setup: func(env *testscript.Env) error {
			h := &fakeHolder{}
			env.Values["fake"] = h
			env.Values["pglocks"] = map[string]*pg.Session{} // pgwire_script_test.go
			env.Defer(func() {
				if h.srv != nil {
					h.srv.Close()
				}
			})
			env.Setenv("DEFAPI_API_KEY", "")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"pgschema":      cmdPGSchema, // pgwire_script_test.go
			"pglock":        cmdPGLock,
			"pgunlock":      cmdPGUnlock,
			"pgreadonly":    cmdPGReadOnly,
			"pgexec":        cmdPGExec,
			"pgawaitwaiter": cmdPGAwaitWaiter,
			"fakeapi":       cmdFakeAPI,
			"isimage":       cmdIsImage,
			"nosecret":      cmdNoSecret,
			"imagesize":     cmdImageSize,
		},
	})
}

type fakeHolder struct{ srv *fakeapi.Server }

// cmdFakeAPI drives the fake API of the script:
//
//	fakeapi start [lag=DUR] [latency=DUR] [consumed=CREDITS] [varied]
//	                                         start it; sets DEFAPI_BASE_URL and DEFAPI_API_KEY
//	fakeapi submits PROMPT N                 assert PROMPT was submitted N times
//	fakeapi submissions N                    assert N submissions in all
//	fakeapi fail PROMPT REASON               tasks with PROMPT end failed
//	fakeapi text PROMPT TEXT                 tasks with PROMPT answer in words
//	                                         (REASON and TEXT in double quotes take Go escapes: "\x1b[31m")
//	fakeapi fault OP KIND STATUS TIMES       inject a fault (see fakeapi.Fault)
//	fakeapi reject MODEL                     submissions of MODEL answer 400
//	fakeapi taskenv PROMPT VAR               set VAR to the task id of PROMPT's last submission
func cmdFakeAPI(ts *testscript.TestScript, neg bool, args []string) {
	h := ts.Value("fake").(*fakeHolder)
	if len(args) == 0 {
		ts.Fatalf("usage: fakeapi start|submits|submissions|fail|text|fault ...")
	}
	if args[0] != "start" && h.srv == nil {
		ts.Fatalf("fakeapi %s: the fake API is not started", args[0])
	}
	switch args[0] {
	case "start":
		var opts fakeapi.Options
		for _, kv := range args[1:] {
			k, v, _ := bytes.Cut([]byte(kv), []byte("="))
			if string(k) == "consumed" { // credits each task consumes, e.g. 1.000000
				opts.Consumed = string(v)
				continue
			}
			if string(k) == "varied" { // each submission of a prompt draws another image
				opts.Varied = true
				continue
			}
			d, err := time.ParseDuration(string(v))
			ts.Check(err)
			switch string(k) {
			case "lag":
				opts.RegistrationLag = d
			case "latency":
				opts.TaskLatency = d
			default:
				ts.Fatalf("fakeapi start: unknown option %s", k)
			}
		}
		h.srv = fakeapi.New(opts)
		ts.Setenv("DEFAPI_BASE_URL", h.srv.URL)
		ts.Setenv("DEFAPI_API_KEY", h.srv.Key())
	case "submits":
		want, err := strconv.Atoi(args[2])
		ts.Check(err)
		if got := h.srv.SubmitCount(args[1]); (got == want) == neg {
			ts.Fatalf("prompt %q submitted %d times, want %d", args[1], got, want)
		}
	case "submissions":
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if got := len(h.srv.Submissions()); (got == want) == neg {
			ts.Fatalf("%d submissions, want %d", got, want)
		}
	case "fail":
		h.srv.FailPrompt(args[1], goString(ts, args[2]))
	case "text":
		h.srv.TextPrompt(args[1], goString(ts, args[2]))
	case "reject":
		h.srv.RejectModel(args[1])
	case "taskenv":
		id := ""
		for _, sub := range h.srv.Submissions() {
			if sub.Prompt == args[1] {
				id = sub.TaskID
			}
		}
		if id == "" {
			ts.Fatalf("fakeapi taskenv: %q was never submitted", args[1])
		}
		ts.Setenv(args[2], id)
	case "fault":
		status, err := strconv.Atoi(args[3])
		ts.Check(err)
		times, err := strconv.Atoi(args[4])
		ts.Check(err)
		h.srv.Inject(fakeapi.Fault{Op: args[1], Kind: args[2], Status: status, Times: times})
	default:
		ts.Fatalf("fakeapi: unknown subcommand %s", args[0])
	}
}

// goString reads s as a Go string literal when it is double-quoted, so a
// script can send control characters; otherwise s is taken as it is.
func goString(ts *testscript.TestScript, s string) string {
	if !strings.HasPrefix(s, `"`) {
		return s
	}
	u, err := strconv.Unquote(s)
	ts.Check(err)
	return u
}

// cmdIsImage asserts that each file decodes as a PNG, or as the format
// a first argument -format=NAME names (jpeg, webp).
//
//	isimage [-format=jpeg] FILE...
func cmdIsImage(ts *testscript.TestScript, neg bool, args []string) {
	want := "png"
	if len(args) > 0 && strings.HasPrefix(args[0], "-format=") {
		want, args = strings.TrimPrefix(args[0], "-format="), args[1:]
	}
	for _, name := range args {
		data, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		_, format, err := image.Decode(bytes.NewReader(data))
		ok := err == nil && format == want
		if ok == neg {
			ts.Fatalf("%s: decodes as %s = %v (it is %q), want %v (%v)", name, want, ok, format, !neg, fmt.Sprint(err))
		}
	}
}

// cmdNoSecret asserts that no file below DIR holds the value of the
// environment variable NAME: nosecret NAME DIR.
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: nosecret NAME DIR")
	}
	secret := ts.Getenv(args[0])
	if secret == "" {
		ts.Fatalf("nosecret: $%s is empty", args[0])
	}
	var found []string
	err := filepath.WalkDir(ts.MkAbs(args[1]), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil && bytes.Contains(data, []byte(secret)) {
			found = append(found, path)
		}
		return err
	})
	ts.Check(err)
	if (len(found) == 0) == neg {
		ts.Fatalf("files holding $%s: %v", args[0], found)
	}
}
