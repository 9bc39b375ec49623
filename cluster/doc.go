// Package cluster is where tasks run: keys, tasks and task graphs, the op
// registry, the Executor interface, and the local executor.
//
// Graphs are data, never closures: a Task is a key, an Op (a plain struct
// with exported fields found by kind in a registry filled at init), and the
// keys of its inputs. A graph encodes to JSON and decodes in another process
// of the same binary, where the registry resolves every kind.
//
// The local executor bounds memory by the bytes tasks declare, runs
// consumers of fresh results before new sources, reuses the memory of
// values it is done with (an optional [Recycler] upgrade and a
// [BufferPool] in each op's context), and spills persisted values past its
// budget to a directory (values that implement encoding.BinaryMarshaler,
// decoded by LocalOptions.SpillDecode).
//
// cluster knows tasks and bytes, not arrays: it never imports ndarray.
package cluster
