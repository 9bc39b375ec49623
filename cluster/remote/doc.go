// Package remote runs task graphs on worker processes over the network: a
// scheduler that lives in the client process and implements
// cluster.Executor and cluster.Persister, and workers that connect to it
// over gRPC.
//
// Security is on by default: the scheduler makes a fresh CA for the cluster
// (NewCredentials), every member presents a certificate signed by it
// (mutual TLS 1.3) and sends the cluster's token with every call. Workers
// with the wrong token or a certificate from another CA are refused.
//
// Scheduling: tasks run in the local executor's depth-first order; each is
// placed on a worker with a free thread, preferring the one that holds most
// of its input bytes (a task with large inputs on a busy worker waits for
// it). Workers fetch inputs directly from the peer the scheduler names;
// only wanted results travel to the client. A value is released on its
// worker as soon as its last consumer has run. The order is cluster.Order,
// as on the local executor.
//
// Memory: each worker admits tasks within its MemoryLimit by the same
// accounting as the local executor (cluster.Admission: values held, tasks
// running with the inputs they bring in, reservations such as GDAL's block
// cache), spilling its oldest values not in use to a local directory to
// make room; the scheduler refuses before any task runs a graph with a
// task that cannot fit the largest worker's limit (cluster.ErrOverBudget).
// Worker processes started by WorkerMain also set the Go runtime's memory
// limit from their MemoryLimit (cluster.SetGoMemoryLimit).
//
// Failures: a worker that disconnects or misses heartbeats for
// SchedulerOptions.HeartbeatTimeout (10 s by default; a frozen process
// keeps its connection open, so silence is what counts) is lost; tasks
// running there are re-queued, other workers stop fetching from it, and
// values only it held are recomputed from the graph (lineage) when still
// needed. The scheduler heartbeats too: a worker that hears nothing from
// it for the same timeout exits (ErrSchedulerLost). A task lost more than MaxLosses
// times fails the run with a *WorkerLostError (errors.Is ErrWorkerLost); an
// op that fails gives a *cluster.TaskError, as on the local executor.
// Drain moves a worker's needed and persisted values to other workers
// before stopping it; workers ask for it themselves before their walltime
// (WorkerOptions.Lifetime).
//
// Workers are the user's own binary — remote.MaybeServe at the top of main
// turns it into a worker when a launcher starts it with "tessera-worker",
// so registered ops resolve — or the tessera CLI ("tessera worker") for
// graphs of built-in ops. StartLocalCluster runs N worker processes on this
// machine; package cluster/slurm starts them as Slurm jobs.
//
// Values cross the network through cluster.EncodeValue, so every value
// type a graph produces must be registered with cluster.RegisterValue.
package remote
