// Command scale tells the seed's first story: reflectance in [0, 1) stored as
// float64 takes 8 bytes a value; scaled by 10000, rounded and stored as int16
// it takes 2, and no value moves by more than half a step (0.5e-4).
//
//	go run ./examples/scale [-rows 1000] [-cols 10000]
package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/tessera-array/tessera/block"
)

func main() {
	rows := flag.Int("rows", 1000, "rows of the reflectance array")
	cols := flag.Int("cols", 10000, "columns of the reflectance array")
	seed := flag.Uint64("seed", 42, "random seed")
	flag.Parse()
	if err := run(*rows, *cols, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(rows, cols int, seed uint64) error {
	refl, err := block.New(block.Float64, rows, cols)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	v := block.Values[float64](refl)
	for i := range v {
		v[i] = r.Float64()
	}

	so := block.ScaleOffset{Scale: 1e-4} // stored = round(refl * 10000)
	packed, err := so.Pack(refl, block.Int16, block.OverflowError)
	if err != nil {
		return err
	}
	back, err := so.Unpack(packed, block.Float64)
	if err != nil {
		return err
	}
	maxErr := 0.0
	for i, x := range block.Values[float64](back) {
		maxErr = math.Max(maxErr, math.Abs(x-v[i]))
	}

	fmt.Printf("reflectance %d x %d\n", rows, cols)
	fmt.Printf("  float64: %8.1f MB\n", float64(refl.Nbytes())/1e6)
	fmt.Printf("  int16:   %8.1f MB  (x10000, rounded half to even)\n", float64(packed.Nbytes())/1e6)
	fmt.Printf("  saved:   %8.1f%%\n", 100*(1-float64(packed.Nbytes())/float64(refl.Nbytes())))
	fmt.Printf("  largest round-trip error: %.3g (limit 1e-4)\n", maxErr)
	if maxErr > 1e-4 {
		return fmt.Errorf("round-trip error %.3g exceeds 1e-4", maxErr)
	}
	return nil
}
