package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseFlags parses args with fs so that flags and positional arguments mix
// freely, as GDAL's and zarr's tools allow: "convert SRC DST -format 3" and
// "convert -format 3 SRC DST" mean the same. A lone "--" ends flag parsing;
// everything after it is positional. It returns the positional arguments
// in order. A flag error (unknown flag, bad value) is returned wrapped in
// errUsage; "-h"/"--help" returns flag.ErrHelp after fs printed its usage.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// flag.Parse stops at the first non-flag or after "--"; tell
		// them apart by what preceded the remainder.
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
