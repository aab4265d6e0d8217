# the CA is down or hangs: the bound initiate fails within the timeout, a
# PSK connection is not held up; with the CA back the initiate succeeds

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
PKI=$TB_DIR/pki
# the profile's timeout, and what an initiate may take beyond it
TIMEOUT_MS=5000
SLACK_MS=5000

tb_freeradius_start alice winnetou:10.1.0.150:testing123 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1
tb_getcertd_conf winnetou tls 443 yes

tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

count()
{
	grep -Ec -- "$1" "$C/charon.log"
}

listening()
{
	[ -n "$(tb_exec "$1" ss -Hltn "sport = :$2")" ]
}

# timed <var> <command...>: run, store the milliseconds it took in var
timed()
{
	local var=$1 t0 rc
	shift
	t0=$(now_ms)
	"$@"
	rc=$?
	printf -v "$var" '%s' $(( $(now_ms) - t0 ))
	return $rc
}

# ran <rc> <output file>: show the end of a command's output, its status
ran()
{
	tail -3 "$2"
	return "$1"
}

waiting()
{
	[ "$(count "connection 'home' waits for enrollment")" -gt "$waits0" ]
}

# within <ms> <max>: a time is at most max
within()
{
	echo "took $1 ms (at most $2)"
	[ "$1" -le "$2" ]
}

FAILED="getcert: profile 'carol': enrollment of 'carol@strongswan.org' failed: .+"
ABORTED="getcert: initiating 'home' aborted: no certificate for profile 'carol'"

# 1. nothing listens on the CA's port
check "nothing listens on winnetou's port 443" not listening winnetou 443
timed ms tb_swanctl carol --initiate --child home --timeout 30 \
	> "$C/initiate-down.out" 2>&1
rc=$?
check "initiating home fails while the CA is down" \
	not ran $rc "$C/initiate-down.out"
check "... within the profile's timeout plus ${SLACK_MS} ms" \
	within "$ms" $((TIMEOUT_MS + SLACK_MS))
check "the plugin logs the failure with a reason" grep_log carol "$FAILED"
check "the plugin logs the aborted initiation" grep_log carol "$ABORTED"
check "no IKE_SA of home is left on carol" \
	not grep_cmd "^home: #" tb_swanctl carol --list-sas

# 2. a CA that accepts TCP connections but never answers (nsenter, not
# tb_exec: $! is then the listener itself)
nsenter -t "$(cat "$TB_DIR/winnetou/keeper.pid")" -m -n -- python3 -c '
import socket, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 443))
s.listen(64)
time.sleep(120)' > /dev/null 2>&1 &
hang=$!
check "a mute listener on winnetou's port 443" tb_wait 5 listening winnetou 443
failed0=$(count "$FAILED")
waits0=$(count "connection 'home' waits for enrollment")
(
	timed ms tb_swanctl carol --initiate --child home --timeout 30 \
		> "$C/initiate-mute.out" 2>&1
	echo "$? $ms" > "$C/initiate-mute.rc"
) &
bound=$!
check "home waits for the enrollment" tb_wait 5 waiting
timed ms tb_swanctl carol --initiate --child psk --timeout 20 \
	> "$C/initiate-psk.out" 2>&1
rc=$?
check "the PSK connection of the same charon comes up meanwhile" \
	ran $rc "$C/initiate-psk.out"
check "... quickly" within "$ms" 3000
check "... while home's enrollment is still pending" \
	[ ! -f "$C/initiate-mute.rc" ]
wait $bound
read -r rc ms < "$C/initiate-mute.rc"
check "initiating home fails against the mute CA" \
	not ran "$rc" "$C/initiate-mute.out"
check "... within the profile's timeout plus ${SLACK_MS} ms" \
	within "$ms" $((TIMEOUT_MS + SLACK_MS))
check "the plugin logs a second failure" \
	[ "$(count "$FAILED")" -gt "$failed0" ]
check "ping through the PSK tunnel to moon's inside address" \
	tb_exec carol ping -c 2 -i 0.2 -W 2 10.1.0.1
check "... counted by psk's CHILD_SA" \
	grep_cmd "in  [0-9a-f]+, +[1-9][0-9]* bytes, +[1-9][0-9]* packets" \
	tb_swanctl carol --list-sas --ike psk
kill "$hang" 2>/dev/null
wait "$hang" 2>/dev/null

# 3. the CA is back
tb_getcertd_start winnetou tls || return 1
check "with getcertd up the next initiate of home succeeds" \
	tb_swanctl carol --initiate --child home --timeout 60
check "carol's log has the enrollment" \
	grep_log carol "getcert: profile 'carol': enrolled 'carol@strongswan.org', serial "
check "moon authenticated carol's certificate" \
	grep_log moon "authentication of 'carol@strongswan.org' with RSA[^ ]* successful"
check "ping from carol to alice crosses the home tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
check "the PSK IKE_SA is still up" \
	grep_cmd "^psk: #[0-9]+, ESTABLISHED" tb_swanctl carol --list-sas
