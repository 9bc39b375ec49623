package slurm

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// FuzzParseWalltime: no input panics; an accepted limit is non-negative,
// at most 100 years, and made of digits, ':' and '-' only (it goes into
// the script as it is).
func FuzzParseWalltime(f *testing.F) {
	for _, s := range []string{"00:30:00", "1-00:00", "2-03", "10:30", "30", "1-00:00:00", "999999999-999999999:999999999:999999999", "+1", "1e3", "٣٠"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 64 {
			return
		}
		d, err := ParseWalltime(s)
		if err != nil {
			return
		}
		if d < 0 || d > maxWalltime {
			t.Fatalf("%q: %v", s, d)
		}
		if strings.Trim(s, "0123456789:-") != "" {
			t.Fatalf("%q accepted with other characters", s)
		}
	})
}

// refRE finds $NAME and ${NAME} references (written apart from varRef).
var refRE = regexp.MustCompile(`\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})`)

// FuzzShellWord runs the quoted word through a real bash: the one
// argument it receives is the input with every $NAME/${NAME} reference
// expanded and nothing else changed.
func FuzzShellWord(f *testing.F) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		f.Skip("no bash")
	}
	for _, s := range []string{"/scratch/$USER", "$TMPDIR/x y", "${SLURM_JOB_ID}", "it's", `a"b\c`, "$(id)", "`id`", "$", "$$", "${x:-y}", "a b", "*", "~", "#x", "!x", "é$é", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 || !isWord(s) {
			return
		}
		env := []string{"PATH=/usr/bin:/bin"}
		want := refRE.ReplaceAllStringFunc(s, func(ref string) string {
			name := strings.Trim(ref, "${}")
			env = append(env, name+"=<"+name+">")
			return "<" + name + ">"
		})
		for _, e := range env[1:] {
			switch strings.SplitN(e, "=", 2)[0] {
			case "PATH", "IFS", "PPID", "PWD", "OLDPWD", "HOME", "SHELLOPTS", "BASHOPTS", "BASH_ENV", "ENV", "UID", "EUID", "RANDOM", "SECONDS", "LINENO", "SHLVL", "HOSTNAME", "HOSTTYPE", "OSTYPE", "MACHTYPE", "BASH", "BASHPID", "OPTIND", "OPTERR", "PS4", "_", "EPOCHSECONDS", "EPOCHREALTIME", "SRANDOM", "BASH_ARGV0", "BASH_COMMAND", "BASH_SUBSHELL", "GROUPS", "FUNCNAME", "COLUMNS", "LINES", "HISTCMD", "BASH_VERSION", "BASH_LINENO", "BASH_SOURCE", "DIRSTACK", "PIPESTATUS", "BASH_VERSINFO", "BASH_REMATCH", "BASH_ARGC", "BASH_ARGV", "BASH_ALIASES", "BASH_CMDS", "COMP_WORDBREAKS", "MAILCHECK", "PS1", "PS2", "HISTFILE", "HISTFILESIZE", "HISTSIZE", "TERM", "PROMPT_COMMAND":
				return // bash sets or reinterprets these itself
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bash, "--norc", "--noprofile", "-c", "printf '%s' "+shellWord(s))
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q quoted as %s: bash: %v: %s", s, shellWord(s), err, out)
		}
		if string(out) != want {
			t.Fatalf("%q quoted as %s reached the program as %q, want %q", s, shellWord(s), out, want)
		}
	})
}
