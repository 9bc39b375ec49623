#!/usr/bin/env bash

#SBATCH -J tessera-mean
#SBATCH -e /home/u/logs/tessera-mean-%J.err
#SBATCH -o /home/u/logs/tessera-mean-%J.out
#SBATCH -p short,brief-low
#SBATCH -A geo-lab
#SBATCH -n 1
#SBATCH --cpus-per-task=24
#SBATCH --mem=90G
#SBATCH -t 02:00:00
#SBATCH --qos=normal
#SBATCH --constraint=skylake

module load singularity
export OMP_NUM_THREADS=1
for i in $(seq 0 5); do
  singularity exec --bind /data:/data /images/tessera.sif /opt/app/meanjob tessera-worker --scheduler 10.1.2.3:45678 --credentials /home/u/.tessera/cluster-abc.json --nthreads 4 --memory-limit 16000000000 --local-directory /scratch/"$USER" --interface ib0 --death-timeout 2m0s --lifetime 1h58m0s --name tessera-${SLURM_JOB_ID}-${i} &
done
wait
