package main

import (
	"flag"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseFlagsMixesFlagsAndPositionals(t *testing.T) {
	for _, args := range [][]string{
		{"-format", "3", "a", "b"},
		{"a", "b", "-format", "3"},
		{"a", "-format", "3", "b"},
		{"a", "-format=3", "b"},
	} {
		fs := flag.NewFlagSet("convert", flag.ContinueOnError)
		format := fs.Int("format", 2, "")
		pos, err := parseFlags(fs, args)
		require.NoError(t, err, "%v", args)
		assert.Equal(t, []string{"a", "b"}, pos, "%v", args)
		assert.Equal(t, 3, *format, "%v", args)
	}
}

func TestParseFlagsDoubleDashEndsFlags(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	v := fs.Bool("v", false, "")
	pos, err := parseFlags(fs, []string{"a", "--", "-v", "b"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "-v", "b"}, pos)
	assert.False(t, *v)
}

func TestParseFlagsErrorsAreUsage(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	_, err := parseFlags(fs, []string{"a", "-nope"})
	require.Error(t, err)
	assert.ErrorIs(t, err, errUsage)
	assert.Contains(t, err.Error(), "-nope")
	_, err = parseFlags(flag.NewFlagSet("x", flag.ContinueOnError), []string{"-h"})
	assert.ErrorIs(t, err, flag.ErrHelp)
}
