// Package slurm launches tessera workers as Slurm batch jobs, like
// dask-jobqueue's SLURMCluster: the same parameters (queue, account, cores,
// processes, memory, walltime, extra and skipped directives, prologue,
// interfaces, local directory, death timeout, worker command prefix, log
// directory, job name), JobScript, Scale, ScaleJobs, Adapt, WaitForWorkers
// and Close. Slurm places the jobs; this package only calls sbatch, squeue
// and scancel. The scheduler runs in the calling process
// (cluster/remote), so a SLURMCluster is a cluster.Executor for
// ndarray.WithExecutor.
//
// Workers ask to be drained DrainBefore their walltime ends, so their
// results move to other workers instead of dying with the job.
package slurm
