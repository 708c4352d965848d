# Sourced by scripts/stack: `scripts/stack cluster up|down|status|kill N|stop N|start N|rabbitmqctl N ARGS|
# rabbitmq-queues N ARGS` (e.g. `rabbitmq-queues 2 quorum_status notification.queue --vhost bulkmsg`).
# Three RabbitMQ nodes on 127.0.0.1 (bulkmsg1..3@localhost; prefix STACK_CLUSTER_NODE_PREFIX), one Erlang cookie
# and one private epmd, data under
# $STACK/cluster/rabbitN, joined to node 1 with `rabbitmqctl join_cluster`. MariaDB and Redis as in the single-node
# stack; when something already listens on DB_PORT or REDIS_PORT (another stack's server) it is reused as it is.
# Ports: AMQP STACK_CLUSTER_AMQP_PORT+0..2, distribution STACK_CLUSTER_DIST_PORT+0..2, epmd STACK_CLUSTER_EPMD_PORT.
# The cluster's settings for bulkmsg (RABBITMQ_HOSTS, RABBITMQ_QUEUE_TYPE=quorum) go to $STACK/cluster/bulkmsg.env.

CLUSTER=$STACK/cluster
CLUSTER_NODES=(1 2 3)
CLUSTER_AMQP_BASE=${STACK_CLUSTER_AMQP_PORT:-25672}
CLUSTER_DIST_BASE=${STACK_CLUSTER_DIST_PORT:-25682}
CLUSTER_EPMD=${STACK_CLUSTER_EPMD_PORT:-25690}
# Node names are <prefix>1..3@localhost; a stack with its own epmd port cannot clash with another's, the prefix
# only tells them apart in logs and process lists.
CLUSTER_NODE_PREFIX=${STACK_CLUSTER_NODE_PREFIX:-bulkmsg}

cluster_node_name() { printf '%s%s@localhost' "$CLUSTER_NODE_PREFIX" "$1"; }
cluster_amqp_port() { echo $((CLUSTER_AMQP_BASE + $1 - 1)); }
cluster_pidfile() { echo "$CLUSTER/rabbit$1/rabbit.pid"; }

# The environment of node $1, for its server and for rabbitmqctl (both read the cookie from the shared HOME).
cluster_env() {
  local dir=$CLUSTER/rabbit$1
  export HOME=$CLUSTER/home
  export RABBITMQ_NODENAME
  RABBITMQ_NODENAME=$(cluster_node_name "$1")
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT
  RABBITMQ_NODE_PORT=$(cluster_amqp_port "$1")
  export RABBITMQ_DIST_PORT=$((CLUSTER_DIST_BASE + $1 - 1))
  export ERL_EPMD_PORT=$CLUSTER_EPMD
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_CONF_ENV_FILE=$dir/rabbitmq-env.conf
  export RABBITMQ_CONFIG_FILE=$dir/rabbitmq.conf
  export RABBITMQ_ADVANCED_CONFIG_FILE=$dir/advanced.config
  export RABBITMQ_MNESIA_BASE=$dir/mnesia
  export RABBITMQ_LOG_BASE=$dir/log
  export RABBITMQ_ENABLED_PLUGINS_FILE=$dir/enabled_plugins
  export RABBITMQ_PID_FILE=$dir/rabbit.pid
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

# rabbitmqctl or rabbitmq-queues ($1) against node $2.
cluster_cli() { local tool=$1 n=$2; shift 2; (cluster_env "$n"; "$RABBIT_SBIN/$tool" -n "$(cluster_node_name "$n")" "$@"); }
cluster_ctl() { cluster_cli rabbitmqctl "$@"; }

cluster_check_node() {
  [[ ${1:-} =~ ^[123]$ ]] || die "usage: scripts/stack cluster kill|stop|start|rabbitmqctl|rabbitmq-queues 1|2|3"
}

# One cookie for all nodes (and the CLI): written once, before the first boot.
cluster_write_config() {
  local n=$1 dir=$CLUSTER/rabbit$1
  mkdir -p "$CLUSTER/home" "$dir/mnesia" "$dir/log" "$LOGS"
  if [ ! -f "$CLUSTER/home/.erlang.cookie" ]; then
    (umask 077; head -c 30 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$CLUSTER/home/.erlang.cookie")
    chmod 400 "$CLUSTER/home/.erlang.cookie"
  fi
  echo '[].' >"$dir/enabled_plugins"
  : >"$dir/rabbitmq-env.conf"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$(cluster_amqp_port "$n")
loopback_users.guest = true
log.file.level = info
log.console = false
CONF
}

# Launches node $1 in the background unless it runs; a restarted member waits for its peers, so nodes are
# launched together and awaited afterwards.
CLUSTER_LAUNCHED=()
cluster_launch() {
  local n=$1
  CLUSTER_LAUNCHED[$n]=""
  pid_alive "$(cluster_pidfile "$n")" && return 0
  cluster_write_config "$n"
  (cluster_env "$n"; cd "$CLUSTER/rabbit$n" && exec "$RABBIT_SBIN/rabbitmq-server") >"$LOGS/rabbit$n.out" 2>&1 &
  CLUSTER_LAUNCHED[$n]=$!
}

# Waits until node $1 runs; fails early when its server (launched now, or found running: its pid file) exits.
cluster_await_once() {
  local n=$1 pid=${CLUSTER_LAUNCHED[$1]:-}
  [ -n "$pid" ] || pid=$(cat "$(cluster_pidfile "$n")" 2>/dev/null) || return 1
  wait_ready "$pid" 300 cluster_ctl "$n" await_startup --timeout 60
}

# Its AMQP port lies in the kernel's ephemeral range when the cluster's ports are set high, so an outgoing
# connection may hold it for a moment (eaddrinuse): such a node is launched again, up to three times.
cluster_await() {
  local n=$1
  for attempt in 1 2 3; do
    cluster_await_once "$n" && return 0
    grep -q eaddrinuse "$LOGS/rabbit$n.out" 2>/dev/null || break
    log "node $n: a port was in use (attempt $attempt); launching it again"
    sleep 2
    cluster_launch "$n"
  done
  cat "$CLUSTER/rabbit$n"/log/*.log >>"$LOGS/rabbit$n.out" 2>/dev/null || true
  fail_with_log "RabbitMQ node $n" "$LOGS/rabbit$n.out"
}

cluster_join() {
  local n=$1 first
  first=$(cluster_node_name 1)
  cluster_ctl "$n" -q cluster_status 2>/dev/null | grep -q "$first" && return 0
  cluster_ctl "$n" -q stop_app >/dev/null
  cluster_ctl "$n" -q join_cluster "$first" >/dev/null || die "node $n could not join $first"
  cluster_ctl "$n" -q start_app >/dev/null
}

cluster_write_bulkmsg_env() {
  local hosts="" n
  for n in "${CLUSTER_NODES[@]}"; do hosts+="${hosts:+,}127.0.0.1:$(cluster_amqp_port "$n")"; done
  printf 'RABBITMQ_HOSTS=%s\nRABBITMQ_QUEUE_TYPE=quorum\n' "$hosts" >"$CLUSTER/bulkmsg.env"
  log "cluster  RABBITMQ_HOSTS=$hosts RABBITMQ_QUEUE_TYPE=quorum (written to $CLUSTER/bulkmsg.env)"
}

port_taken() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

cluster_deps_up() {
  if ! pid_alive "$STACK/redis.pid" && port_taken "$REDIS_PORT"; then
    log "Redis    reusing the server already on 127.0.0.1:$REDIS_PORT"
  else redis_up; fi
  if ! pid_alive "$STACK/mysql/mariadbd.pid" && port_taken "$DB_PORT"; then
    log "MariaDB  reusing the server already on 127.0.0.1:$DB_PORT"
  else mysql_up; fi
}

cluster_up() {
  [ -n "$RABBIT_SBIN" ] || die "RabbitMQ is not installed: run scripts/setup"
  cluster_deps_up
  local n
  for n in "${CLUSTER_NODES[@]}"; do cluster_launch "$n"; done
  for n in "${CLUSTER_NODES[@]}"; do cluster_await "$n"; done
  for n in 2 3; do cluster_join "$n"; done
  RABBIT_NODE=$(cluster_node_name 1)
  rabbitmqctl_() { cluster_ctl 1 "$@"; }
  rabbit_provision
  cluster_write_bulkmsg_env
}

cluster_stop_node() {
  local n=$1
  if pid_alive "$(cluster_pidfile "$n")"; then
    cluster_ctl "$n" stop >/dev/null 2>&1 || true
    stop_pid "$(cluster_pidfile "$n")" 20
  fi
}

cluster_kill_node() {
  local pidfile
  pidfile=$(cluster_pidfile "$1")
  pid_alive "$pidfile" || die "node $1 is not running"
  kill -KILL "$(cat "$pidfile")"
  rm -f "$pidfile"
  log "node $1 ($(cluster_node_name "$1")) killed with SIGKILL"
}

cluster_down() {
  local n pid
  for n in 3 2 1; do cluster_stop_node "$n"; done
  for pid in $(STACK_EPMD_PORT=$CLUSTER_EPMD epmd_pids); do kill -TERM "$pid" 2>/dev/null || true; done
  # Servers this stack dir started itself; reused ones are left alone, and so are the single-node stack's
  # while its RabbitMQ runs (the cluster borrowed them).
  if pid_alive "$STACK/rabbit/rabbit.pid"; then
    log "cluster down (MariaDB and Redis left running for the single-node stack)"
    return 0
  fi
  mysql_down
  redis_down
  log "cluster down"
}

cluster_status() {
  local rc=0 n
  for n in "${CLUSTER_NODES[@]}"; do
    if pid_alive "$(cluster_pidfile "$n")"; then
      log "node $n   up   $(cluster_node_name "$n") 127.0.0.1:$(cluster_amqp_port "$n")"
    else log "node $n   down $(cluster_node_name "$n")"; rc=1; fi
  done
  return $rc
}

cluster_command() {
  case "${1:-}" in
    up) cluster_up ;;
    down) cluster_down ;;
    status) cluster_status ;;
    kill) cluster_check_node "${2:-}"; cluster_kill_node "$2" ;;
    stop) cluster_check_node "${2:-}"; cluster_stop_node "$2"; log "node $2 stopped" ;;
    start)
      cluster_check_node "${2:-}"
      cluster_launch "$2"
      cluster_await "$2"
      log "node $2 up on 127.0.0.1:$(cluster_amqp_port "$2")"
      ;;
    rabbitmqctl | rabbitmq-queues) cluster_check_node "${2:-}"; local tool=$1 n=$2; shift 2; cluster_cli "$tool" "$n" "$@" ;;
    *) echo "usage: scripts/stack cluster up|down|status|kill N|stop N|start N|rabbitmqctl N ARGS|rabbitmq-queues N ARGS" >&2; exit 2 ;;
  esac
}
