package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/tessera-array/tessera/vrt"
)

func init() {
	register("buildvrt", "build a mosaic VRT (gdalbuildvrt's options)", func(ctx context.Context, w io.Writer, args []string) error {
		return buildVRTCmd(ctx, args, w)
	})
}

const buildVRTUsage = `tessera buildvrt [-resolution {highest|lowest|average|user}] [-te xmin ymin xmax ymax]
    [-tr xres yres] [-separate] [-srcnodata "value [value...]"|None] [-vrtnodata "value [value...]"|None]
    [-allow_projection_difference] [-input_file_list FILE] [-overwrite] [-q] OUT.vrt IN...`

// buildVRTArgs is a parsed buildvrt command line.
type buildVRTArgs struct {
	out       string
	inputs    []string
	listFile  string
	overwrite bool
	quiet     bool
	opts      vrt.Options
}

// parseBuildVRT reads gdalbuildvrt's main options. Options may come in any
// order before and between file names, as gdalbuildvrt allows.
func parseBuildVRT(args []string) (*buildVRTArgs, error) {
	a := &buildVRTArgs{}
	var files []string
	need := func(i, n int) error {
		if i+n >= len(args) {
			return fmt.Errorf("%w: %s needs %d value(s)\n%s", errUsage, args[i], n, buildVRTUsage)
		}
		return nil
	}
	nums := func(i, n int) ([]float64, error) {
		if err := need(i, n); err != nil {
			return nil, err
		}
		out := make([]float64, n)
		for k := 0; k < n; k++ {
			f, err := strconv.ParseFloat(args[i+1+k], 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("%w: %s: %q is not a finite number", errUsage, args[i], args[i+1+k])
			}
			out[k] = f
		}
		return out, nil
	}
	for i := 0; i < len(args); i++ {
		s := args[i]
		switch strings.ToLower(s) {
		case "-resolution":
			if err := need(i, 1); err != nil {
				return nil, err
			}
			a.opts.Resolution = strings.ToLower(args[i+1])
			switch a.opts.Resolution {
			case "highest", "lowest", "average", "user":
			default:
				return nil, fmt.Errorf("%w: -resolution %q", errUsage, args[i+1])
			}
			i++
		case "-te":
			v, err := nums(i, 4)
			if err != nil {
				return nil, err
			}
			a.opts.Extent = &[4]float64{v[0], v[1], v[2], v[3]}
			i += 4
		case "-tr":
			v, err := nums(i, 2)
			if err != nil {
				return nil, err
			}
			a.opts.XRes, a.opts.YRes = v[0], v[1]
			i += 2
		case "-separate":
			a.opts.Separate = true
		case "-allow_projection_difference":
			a.opts.AllowProjectionDifference = true
		case "-overwrite":
			a.overwrite = true
		case "-q", "-quiet":
			a.quiet = true
		case "-srcnodata", "-vrtnodata":
			if err := need(i, 1); err != nil {
				return nil, err
			}
			none, vals, err := nodataList(args[i+1])
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", errUsage, s, err)
			}
			if strings.EqualFold(s, "-srcnodata") {
				a.opts.SrcNoDataNone, a.opts.SrcNoData = none, vals
			} else {
				a.opts.VRTNoDataNone, a.opts.VRTNoData = none, vals
			}
			i++
		case "-input_file_list":
			if err := need(i, 1); err != nil {
				return nil, err
			}
			a.listFile = args[i+1]
			i++
		default:
			if strings.HasPrefix(s, "-") && len(s) > 1 {
				return nil, fmt.Errorf("%w: unknown option %s\n%s", errUsage, s, buildVRTUsage)
			}
			files = append(files, s)
		}
	}
	if a.opts.Resolution == "user" && a.opts.XRes == 0 {
		return nil, fmt.Errorf("%w: -resolution user needs -tr", errUsage)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no output file\n%s", errUsage, buildVRTUsage)
	}
	a.out, a.inputs = files[0], files[1:]
	if len(a.inputs) == 0 && a.listFile == "" {
		return nil, fmt.Errorf("%w: no input files\n%s", errUsage, buildVRTUsage)
	}
	return a, nil
}

// nodataList reads "None" or space-separated numbers ("nan" allowed).
func nodataList(s string) (bool, []float64, error) {
	if strings.EqualFold(strings.TrimSpace(s), "none") {
		return true, nil, nil
	}
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return false, nil, errors.New("empty value list")
	}
	out := make([]float64, len(fields))
	for k, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return false, nil, fmt.Errorf("%q is not a number", f)
		}
		out[k] = v
	}
	return false, out, nil
}

func buildVRTCmd(ctx context.Context, args []string, stdout io.Writer) error {
	a, err := parseBuildVRT(args)
	if err != nil {
		return err
	}
	if a.listFile != "" {
		f, err := os.Open(a.listFile)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				a.inputs = append(a.inputs, line)
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return err
		}
	}
	if _, err := os.Stat(a.out); err == nil && !a.overwrite {
		return fmt.Errorf("%s already exists (use -overwrite)", a.out)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	info, err := vrt.Build(a.out, a.inputs, a.opts)
	if err != nil {
		return err
	}
	if !a.quiet {
		fmt.Fprintf(stdout, "%s: %d x %d, %d band(s), %d input(s)\n", a.out, info.Width, info.Height, len(info.Bands), len(a.inputs))
	}
	return nil
}
