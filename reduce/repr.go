package reduce

import "github.com/tessera-array/tessera/ndarray"

// FusedInputs is the reduced array: its elementwise recipe runs inside the
// partial tasks (Builder.FusedBlock), so ndarray's task count follows it
// without counting its own blocks (ndarray.LayerFusedInputs).
func (p *plan) FusedInputs() []*ndarray.Array { return []*ndarray.Array{p.src} }

// Tasks counts the combine tree symbolically (ndarray.LayerTasks): one
// task per block of every level, partials included, and one finalize task
// per output block. O(levels x rank), saturating at the int64 limit.
func (p *plan) Tasks(out *ndarray.Array) int64 {
	const maxI = int64(^uint64(0) >> 1)
	total := int64(out.Grid().Len())
	for _, lv := range p.levels {
		n := int64(1)
		for _, c := range lv {
			if c != 0 && n > maxI/int64(c) {
				return maxI
			}
			n *= int64(c)
		}
		if total > maxI-n {
			return maxI
		}
		total += n
	}
	return total
}
