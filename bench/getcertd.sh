#!/bin/bash
#
# Benchmark: certificate issuance rate and burst behaviour of getcertd, in the
# test bed, against micromdm's scepserver behind nginx (TLS), same run, and
# against the machine's RSA signing speed. winnetou serves, carol loads
# (build/bench/scep_load, built by testing/build.sh).
#
#   1. openssl speed -seconds 3 rsa2048: RSA-2048 sign/s, one core (the CA
#      key is RSA 2048, tb_pki); and the TLS floor: OpenSSL's own s_server
#      with winnetou's TLS key and certificate (the same getcertd uses),
#      FLOOR_CONC openssl s_time clients on carol making new connections
#      (full TLS handshake, one tiny GET each) for FLOOR_SECONDS: s_server's
#      CPU per connection. The floor per certificate is that plus the three
#      further RSA-2048 private-key operations of an issuance at the signing
#      rate of 1.
#   2. getcertd over TLS (port 443, workers default): N PKCSReq, 16 in
#      flight, a new connection (full TLS handshake) for each; repeated
#      with workers = ALT_WORKERS (2: strongSwan's scheduler job holds one
#      processor thread for good, so that is one request worker and no two
#      requests in the database at the same time)
#   3. scepserver (-challenge secret -allowrenew 0) behind nginx TLS (8443),
#      the same load
#   4. burst: BURST requests (2000) all at once, new connections, against a
#      fresh getcertd over TLS; must finish with zero errors. Total time and
#      getcertd's peak RSS (VmHWM)
# Every run is timed by scep_load from the first request to the last answer;
# answers are verified (CA signature, transactionID, nonce, SUCCESS, a
# certificate for the request's key) after the clock stops. Errors are HTTP
# status != 200, transport errors, unverifiable answers, FAILURE/PENDING.
# The exit status is 0 only if the burst had no errors.
#
# usage: bench/getcertd.sh [N]          (N requests in 2 and 3, default 500)
# environment: BURST (2000), CONC (16), NKEYS (32 client keys), WARMUP (20),
#   ALT_WORKERS (2; empty to skip the repetition of 2),
#   BURST_SETTINGS (extra getcertd settings lines for the burst instance,
#   separated by ';', e.g. "workers = 2;listen_backlog = 8192"),
#   FLOOR_CONC (4), FLOOR_SECONDS (5),
#   QUIET_WAIT (seconds to wait for fuzzers to end and the CPU to calm down,
#   300), QUIET_BUSY (max. CPU % used by others to count as quiet, 15)
# Run as root after testing/build.sh (getcertd must be built).

set -u

N=${1:-500}
BURST=${BURST:-2000}
CONC=${CONC:-16}
NKEYS=${NKEYS:-32}
WARMUP=${WARMUP:-20}
BURST_SETTINGS=${BURST_SETTINGS:-}
ALT_WORKERS=${ALT_WORKERS-2}
FLOOR_CONC=${FLOOR_CONC:-4}
FLOOR_SECONDS=${FLOOR_SECONDS:-5}
QUIET_WAIT=${QUIET_WAIT:-300}
QUIET_BUSY=${QUIET_BUSY:-15}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TB_DIR=${GETCERT_LOGDIR:-$ROOT/build}/bench-getcertd
rm -rf "$TB_DIR"
. "$ROOT/testing/testbed.sh"
. "$ROOT/testing/servers.sh"
. "$ROOT/testing/getcertd.sh"
. "$ROOT/bench/lib.sh"
trap tb_teardown EXIT
trap 'exit 130' INT TERM

command -v scepserver >/dev/null && command -v nginx >/dev/null ||
	{ echo "needs scepserver and nginx (testing/deps.sh)" >&2; exit 1; }

# ---- helpers (the shared ones in bench/lib.sh) ----------------------------

# pids of the scepserver and nginx processes in winnetou
scep_pids()
{
	local p
	for p in $(ip netns pids "$(tb_ns winnetou)" 2>/dev/null); do
		case "$(cat /proc/$p/comm 2>/dev/null)" in
			scepserver|nginx) echo "$p" ;;
		esac
	done
}

# server CPU ms per verified certificate: <ticks> <result file>
cpu_per_cert()
{
	awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v ok="$(field ok "$2")" \
		'BEGIN { if (ok > 0) printf "%.1f", t * 1000 / hz / ok; else print "-" }'
}

# the getcertd tuning settings of a config file as in effect (the last of
# each key wins), defaults for those not set
effective_settings()
{
	awk '/^\t[a-z_]+ = / { v[$1] = $3 }
		END {
			split("workers connection_limit listen_backlog connection_timeout", k, " ")
			split("8 512 16384 30s", d, " ")
			for (i = 1; i <= 4; i++)
				printf "%s%s = %s", (i > 1 ? ", " : ""), k[i], (k[i] in v ? v[k[i]] : d[i])
		}' "$1"
}

# ---- test bed ---------------------------------------------------------------

bench_testbed || exit 1

# ---- 1. RSA signing speed ---------------------------------------------------

wait_quiet "openssl speed"
openssl speed -seconds 3 rsa2048 > "$R/openssl-speed.txt" 2>&1
SIGN=$(awk '/^rsa 2048 bits/ { print $(NF-1) }' "$R/openssl-speed.txt")
[ -n "$SIGN" ] || { log "openssl speed failed:"; cat "$R/openssl-speed.txt" >&2; exit 1; }
log "openssl rsa2048: $SIGN sign/s (one core)"

# TLS floor: openssl s_server (started here, ended by its pid) in winnetou,
# FLOOR_CONC s_time clients on carol; s_server's CPU ticks per connection
tls_floor()
{
	local dir=$TB_DIR/winnetou p spid="" c0 i n cpids=()
	echo floor > "$dir/floor.html"
	tb_exec winnetou sh -c 'cd "$1" && exec openssl s_server -quiet \
		-accept 4433 -cert tlsCert.pem -key tlsKey.pem -WWW' sh "$dir" \
		> "$R/floor-server.log" 2>&1 &
	for i in $(seq 50); do
		for p in $(ip netns pids "$(tb_ns winnetou)" 2>/dev/null); do
			[ "$(cat /proc/$p/comm 2>/dev/null)" = openssl ] && spid=$p
		done
		[ -n "$spid" ] && tb_exec carol timeout 5 openssl s_client \
			-connect winnetou.strongswan.org:4433 < /dev/null > /dev/null 2>&1 &&
			break
		sleep 0.1
	done
	[ -n "$spid" ] || { log "openssl s_server did not start"; return 1; }
	wait_quiet "TLS floor"
	c0=$(cpu_ticks "$spid")
	for i in $(seq "$FLOOR_CONC"); do
		tb_exec carol openssl s_time -connect winnetou.strongswan.org:4433 \
			-new -time "$FLOOR_SECONDS" -www /floor.html \
			-CAfile "$PKI/caCert.pem" > "$R/floor-client-$i.txt" 2>&1 &
		cpids+=($!)
	done
	wait "${cpids[@]}"
	FLOOR_CPU=$(( $(cpu_ticks "$spid") - c0 ))
	kill -TERM "$spid" 2>/dev/null
	n=$(awk '/connections in [0-9]+ real seconds/ { s += $1 } END { print s + 0 }' \
		"$R"/floor-client-*.txt)
	[ "$n" -gt 0 ] || { log "openssl s_time made no connection:";
		cat "$R/floor-client-1.txt" >&2; return 1; }
	FLOOR_TLS=$(awk -v t="$FLOOR_CPU" -v hz="$(getconf CLK_TCK)" -v n="$n" \
		'BEGIN { printf "%.2f", t * 1000 / hz / n }')
	FLOOR_N=$n
	log "TLS floor: openssl s_server $FLOOR_TLS ms CPU per new connection ($n)"
}
tls_floor || exit 1

# ---- 2. getcertd over TLS ---------------------------------------------------

# <instance name> [extra settings lines]: a getcertd on 443 with TLS,
# warm-up, N requests, CONC in flight; results in $R/<name>, server CPU
# ticks in $R/<name>.cpu
measure_getcertd()
{
	local name=$1 pid c0
	shift
	tb_getcertd_conf winnetou "$name" 443 yes "$@" || return 1
	getcertd_start "$name" || return 1
	warmup "$R/$name-warmup" "$GURL" "$PKI/caCert.pem" "$PKI/raCert.pem" ||
		return 1
	wait_quiet "getcertd/TLS ($name)"
	pid=$(getcertd_pid "$name") || { log "no getcertd process"; return 1; }
	log "getcertd/TLS ($name: $(grep -o 'spawning .*' \
		"$TB_DIR/winnetou/$name.log")): $N requests, $CONC in flight," \
		"new connection each"
	c0=$(cpu_ticks "$pid")
	load "$R/$name" 900 --cacert "$PKI/caCert.pem" --new-connections \
		--ra "$PKI/raCert.pem" "$GURL" "$PKI/caCert.pem" "$N" "$CONC" secret \
		"$NKEYS" >&2 ||
		{ log "getcertd/TLS ($name) run had errors:"; cat "$R/$name.err" >&2; }
	echo $(( $(cpu_ticks "$pid") - c0 )) > "$R/$name.cpu"
	getcertd_stop "$name"
}

measure_getcertd tls || exit 1
if [ -n "$ALT_WORKERS" ]; then
	measure_getcertd tls-alt "workers = $ALT_WORKERS" || exit 1
fi

# ---- 3. scepserver behind nginx TLS -----------------------------------------

SURL=https://winnetou.strongswan.org:8443/scep
tb_scepserver_start winnetou 8080 -challenge secret -allowrenew 0 || exit 1
tb_nginx_start winnetou 8443 http://127.0.0.1:8080 "" || exit 1
# micromdm's scepserver signs and encrypts its answers with algorithms
# getcert refuses by default (SHA-1, DES): scep_load accepts them from it,
# as getcert-enroll does with --allow-sha1 --allow-des
PEER=(--allow-sha1 --allow-des3 --allow-des)
warmup "$R/scepserver-warmup" "$SURL" "$TB_SCEP_CA" "" "${PEER[@]}" || exit 1
wait_quiet "scepserver/nginx-TLS"
log "scepserver/nginx-TLS: $N requests, $CONC in flight, new connection each"
SPIDS=$(scep_pids)
c0=$(cpu_ticks $SPIDS)
load "$R/scepserver" 900 --cacert "$PKI/caCert.pem" --new-connections \
	"${PEER[@]}" "$SURL" "$TB_SCEP_CA" "$N" "$CONC" secret "$NKEYS" >&2 ||
	{ log "scepserver/nginx-TLS run had errors:"; cat "$R/scepserver.err" >&2; }
S_CPU=$(( $(cpu_ticks $SPIDS) - c0 ))
# stop them (started by us, by pid), the burst gets the machine to itself
for p in $SPIDS; do
	kill -TERM "$p" 2>/dev/null
done

# ---- 4. burst -----------------------------------------------------------------

settings=()
if [ -n "$BURST_SETTINGS" ]; then
	IFS=';' read -r -a settings <<< "$BURST_SETTINGS"
fi
tb_getcertd_conf winnetou burst 443 yes "${settings[@]}" || exit 1
getcertd_start burst || exit 1
BPID=$(getcertd_pid burst) || { log "no getcertd process for the burst"; exit 1; }
RSS0=$(awk '/^VmRSS/ { print $2 }' /proc/$BPID/status)
FDLIM=$(awk '/^Max open files/ { print $4 }' /proc/$BPID/limits)
SOMAXCONN=$(tb_exec winnetou cat /proc/sys/net/core/somaxconn)
SYNBACKLOG=$(tb_exec winnetou cat /proc/sys/net/ipv4/tcp_max_syn_backlog)
wait_quiet "the burst"
log "burst: $BURST requests at once, new connections (getcertd pid $BPID," \
	"open files limit $FDLIM, somaxconn $SOMAXCONN, syn backlog $SYNBACKLOG)"
c0=$(cpu_ticks "$BPID")
load "$R/burst" 900 --cacert "$PKI/caCert.pem" --new-connections \
	--ra "$PKI/raCert.pem" --timeout 300 --prefix burst "$GURL" \
	"$PKI/caCert.pem" "$BURST" "$BURST" \
	secret "$NKEYS" >&2
BURST_RC=$?
B_CPU=$(( $(cpu_ticks "$BPID") - c0 ))
BURST_ALIVE=yes
if [ -r "/proc/$BPID/status" ]; then
	HWM=$(awk '/^VmHWM/ { print $2 }' /proc/$BPID/status)
	THREADS=$(awk '/^Threads/ { print $2 }' /proc/$BPID/status)
else
	BURST_ALIVE=no
	HWM=""
	THREADS=""
fi
BLOG=$TB_DIR/winnetou/burst.log
ISSUED=$(grep -c 'PKIOperation PKCSReq .*result=issued status=200' "$BLOG")
NOTISSUED=$(grep 'PKIOperation' "$BLOG" | grep -vc 'result=issued status=200')
HTTPERR=$(grep -c '^http: ' "$BLOG")
if [ "$BURST_RC" -ne 0 ] || [ "$BURST_ALIVE" = no ]; then
	log "burst had errors (scep_load exit $BURST_RC, getcertd alive: $BURST_ALIVE):"
	cat "$R/burst.err" >&2
	log "getcertd log ($BLOG), libmicrohttpd messages and failures:"
	{ grep '^http: ' "$BLOG"; grep 'PKIOperation' "$BLOG" |
		grep -v 'result=issued status=200'; } | sort | uniq -c |
		sort -rn | head -20 >&2
fi
getcertd_stop burst

# ---- table ----------------------------------------------------------------------

G=$R/tls A=$R/tls-alt S=$R/scepserver B=$R/burst
G_CPU=$(cat "$G.cpu")
echo
echo "SCEP issuance, RSA 2048 CA and client keys, $(nproc) CPUs shared by server and client"
echo "$N PKCSReq, $CONC in flight, new TLS connection (full handshake) each;"
echo "server on winnetou, load (build/bench/scep_load) on carol"
[ -z "$QUIET_NOTE" ] || echo "$QUIET_NOTE"
F='%-24s %9s %8s %8s %7s %8s %13s\n'
printf "$F" "server" "certs/s" "p50 ms" "p99 ms" "errors" "seconds" "srv CPU ms/cert"
printf "$F" "getcertd / TLS" "$(field rate "$G")" \
	"$(field p50_ms "$G")" "$(field p99_ms "$G")" "$(field errors "$G")" \
	"$(field seconds "$G")" "$(cpu_per_cert "$G_CPU" "$G")"
if [ -n "$ALT_WORKERS" ]; then
	printf "$F" "getcertd / TLS, w=$ALT_WORKERS" "$(field rate "$A")" \
		"$(field p50_ms "$A")" "$(field p99_ms "$A")" "$(field errors "$A")" \
		"$(field seconds "$A")" "$(cpu_per_cert "$(cat "$A.cpu")" "$A")"
fi
printf "$F" "scepserver / nginx TLS" "$(field rate "$S")" \
	"$(field p50_ms "$S")" "$(field p99_ms "$S")" "$(field errors "$S")" \
	"$(field seconds "$S")" "$(cpu_per_cert "$S_CPU" "$S")"
awk -v g="$(field rate "$G")" -v s="$(field rate "$S")" -v o="$SIGN" 'BEGIN {
	printf "ratio getcertd / scepserver rate:             %.2f\n", (s > 0 ? g / s : 0)
	printf "openssl speed rsa2048 sign/s (one core):      %.0f\n", o
	printf "ratio getcertd rate / openssl sign rate:      %.3f\n", (o > 0 ? g / o : 0)
}'
awk -v t="$FLOOR_TLS" -v n="$FLOOR_N" -v o="$SIGN" -v c="$FLOOR_CONC" 'BEGIN {
	printf "TLS floor: openssl s_server CPU per new connection (%d, %d clients): %.2f ms\n", n, c, t
	printf "floor per certificate (that + 3 RSA-2048 private-key operations): %.2f ms\n", t + 3000 / o
}'
printf 'burst, %s requests at once (new connections):  %s s, %s errors, p50 %s ms, p99 %s ms\n' \
	"$BURST" "$(field seconds "$B")" "$(field errors "$B")" \
	"$(field p50_ms "$B")" "$(field p99_ms "$B")"
printf 'burst getcertd settings: %s; open files %s, somaxconn %s, tcp_max_syn_backlog %s\n' \
	"$(effective_settings "$TB_DIR/winnetou/burst.conf")" \
	"$FDLIM" "$SOMAXCONN" "$SYNBACKLOG"
printf 'getcertd CPU in the burst:                    %s ms per verified certificate\n' \
	"$(cpu_per_cert "$B_CPU" "$B")"
printf 'getcertd peak RSS (VmHWM) in the burst:       %s MiB (%s MiB before, %s threads)\n' \
	"$(mib "$HWM")" "$(mib "$RSS0")" "${THREADS:--}"
printf 'getcertd log in the burst: %s issued, %s other PKIOperation results, %s libmicrohttpd messages\n' \
	"$ISSUED" "$NOTISSUED" "$HTTPERR"
echo "(rate = verified certificates / wall time; replies verified after the"
echo " clock stops; each issuance: TLS handshake, RSA decryption of the request,"
echo " certificate and CertRep signatures by the CA)"
[ "$(field errors "$B")" = 0 ] && [ "$BURST_ALIVE" = yes ]
