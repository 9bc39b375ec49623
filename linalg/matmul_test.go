package linalg_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tessera-array/tessera/block"
	"github.com/tessera-array/tessera/chunk"
	"github.com/tessera-array/tessera/cluster"
	"github.com/tessera-array/tessera/linalg"
	"github.com/tessera-array/tessera/ndarray"
)

type matmulCase struct {
	Name   string `json:"name"`
	Op     string `json:"op"`
	DType  string `json:"dtype"`
	AShape []int  `json:"a_shape"`
	A      nums   `json:"a"`
	BShape []int  `json:"b_shape"`
	B      nums   `json:"b"`
	Shape  []int  `json:"shape"`
	Want   nums   `json:"want"`
	AxesA  []int  `json:"axes_a"`
	AxesB  []int  `json:"axes_b"`
}

// TestMatmulGolden compares Matmul, Dot and Tensordot with numpy
// (testdata/gen_matmul.py) under several chunkings of both operands: whole
// arrays, uniform chunks of 1, 2, 7 and 16 (crossing every contracted
// boundary, so the tree sum has one to many levels), and b chunked unlike a
// (it is rechunked).
func TestMatmulGolden(t *testing.T) {
	var cases []matmulCase
	loadJSON(t, "testdata/matmul_golden.json", &cases)
	require.NotEmpty(t, cases)
	specs := []struct {
		name string
		a, b chunk.Spec
	}{
		{"whole", chunk.Uniform(-1), chunk.Uniform(-1)},
		{"ones", chunk.Uniform(1), chunk.Uniform(1)},
		{"2", chunk.Uniform(2), chunk.Uniform(2)},
		{"7x16", chunk.Uniform(7), chunk.Uniform(16)},
		{"16x3", chunk.Uniform(16), chunk.Uniform(3)},
	}
	for _, c := range cases {
		for _, s := range specs {
			t.Run(c.Name+"/"+s.name, func(t *testing.T) {
				a := lazy(t, c.DType, c.A, c.AShape, s.a)
				b := lazy(t, c.DType, c.B, c.BShape, s.b)
				var r *ndarray.Array
				switch c.Op {
				case "matmul":
					r = linalg.Matmul(a, b)
				case "dot":
					r = linalg.Dot(a, b)
				default:
					r = linalg.Tensordot(a, b, c.AxesA, c.AxesB)
				}
				d := compute(t, r)
				assert.Equal(t, fmt.Sprint(c.Shape), fmt.Sprint(d.Shape()))
				want := block.Float64
				if c.DType == "float32" {
					want = block.Float32
				}
				assert.Equal(t, want, d.DType())
				tol := 1e-12
				if c.DType == "float32" {
					tol = 1e-5
				}
				i, ok := closeTo(d.Float64s(), c.Want, tol)
				assert.True(t, ok, "element %d differs", i)
			})
		}
	}
}

// TestMatmulSameBitsAnyExecutorOrder checks that the result does not
// depend on which worker finishes first: computing twice with many
// workers gives identical bits.
func TestMatmulDeterministic(t *testing.T) {
	a := ndarray.RandomNormal([]int{300, 257}, chunk.Uniform(40), 1)
	b := ndarray.RandomNormal([]int{257, 90}, chunk.Uniform(33), 2)
	r := linalg.Matmul(a, b)
	d1 := compute(t, r)
	d2 := compute(t, r)
	assert.True(t, d1.Equal(d2))
}

func TestMatmulErrors(t *testing.T) {
	m := func(shape ...int) *ndarray.Array { return ndarray.Zeros(block.Float64, shape, chunk.Uniform(2)) }
	for _, tc := range []struct {
		name string
		r    *ndarray.Array
		err  error
		msg  string
	}{
		{"contracted mismatch", linalg.Matmul(m(3, 4), m(5, 2)), linalg.ErrShape, "axis 1 of a has length 4, axis 0 of b 5"},
		{"batch mismatch", linalg.Matmul(m(2, 3, 4), m(3, 4, 2)), linalg.ErrShape, "do not broadcast"},
		{"rank 0", linalg.Matmul(ndarray.Full(block.Float64, 1, nil, chunk.Auto()), m(2)), linalg.ErrShape, "rank 0"},
		{"bool", linalg.Matmul(ndarray.Zeros(block.Bool, []int{2, 2}, chunk.Auto()), m(2, 2)), linalg.ErrDType, "a has dtype bool"},
		{"complex", linalg.Dot(m(2), ndarray.Zeros(block.Complex128, []int{2}, chunk.Auto())), linalg.ErrDType, "b has dtype complex128"},
		{"tensordot axis", linalg.Tensordot(m(2, 3), m(3, 2), []int{2}, []int{0}), linalg.ErrAxis, "axis 2 of a"},
		{"tensordot repeated", linalg.Tensordot(m(3, 3), m(3, 3), []int{0, 0}, []int{0, 1}), linalg.ErrAxis, "repeated"},
		{"tensordot lists", linalg.Tensordot(m(3, 3), m(3, 3), []int{0}, []int{0, 1}), linalg.ErrShape, "1 axes of a and 2 of b"},
		{"errored operand", linalg.Matmul(ndarray.Errored(errors.New("boom")), m(2, 2)), nil, "boom"},
		{"nil operand", linalg.Matmul(nil, m(2, 2)), ndarray.ErrOperand, "nil"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Err()
			require.Error(t, err)
			if tc.err != nil {
				assert.ErrorIs(t, err, tc.err)
			}
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// TestGemmOpRejectsMalformedParams decodes gemm and add tasks with
// parameters that do not fit their inputs, as a graph from the wire might
// carry, and checks that they fail with ErrParams instead of panicking.
func TestGemmOpRejectsMalformedParams(t *testing.T) {
	a, _ := block.FromSlice([]float64{1, 2, 3, 4, 5, 6}, 2, 3)
	b, _ := block.FromSlice([]float64{1, 2, 3}, 3, 1)
	for _, tc := range []struct{ kind, params string }{
		{"linalg.gemm", `{"Layout":{"ABatch":[],"BBatch":[],"AFree":[0],"BFree":[1],"AContr":[1],"BContr":[0]},"DType":"float64","Shape":[3,1]}`},
		{"linalg.gemm", `{"Layout":{"ABatch":[],"BBatch":[],"AFree":[0],"BFree":[1],"AContr":[5],"BContr":[0]},"DType":"float64","Shape":[2,1]}`},
		{"linalg.gemm", `{"Layout":{"ABatch":[],"BBatch":[],"AFree":[0,1],"BFree":[1],"AContr":[1],"BContr":[0]},"DType":"float64","Shape":[2,1]}`},
		{"linalg.gemm", `{"Layout":{"ABatch":[],"BBatch":[],"AFree":[0],"BFree":[1],"AContr":[1],"BContr":[0]},"DType":"int8","Shape":[2,1]}`},
		{"linalg.gemm", `{"Layout":{"ABatch":[],"BBatch":[],"AFree":[0],"BFree":[1],"AContr":[1],"BContr":[0]},"DType":"float64","Shape":[-2,1]}`},
		{"linalg.add", `{"DType":"float64","Shape":[9]}`},
	} {
		t.Run(tc.params, func(t *testing.T) {
			op, err := cluster.NewOp(tc.kind)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal([]byte(tc.params), op))
			_, err = op.Run(context.Background(), []cluster.Value{a, b})
			require.Error(t, err)
			assert.ErrorIs(t, err, linalg.ErrParams)
		})
	}
}

func ExampleMatmul() {
	a := ndarray.Arange(0, 6, 1, chunk.Uniform(-1)).Reshape([]int{2, 3})
	b := ndarray.Ones(block.Float64, []int{3, 2}, chunk.Uniform(2))
	c := linalg.Matmul(a, b) // a @ b, the contracted axis summed over b's 2 chunks
	d, err := c.Compute(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Shape(), d.DType(), d.Float64s())
	// Output: [2 2] float64 [3 3 12 12]
}

func TestMatmulTaskCount(t *testing.T) {
	a := ndarray.Zeros(block.Float64, []int{40, 90}, chunk.Uniform(10))
	b := ndarray.Zeros(block.Float64, []int{90, 20}, chunk.Uniform(10))
	p := linalg.Matmul(a, b)
	// 4×2 output blocks, 9 contracted blocks: 3 gemm + 1 add each, on top
	// of the 36 + 18 operand blocks
	assert.Equal(t, int64(8*4+36+18), p.Tasks())
}
