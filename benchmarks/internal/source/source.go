// Package source holds the block functions the benchmark programs share.
package source

import (
	"context"
	"math/rand/v2"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/ndarray"
)

// RandomBlock is an ndarray.BlockFunc that fills a float64 block with
// uniform values from a PCG seeded by the block index: a materialised
// source, as dask's da.random.random is (a lazy tessera generator would
// rechunk for free, without moving any block). Programs register it under
// a name of their own with ndarray.RegisterFunc.
func RandomBlock(ctx context.Context, _ []*block.Dense, info ndarray.BlockInfo) (*block.Dense, error) {
	d, err := ndarray.Alloc(ctx, block.Float64, info.Box.Shape()...)
	if err != nil {
		return nil, err
	}
	seed := uint64(0)
	for _, i := range info.Index {
		seed = seed*1_000_003 + uint64(i)
	}
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	v := block.Values[float64](d)
	for i := range v {
		v[i] = r.Float64()
	}
	return d, nil
}
