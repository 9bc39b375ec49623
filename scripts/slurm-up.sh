#!/usr/bin/env bash
# Installs and starts a single-node Slurm (munge + slurmctld + slurmd) for
# the cluster/slurm integration tests, idempotently and without systemd:
#
#   - apt-get install --no-install-recommends slurmctld slurmd slurm-client
#     munge (skipped when installed), with a policy-rc.d that stops package
#     scripts from starting services;
#   - a munge key (mode 600) and socket directory (mode 755), then munged;
#   - /etc/slurm/tessera-test.conf: one node "localhost" with this machine's
#     CPUs and memory, partitions short (default) and brief-low;
#   - slurmctld and slurmd -N localhost, started as root when not running;
#   - waits until the node is idle.
#
# Prints the slurm.conf path on success. Needs root (exits 2 otherwise) and
# apt-get (exits 3 otherwise). The tests read SLURM_CONF from that path.
set -euo pipefail

CONF=/etc/slurm/tessera-test.conf
if [ "$(id -u)" != 0 ]; then
  echo "slurm-up: needs root" >&2
  exit 2
fi
need=()
for p in slurmctld slurmd slurm-client munge; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    need+=("$p")
  fi
done
if [ ${#need[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "slurm-up: no apt-get to install ${need[*]}" >&2
    exit 3
  fi
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
  fi
  echo "slurm-up: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# munge: key 600, socket directory 755.
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge 2>/dev/null || true
chmod 700 /etc/munge
chmod 600 /etc/munge/munge.key
chmod 755 /run/munge
if ! pgrep -x munged >/dev/null; then
  if id munge >/dev/null 2>&1; then
    su -s /bin/sh munge -c /usr/sbin/munged 2>/dev/null || /usr/sbin/munged --force
  else
    /usr/sbin/munged --force
  fi
fi

# at least 4 CPUs (SlurmdParameters=config_overrides lets the node claim
# more than it has), so 2 jobs x 2 worker processes run at once
cpus=$(nproc)
if [ "$cpus" -lt 4 ]; then cpus=4; fi
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 512 ))
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
want=$(cat <<CONF
# Single-node Slurm for tessera's tests (scripts/slurm-up.sh).
ClusterName=tessera
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
KillWait=5
MinJobAge=300
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost CPUs=${cpus} RealMemory=${mem} State=UNKNOWN
PartitionName=short Nodes=localhost Default=YES MaxTime=INFINITE State=UP
PartitionName=brief-low Nodes=localhost MaxTime=INFINITE State=UP
CONF
)
if [ ! -f "$CONF" ] || [ "$(cat "$CONF")" != "$want" ]; then
  printf '%s\n' "$want" >"$CONF"
  # A changed config needs fresh daemons.
  for pf in /run/slurmctld.pid /run/slurmd.pid; do
    if [ -s "$pf" ]; then kill "$(cat "$pf")" 2>/dev/null || true; fi
  done
  # wait until the old daemons are gone, else the checks below would see
  # them shutting down and start nothing
  for _ in $(seq 1 100); do
    pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break
    sleep 0.1
  done
fi
export SLURM_CONF=$CONF
# (Re)start whichever daemon is not running, on every round: a daemon seen
# shutting down a moment ago is started again once it is gone.
for _ in $(seq 1 150); do
  pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld -f "$CONF" || true
  pgrep -x slurmd >/dev/null || /usr/sbin/slurmd -f "$CONF" -N localhost || true
  state=$(timeout 2 sinfo -h -N -o %T 2>/dev/null | head -1 || true)
  case "$state" in
    idle*|mixed*|allocated*) echo "$CONF"; exit 0 ;;
    down*|drain*) scontrol update nodename=localhost state=resume >/dev/null 2>&1 || true ;;
  esac
  sleep 0.2
done
echo "slurm-up: node not idle (state: ${state:-none}); see /var/log/slurm" >&2
exit 1
