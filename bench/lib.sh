# Functions shared by the getcertd benchmarks (sourced after
# testing/testbed.sh, servers.sh and getcertd.sh; TB_DIR set): start, find
# and stop getcertd instances on winnetou, run build/bench/scep_load on
# carol, wait for a quiet machine, read CPU time and results.

LOAD=${LOAD:-$ROOT/build/bench/scep_load}
WARMUP=${WARMUP:-20}
QUIET_WAIT=${QUIET_WAIT:-300}
QUIET_BUSY=${QUIET_BUSY:-15}
QUIET_NOTE=""

log()
{
	echo "bench: $*" >&2
}

fuzzers()
{
	pgrep -f "^$ROOT/build/fuzzing/fuzz/fuzz_" 2>/dev/null | tr '\n' ' '
}

# CPU % busy (all cores) over a second, from /proc/stat
cpu_busy()
{
	local a b
	a=($(head -1 /proc/stat))
	sleep 1
	b=($(head -1 /proc/stat))
	awk -v u=$(( b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8] )) \
		-v t=$(( b[1] + b[2] + b[3] + b[4] + b[5] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[4] - a[5] - a[6] - a[7] - a[8] )) \
		'BEGIN { printf "%d", t ? 100 * u / t : 0 }'
}

wait_quiet()
{
	local end=$((SECONDS + QUIET_WAIT)) f busy
	while :; do
		f=$(fuzzers)
		busy=$(cpu_busy)
		if [ -z "$f" ] && [ "$busy" -le "$QUIET_BUSY" ]; then
			return 0
		fi
		if [ $SECONDS -ge $end ]; then
			QUIET_NOTE="WARNING: machine not quiet (fuzzers: ${f:-none}, CPU ${busy}% busy before $1)"
			log "$QUIET_NOTE"
			return 0
		fi
		log "waiting for a quiet machine before $1 (fuzzers: ${f:-none}, CPU ${busy}% busy)"
		sleep 5
	done
}

# the getcertd process of an instance (tb_getcertd_start's pid is that of a
# subshell running nsenter): the pid getcertd writes itself, checked
getcertd_pid()
{
	local name=$1 pid p
	pid=$(cat "$TB_DIR/winnetou/$name.pid" 2>/dev/null)
	if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = getcertd ]; then
		echo "$pid"
		return 0
	fi
	for p in $(ip netns pids "$(tb_ns winnetou)" 2>/dev/null); do
		if [ "$(cat /proc/$p/comm 2>/dev/null)" = getcertd ] &&
		   tr '\0' ' ' < /proc/$p/cmdline | grep -q "/$name.conf "; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# tb_getcertd_start, bounded: its readiness check (curl without --max-time)
# would wait forever for a getcertd that accepts but never answers
getcertd_start()
{
	local name=$1 sp i p rc
	tb_getcertd_start winnetou "$name" &
	sp=$!
	for i in $(seq 300); do
		if ! kill -0 "$sp" 2>/dev/null; then
			wait "$sp"
			return
		fi
		sleep 0.1
	done
	log "getcertd $name accepted connections but did not answer GetCACaps" \
		"within 30s (log $TB_DIR/winnetou/$name.log):"
	tail -5 "$TB_DIR/winnetou/$name.log" >&2
	# the readiness curl (a child of that subshell) and the subshell
	for p in $(ps -o pid= --ppid "$sp"); do
		[ "$(cat /proc/$p/comm 2>/dev/null)" = curl ] && kill "$p" 2>/dev/null
	done
	kill "$sp" 2>/dev/null
	wait "$sp" 2>/dev/null
	return 1
}

# stop an instance we started: SIGTERM to getcertd, bounded wait
getcertd_stop()
{
	local name=$1 pid
	pid=$(getcertd_pid "$name") || return 0
	kill -TERM "$pid" 2>/dev/null
	tb_wait 15 sh -c "! kill -0 $pid" ||
		{ log "getcertd $name did not stop, killing"; kill -KILL "$pid"; }
	wait "$(cat "$TB_DIR/winnetou/$name.run.pid")" 2>/dev/null
	return 0
}

# run scep_load in carol: <out-file> <timeout> <scep_load args...>
# prints its result line, scep_load's stderr goes to <out-file>.err
load()
{
	local out=$1 limit=$2 rc
	shift 2
	tb_exec carol timeout "$limit" sh -c 'ulimit -n 65536 2>/dev/null; exec "$@"' \
		sh "$LOAD" "$@" > "$out" 2> "$out.err"
	rc=$?
	cat "$out"
	return $rc
}

# a few requests first (keys, database, caches): <out> <url> <scep-ca>
# [<ra-cert> [scep_load options...]];
# fails only if scep_load could not run at all (setup errors, exit 2)
warmup()
{
	local rc out=$1 url=$2 ca=$3 ra=${4:-}
	shift $(( $# < 4 ? $# : 4 ))
	load "$out" 120 --cacert "$PKI/caCert.pem" --new-connections --prefix warm \
		${ra:+--ra "$ra"} "$@" "$url" "$ca" "$WARMUP" 4 secret 4 >/dev/null
	rc=$?
	case $rc in
		0) ;;
		1) log "warm-up against $url had errors:"; cat "$out.err" >&2 ;;
		*) log "warm-up against $url failed:"; cat "$out.err" >&2; return 1 ;;
	esac
}

# CPU time (utime + stime, clock ticks) of processes, summed
cpu_ticks()
{
	local t=0 p v
	for p; do
		v=$(awk '{ print $14 + $15 }' /proc/$p/stat 2>/dev/null) || continue
		t=$((t + ${v:-0}))
	done
	echo $t
}

field()
{
	sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" "$2"
}

mib()
{
	[ -n "$1" ] && awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }' || echo "-"
}

# the benches' test bed: getcertd and scep_load built, the hosts up, the PKI
# and winnetou's TLS certificate made; sets PKI, R (results) and GURL (the
# plain policy over TLS)
bench_testbed()
{
	[ -x "$TB_GETCERTD" ] || { echo "build first: testing/build.sh" >&2; return 1; }
	make -s -C "$ROOT/build/bench" >&2 ||
		{ echo "building scep_load failed" >&2; return 1; }
	tb_net_up || return 1
	tb_pki || return 1
	tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 ||
		return 1
	PKI=$TB_DIR/pki
	R=$TB_DIR/results
	mkdir -p "$R"
	GURL=https://winnetou.strongswan.org/plain/scep
}
