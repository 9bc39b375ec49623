package tessera_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeSnippetsAreExamples keeps README.md's "Using it" snippets
// compiled and run: each ```go block there must be, line for line, part of
// a declaration in example_test.go (an Example's body, or a type or init
// it uses), whose // Output: the test run checks.
func TestReadmeSnippetsAreExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	src, err := os.ReadFile("example_test.go")
	require.NoError(t, err)

	section := string(readme)
	start := strings.Index(section, "\n## Using it\n")
	require.GreaterOrEqual(t, start, 0, "README has a \"Using it\" section")
	section = section[start+1:]
	if end := strings.Index(section[1:], "\n## "); end >= 0 {
		section = section[:end+1]
	}
	blocks := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(section, -1)
	require.NotEmpty(t, blocks, "go snippets in \"Using it\"")

	// The example file with one level of indentation removed, so that a
	// snippet of a function body reads as it does in the README; snippets
	// of whole declarations are matched against the file as it is.
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		lines = append(lines, strings.TrimPrefix(l, "\t"))
	}
	flat := "\n" + strings.Join(lines, "\n") + "\n"
	for i, b := range blocks {
		snippet := "\n" + b[1]
		ok := strings.Contains(flat, snippet) || strings.Contains("\n"+string(src), snippet)
		assert.True(t, ok, "README snippet %d is not in example_test.go:\n%s", i+1, b[1])
	}
}
