package tessera_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/tessera-array/tessera"

// allowed is the package table of docs/packages.md: which of our packages
// each package may import directly. An edge to a package that a listed
// package may import is allowed too (imports point one way, so layering is
// transitive). A package's own sub-packages (zarr/storetest, say) follow
// its row and may import the package itself. "*" means anything. The
// module root ("") holds documentation only.
var allowed = mustReadTable("docs/packages.md")

// mustReadTable parses the rows "| `pkg` | job | `dep`, `dep` |" of the
// markdown table at path; "—" means none.
func mustReadTable(path string) map[string][]string {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	out := map[string][]string{"": {}}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || !strings.HasPrefix(strings.TrimSpace(cells[1]), "`") {
			continue
		}
		pkg := strings.Trim(strings.TrimSpace(cells[1]), "`")
		deps := []string{}
		for _, d := range strings.Split(cells[3], ",") {
			if d = strings.Trim(strings.TrimSpace(d), "`"); d != "" && d != "—" {
				deps = append(deps, d)
			}
		}
		out[pkg] = deps
	}
	if len(out) < 10 {
		panic(fmt.Sprintf("%s: only %d table rows", path, len(out)))
	}
	return out
}

// row finds the table row of a package path relative to the module: the
// longest listed prefix.
func row(rel string) (string, bool) {
	best, ok := "", false
	for k := range allowed {
		if k == "" {
			continue
		}
		if (rel == k || strings.HasPrefix(rel, k+"/")) && len(k) >= len(best) {
			best, ok = k, true
		}
	}
	if rel == "" {
		return "", true
	}
	return best, ok
}

// closure expands a row's allowed list transitively.
func closure(r string) map[string]bool {
	out := map[string]bool{}
	var walk func(string)
	walk = func(k string) {
		for _, dep := range allowed[k] {
			if !out[dep] {
				out[dep] = true
				walk(dep)
			}
		}
	}
	walk(r)
	return out
}

func TestImportEdgesFollowDesign(t *testing.T) {
	// Tests and examples (external _test packages) may import anything;
	// the table governs the packages themselves.
	cmd := exec.Command("go", "list", "-deps", "-json", "./...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var bad []string
	seen := 0
	for {
		var p struct {
			ImportPath string
			Imports    []string
			ForTest    string
		}
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		path := p.ImportPath
		if p.ForTest != "" || strings.Contains(path, " [") {
			continue
		}
		if !strings.HasPrefix(path, module) || strings.HasSuffix(path, ".test") {
			continue
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
		r, ok := row(rel)
		if !ok {
			bad = append(bad, rel+": not in the package table (add a row to docs/packages.md)")
			continue
		}
		seen++
		ok2 := closure(r)
		if ok2["*"] {
			continue
		}
		for _, imp := range p.Imports {
			if i := strings.Index(imp, " ["); i >= 0 {
				imp = imp[:i]
			}
			if !strings.HasPrefix(imp, module) {
				continue
			}
			irel := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if irel == rel || irel == r || strings.HasPrefix(irel, r+"/") && r != "" {
				continue // itself, or its own family
			}
			ir, _ := row(irel)
			if strings.HasPrefix(irel, "internal/") && ok2["chunk"] {
				continue // internal helpers sit below every package that may use chunk
			}
			if !ok2[ir] {
				bad = append(bad, rel+" imports "+irel)
			}
		}
	}
	if seen == 0 {
		t.Fatal("go list returned none of our packages")
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("forbidden import edge: %s", b)
	}
}

func TestRowLookup(t *testing.T) {
	for rel, want := range map[string]string{"zarr/storetest": "zarr", "cluster/remote": "cluster/remote", "cluster": "cluster", "examples/scale": "examples"} {
		if got, ok := row(rel); !ok || got != want {
			t.Errorf("row(%q) = %q %v, want %q", rel, got, ok, want)
		}
	}
	if _, ok := row("mystery"); ok {
		t.Error("unknown package found a row")
	}
	if c := closure("vrt"); !c["cluster"] || c["codec"] {
		t.Errorf("closure(vrt) = %v", c)
	}
}
