// Package cluster is where tasks run: keys, tasks and task graphs, the op
// registry, the Executor interface, and the local executor.
//
// Graphs are data, never closures: a Task is a key, an Op (a plain struct
// with exported fields found by kind in a registry filled at init), and the
// keys of its inputs. A graph encodes to JSON and decodes in another process
// of the same binary, where the registry resolves every kind.
//
// Memory: both executors admit work by one accounting, [Admission]: the
// bytes of values held (outputs until their last consumer has run,
// persisted values, results the caller keeps: [RunOptions].Reserved), of
// tasks being produced (declared output and scratch) and of process-wide
// reservations made by ops ([Memory], [MemoryFrom]: GDAL's block cache),
// against a budget; work that cannot fit even alone is refused before it
// runs ([ErrOverBudget]). Both run tasks in the order [Order] gives, which
// finishes branches before new ones start and completes first the consumer
// holding most bytes hostage, so peak memory does not depend on the order
// of the wanted keys. The budget bounds what an executor holds, not the Go
// heap; a process opts in to a Go memory limit from its budget with
// [SetGoMemoryLimit].
//
// The local executor runs consumers of fresh results before new sources,
// reuses the memory of values it is done with (an optional [Recycler]
// upgrade and a [BufferPool] in each op's context), and spills persisted
// values past half its budget to a directory (values that implement
// encoding.BinaryMarshaler, decoded by LocalOptions.SpillDecode). Per-run
// options ([RunOptions]) go through [OptionRunner]; an executor refuses
// the ones it cannot honour ([ErrUnsupportedOption]).
//
// cluster knows tasks and bytes, not arrays: it never imports ndarray.
package cluster
