package slurm

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OptionError reports an option whose value cannot go into a job script:
// Option names the Options field (with the index of a list entry, e.g.
// "JobExtraDirectives[1]"), Value is the value refused and Reason says
// why. errors.Is(err, ErrOptions) holds for it.
type OptionError struct {
	Option string
	Value  string
	Reason string
}

// Error formats the refusal as `slurm: invalid option OPTION "VALUE":
// REASON`, the value quoted with %q.
func (e *OptionError) Error() string {
	return fmt.Sprintf("slurm: invalid option %s %q: %s", e.Option, e.Value, e.Reason)
}

// Unwrap returns ErrOptions.
func (e *OptionError) Unwrap() error { return ErrOptions }

func optErr(option, value, format string, args ...any) error {
	return &OptionError{Option: option, Value: value, Reason: fmt.Sprintf(format, args...)}
}

// validate checks every option that lands in the job script. Values the
// script holds as words (paths, interface, worker command) may contain any
// printable character: they are quoted. Values that become directive
// arguments in the grammar Slurm defines (partitions, account, job name,
// walltime, memory) must match it. Whole lines the user gives (extra
// directives, prologue) are taken as they are, one line per entry.
func (o *Options) validate() error {
	if o.Queue != "" {
		for _, p := range strings.Split(o.Queue, ",") {
			if !isSlurmName(p) {
				return optErr("Queue", o.Queue, "want a partition name or a comma list of them (letters, digits, '_', '-', '.'; not starting with '-')")
			}
		}
	}
	if o.Account != "" && !isSlurmName(o.Account) {
		return optErr("Account", o.Account, "want an account name (letters, digits, '_', '-', '.'; not starting with '-')")
	}
	if o.JobName != "" && !isJobName(o.JobName) {
		return optErr("JobName", o.JobName, "want letters, digits and '_', '-', '.', '+', '@', not starting with '-'")
	}
	if o.Shebang != "" && (!strings.HasPrefix(o.Shebang, "#!") || !isLine(o.Shebang)) {
		return optErr("Shebang", o.Shebang, "want one line starting with #!")
	}
	for i, d := range o.JobExtraDirectives {
		if !isLine(d) {
			return optErr(fmt.Sprintf("JobExtraDirectives[%d]", i), d, "one directive per entry: no newline or control character")
		}
	}
	for i, l := range o.JobScriptPrologue {
		if !isLine(l) {
			return optErr(fmt.Sprintf("JobScriptPrologue[%d]", i), l, "one line per entry: no newline or control character")
		}
	}
	for i, a := range o.WorkerCommand {
		if !isWord(a) {
			return optErr(fmt.Sprintf("WorkerCommand[%d]", i), a, "no newline or control character")
		}
	}
	if o.Interface != "" && !isInterface(o.Interface) {
		return optErr("Interface", o.Interface, "want a network interface name (ib0, eth0)")
	}
	if o.SchedulerInterface != "" && !isInterface(o.SchedulerInterface) {
		return optErr("SchedulerInterface", o.SchedulerInterface, "want a network interface name (ib0, eth0)")
	}
	for _, f := range [...]struct{ name, v string }{
		{"LocalDirectory", o.LocalDirectory}, {"LogDirectory", o.LogDirectory}, {"SharedDirectory", o.SharedDirectory},
	} {
		if f.v != "" && !isWord(f.v) {
			return optErr(f.name, f.v, "no newline or control character")
		}
	}
	return nil
}

// isSlurmName reports a partition or account name (never starting with
// '-', which would read as an option).
func isSlurmName(s string) bool {
	if s == "" || len(s) > 255 || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// isJobName reports a job name that is safe both as a directive argument
// and inside the log file names (no '/', no '%' pattern).
func isJobName(s string) bool {
	if len(s) > 255 || strings.HasPrefix(s, "-") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.+@", r)) {
			return false
		}
	}
	return true
}

// isInterface reports a network interface name.
func isInterface(s string) bool {
	if len(s) > 64 || strings.HasPrefix(s, "-") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.:@", r)) {
			return false
		}
	}
	return true
}

// isLine reports valid UTF-8 with no control character but tab: text that
// stays one line of the script.
func isLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r != '\t' && (unicode.IsControl(r) || r == '\u2028' || r == '\u2029') {
			return false
		}
	}
	return true
}

// isWord reports valid UTF-8 with no control character at all.
func isWord(s string) bool { return isLine(s) && !strings.ContainsRune(s, '\t') }

// shellWord quotes s as one word for sh. References to environment
// variables, $NAME and ${NAME}, expand when the job runs ($TMPDIR, $USER,
// $SLURM_JOB_ID) inside double quotes, so their values are neither split
// nor globbed; everything else is literal (single-quoted when it holds
// anything but letters, digits and -_./:=,@%+).
func shellWord(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	lit := func(l string) {
		if l == "" {
			return
		}
		if isPlain(l) {
			b.WriteString(l)
			return
		}
		b.WriteString("'" + strings.ReplaceAll(l, "'", `'\''`) + "'")
	}
	start := 0
	for i := 0; i < len(s); {
		if s[i] != '$' {
			i++
			continue
		}
		n := varRef(s[i:])
		if n == 0 {
			i++
			continue
		}
		lit(s[start:i])
		b.WriteString(`"` + s[i:i+n] + `"`)
		i += n
		start = i
	}
	lit(s[start:])
	return b.String()
}

// varRef returns the length of the $NAME or ${NAME} reference at the start
// of s, or 0.
func varRef(s string) int {
	isName := func(c byte, first bool) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
	}
	if len(s) < 2 {
		return 0
	}
	if s[1] == '{' {
		j := 2
		for j < len(s) && isName(s[j], j == 2) {
			j++
		}
		if j > 2 && j < len(s) && s[j] == '}' {
			return j + 1
		}
		return 0
	}
	j := 1
	for j < len(s) && isName(s[j], j == 1) {
		j++
	}
	if j == 1 {
		return 0
	}
	return j
}

func isPlain(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r)) {
			return false
		}
	}
	return true
}

// directiveArg quotes s as one argument of an #SBATCH line the way sbatch
// reads them: bare when plain, else in double quotes with '\' and '"'
// escaped by a backslash (sbatch honours quotes, backslash escapes, and
// '#' inside quotes).
func directiveArg(s string) string {
	if s != "" && isPlain(s) {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// filenamePattern escapes '%' for Slurm's filename patterns (-o, -e), where
// "%%" is a literal '%'.
func filenamePattern(s string) string { return strings.ReplaceAll(s, "%", "%%") }
