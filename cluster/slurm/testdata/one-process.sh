#!/usr/bin/env bash

#SBATCH -J tessera-mean
#SBATCH -e /home/u/logs/tessera-mean-%J.err
#SBATCH -o /home/u/logs/tessera-mean-%J.out
#SBATCH -p short,brief-low
#SBATCH -n 1
#SBATCH --cpus-per-task=4
#SBATCH --mem=700M
#SBATCH -t 1-00:00

exec singularity exec --bind /data:/data /images/tessera.sif /opt/app/meanjob tessera-worker --scheduler 10.1.2.3:45678 --credentials /home/u/.tessera/cluster-abc.json --nthreads 4 --memory-limit 734003200 --local-directory /scratch/"$USER" --interface ib0 --death-timeout 2m0s --lifetime 23h58m0s --name tessera-${SLURM_JOB_ID}-0
