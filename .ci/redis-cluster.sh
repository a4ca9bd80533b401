#!/usr/bin/env bash
# A real 6-node Redis Cluster (3 masters, 3 replicas) on loopback, with the machine's redis-server:
#   bash .ci/redis-cluster.sh start [base-port]   # ports base..base+5 (default 7100); prints the node list
#   bash .ci/redis-cluster.sh stop  [base-port]
# Data lives in a temp dir per port range (no persistence); `stop` shuts every node down and removes it.
set -euo pipefail
cmd="${1:-start}"
base="${2:-7100}"
dir="${TMPDIR:-/tmp}/bora-redis-cluster-$base"
ports=()
for i in 0 1 2 3 4 5; do ports+=("$((base + i))"); done
nodes="$(printf '127.0.0.1:%s,' "${ports[@]}")"
nodes="${nodes%,}"

stop() {
  for p in "${ports[@]}"; do redis-cli -h 127.0.0.1 -p "$p" shutdown nosave >/dev/null 2>&1 || true; done
  rm -rf "$dir"
}

case "$cmd" in
  start)
    stop
    mkdir -p "$dir"
    for p in "${ports[@]}"; do
      mkdir -p "$dir/$p"
      redis-server --daemonize yes --bind 127.0.0.1 --port "$p" --dir "$dir/$p" \
        --cluster-enabled yes --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 3000 \
        --save "" --appendonly no --logfile "$dir/$p/redis.log" --pidfile "$dir/$p/redis.pid"
    done
    for p in "${ports[@]}"; do
      for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
    done
    hosts=()
    for p in "${ports[@]}"; do hosts+=("127.0.0.1:$p"); done
    redis-cli --cluster create "${hosts[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 \
      || { cat "$dir/create.log"; exit 1; }
    for _ in $(seq 1 100); do
      ok=1
      for p in "${ports[@]}"; do
        redis-cli -h 127.0.0.1 -p "$p" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || ok=0
      done
      [ "$ok" -eq 1 ] && break
      sleep 0.2
    done
    [ "$ok" -eq 1 ] || { echo "cluster did not reach cluster_state:ok"; exit 1; }
    # Replicas attached and in sync: a failover needs one to promote.
    for _ in $(seq 1 150); do
      up=0
      for p in "${ports[@]}"; do
        redis-cli -h 127.0.0.1 -p "$p" info replication 2>/dev/null | grep -q 'master_link_status:up' && up=$((up + 1))
      done
      [ "$up" -ge 3 ] && break
      sleep 0.2
    done
    [ "$up" -ge 3 ] || { echo "the replicas did not sync with their masters"; exit 1; }
    echo "$nodes"
    ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop [base-port]"; exit 2 ;;
esac
