package state

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"
)

// decodeFast parses a state.json of this version without reflection: at
// 10,000 images encoding/json spends a hundred milliseconds on what a plan
// reads before anything else. It handles the file as encodeState writes
// it, and reports false on anything else (an unknown or differently cased
// key, a null, a number of another form, invalid JSON): decodeState then
// parses the file with encoding/json, so the result is always what
// encoding/json would give.
func decodeFast(data []byte) (*State, bool) {
	p := &fastParser{data: data, intern: map[string]string{}}
	var s State
	ok := p.object(func(key string) bool {
		switch key {
		case "version":
			n, ok := p.int()
			s.Version = int(n)
			return ok
		case "serial":
			n, ok := p.uint()
			s.Serial = n
			return ok
		case "lineage":
			return p.str(&s.Lineage)
		case "assets": // a map met again is added to, as encoding/json does
			if s.Assets == nil { // sized once: growing a map of 10,000 rehashes it a dozen times
				s.Assets = make(map[string]*Asset, bytes.Count(data, []byte(`"generated_at":`)))
			}
			return p.entries(func(addr string) bool {
				a := &Asset{}
				s.Assets[addr] = a
				return p.asset(addr, a)
			})
		case "pending":
			if s.Pending == nil {
				s.Pending = map[string]*Pending{}
			}
			return p.entries(func(addr string) bool {
				pe := &Pending{}
				s.Pending[addr] = pe
				return p.pending(pe)
			})
		case "files":
			if s.Files == nil {
				s.Files = make(map[string]FileHash, bytes.Count(data, []byte(`"mtime":`)))
			}
			return p.entries(func(path string) bool {
				var h FileHash
				ok := p.object(func(k string) bool {
					switch k {
					case "size":
						return p.intTo(&h.Size)
					case "mtime":
						return p.intTo(&h.ModTime)
					case "inode":
						n, ok := p.uint()
						h.Inode = n
						return ok
					case "sha256":
						return p.str(&h.SHA256)
					case "format":
						return p.istr(&h.Format)
					}
					return false
				})
				s.Files[path] = h
				return ok
			})
		case "models":
			if s.Models == nil {
				s.Models = map[string]ModelStats{}
			}
			return p.object(func(model string) bool {
				var m ModelStats
				ok := p.object(func(k string) bool {
					switch k {
					case "tasks":
						n, ok := p.int()
						m.Tasks = int(n)
						return ok
					case "consumed":
						return p.float(&m.Consumed)
					}
					return false
				})
				s.Models[model] = m
				return ok
			})
		}
		return false
	})
	if !ok || !p.end() {
		return nil, false
	}
	return &s, true
}

func (p *fastParser) asset(key string, a *Asset) bool {
	return p.object(func(k string) bool {
		switch k {
		case "addr":
			p.same = key // the address is most often the key itself
			ok := p.str(&a.Addr)
			p.same = ""
			return ok
		case "output":
			return p.str(&a.Output)
		case "sha256":
			return p.str(&a.SHA256)
		case "fingerprint":
			return p.str(&a.Fingerprint)
		case "provider":
			return p.istr(&a.Provider)
		case "model":
			return p.istr(&a.Model)
		case "prompt":
			return p.str(&a.Prompt)
		case "inputs":
			if a.Inputs == nil {
				a.Inputs = map[string]string{}
			}
			return p.object(func(name string) bool {
				var v string
				p.same = a.Prompt // inputs["prompt"] is most often the prompt
				ok := p.istr(&v)
				p.same = ""
				a.Inputs[name] = v
				return ok
			})
		case "refs":
			return p.istrings(&a.Refs)
		case "ignored":
			return p.istrings(&a.Ignored)
		case "task_id":
			return p.str(&a.TaskID)
		case "consumed":
			return p.float(&a.Consumed)
		case "generated_at":
			return p.time(&a.GeneratedAt)
		case "sensitive":
			return p.bool(&a.Sensitive)
		case "pick":
			return p.str(&a.Pick)
		}
		return false
	})
}

func (p *fastParser) pending(pe *Pending) bool {
	return p.object(func(k string) bool {
		switch k {
		case "addr":
			return p.str(&pe.Addr)
		case "fingerprint":
			return p.str(&pe.Fingerprint)
		case "provider":
			return p.str(&pe.Provider)
		case "model":
			return p.str(&pe.Model)
		case "task_id":
			return p.str(&pe.TaskID)
		case "intent_at":
			return p.time(&pe.IntentAt)
		case "submitted_at":
			return p.time(&pe.SubmittedAt)
		case "unsent":
			return p.bool(&pe.Unsent)
		case "ambiguous":
			return p.bool(&pe.Ambiguous)
		case "counted":
			return p.bool(&pe.Counted)
		}
		return false
	})
}

// fastParser reads JSON from data at i.
type fastParser struct {
	data []byte
	i    int
	// intern holds the keys and the values met many times (providers,
	// models, references, input names and values), so that 10,000 assets
	// share one copy of each instead of allocating it again: at 100,000
	// images that is most of decodeFast's allocations.
	intern    map[string]string
	interning bool   // str interns what it reads
	same      string // str returns this string itself for equal bytes
}

// maxInterned bounds intern: past it, strings are allocated as they come.
const maxInterned = 1 << 14

// istr is str, interning the string.
func (p *fastParser) istr(dst *string) bool {
	p.interning = true
	ok := p.str(dst)
	p.interning = false
	return ok
}

// istrings is strings, interning each string.
func (p *fastParser) istrings(dst *[]string) bool {
	p.interning = true
	ok := p.strings(dst)
	p.interning = false
	return ok
}

// toString is string(b), shared with an equal string read before where
// the parser is interning.
func (p *fastParser) toString(b []byte) string {
	if p.same != "" && string(b) == p.same {
		return p.same
	}
	if !p.interning {
		return string(b)
	}
	if s, ok := p.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(p.intern) < maxInterned {
		p.intern[s] = s
	}
	return s
}

func (p *fastParser) ws() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\n', '\t', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fastParser) eat(c byte) bool {
	p.ws()
	if p.i < len(p.data) && p.data[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *fastParser) end() bool {
	p.ws()
	return p.i == len(p.data)
}

// object reads an object, calling member for each key with the parser at
// its value. Duplicate keys are given to member in order, as encoding/json
// applies them. The keys are interned: object is for the objects whose
// keys repeat (fields, input names).
func (p *fastParser) object(member func(key string) bool) bool {
	return p.members(true, member)
}

// entries is object for a map whose keys are each met once (addresses,
// paths): they are not interned.
func (p *fastParser) entries(member func(key string) bool) bool {
	return p.members(false, member)
}

func (p *fastParser) members(intern bool, member func(key string) bool) bool {
	if !p.eat('{') {
		return false
	}
	if p.eat('}') {
		return true
	}
	for {
		var key string
		p.interning = intern
		ok := p.str(&key)
		p.interning = false
		if !ok || !p.eat(':') || !member(key) {
			return false
		}
		if p.eat('}') {
			return true
		}
		if !p.eat(',') {
			return false
		}
	}
}

// str reads a string. Escapes other than \uXXXX are undone here; a
// string with \uXXXX (encoding/json writes <, > and & so) is given to
// encoding/json, and so is one with bytes that are not UTF-8.
func (p *fastParser) str(dst *string) bool {
	if !p.eat('"') {
		return false
	}
	open, start := p.i-1, p.i
	ascii := true
	var buf []byte // the string so far, once an escape was met
	for p.i < len(p.data) {
		c := p.data[p.i]
		switch {
		case c == '"':
			b := p.data[start:p.i]
			if buf != nil {
				b = append(buf, b...)
			}
			p.i++
			if !ascii && !utf8.Valid(b) {
				return false // encoding/json replaces invalid bytes: let it
			}
			*dst = p.toString(b)
			return true
		case c == '\\' && p.i+1 < len(p.data):
			e, ok := unescape[p.data[p.i+1]]
			if !ok {
				return p.slowString(open, dst)
			}
			buf = append(append(buf, p.data[start:p.i]...), e)
			p.i += 2
			start = p.i
			continue
		case c < 0x20 || c == '\\':
			return false
		case c >= 0x80:
			ascii = false
		}
		p.i++
	}
	return false
}

// unescape maps the character after a backslash to what it stands for.
var unescape = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// slowString reads the string token that starts at the quote at start
// with encoding/json.
func (p *fastParser) slowString(start int, dst *string) bool {
	end := start + 1
	for end < len(p.data) && p.data[end] != '"' {
		if p.data[end] == '\\' {
			end++
		}
		end++
	}
	if end >= len(p.data) {
		return false
	}
	p.i = end + 1
	var v string // dst itself would escape to the heap, for every string read
	if json.Unmarshal(p.data[start:p.i], &v) != nil {
		return false
	}
	*dst = v
	return true
}

func (p *fastParser) strings(dst *[]string) bool {
	if !p.eat('[') {
		return false
	}
	out := []string{}
	if !p.eat(']') {
		for {
			var v string
			if !p.str(&v) {
				return false
			}
			out = append(out, v)
			if p.eat(']') {
				break
			}
			if !p.eat(',') {
				return false
			}
		}
	}
	*dst = out
	return true
}

// number returns the bytes of a number token.
func (p *fastParser) number() []byte {
	p.ws()
	start := p.i
	for p.i < len(p.data) {
		c := p.data[p.i]
		if c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' && (c < '0' || c > '9') {
			break
		}
		p.i++
	}
	return p.data[start:p.i]
}

func (p *fastParser) int() (int64, bool) {
	b := p.number()
	if !jsonInt(b) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	return n, err == nil
}

// jsonInt tells whether b is an integer as JSON writes one: an optional
// minus, then 0 or digits not starting with 0 (strconv also takes "+1"
// and "01").
func jsonInt(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 || (b[0] == '0' && len(b) > 1) {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (p *fastParser) intTo(dst *int64) bool {
	n, ok := p.int()
	*dst = n
	return ok
}

func (p *fastParser) uint() (uint64, bool) {
	b := p.number()
	if !jsonInt(b) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	return n, err == nil
}

func (p *fastParser) float(dst *float64) bool {
	b := p.number()
	if !json.Valid(b) { // strconv takes forms JSON does not, such as "1." or "+1"
		return false
	}
	f, err := strconv.ParseFloat(string(b), 64)
	*dst = f
	return err == nil
}

func (p *fastParser) bool(dst *bool) bool {
	p.ws()
	switch {
	case len(p.data)-p.i >= 4 && string(p.data[p.i:p.i+4]) == "true":
		*dst, p.i = true, p.i+4
		return true
	case len(p.data)-p.i >= 5 && string(p.data[p.i:p.i+5]) == "false":
		*dst, p.i = false, p.i+5
		return true
	}
	return false
}

// time parses a time as time.Time's UnmarshalJSON does.
func (p *fastParser) time(dst *time.Time) bool {
	p.ws()
	start := p.i
	var s string
	if !p.str(&s) {
		return false
	}
	return dst.UnmarshalJSON(p.data[start:p.i]) == nil
}
