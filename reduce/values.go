package reduce

import "github.com/tessera-array/tessera/cluster"

// Partial values move between remote workers (a tree combine gathers them
// from several workers), so their type is registered for the wire; its
// fields are exported and encode with gob.
func init() {
	cluster.RegisterValue("reduce.partial", &partial{})
}
