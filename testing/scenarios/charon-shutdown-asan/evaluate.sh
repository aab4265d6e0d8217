# charon ends on SIGTERM in the middle of an enrollment, with the getcert
# plugin built with AddressSanitizer/LeakSanitizer: (1) while libcurl waits
# for a CA that never answers, (2) while the engine waits between CertPolls.
# Each time charon exits within seconds, logs the cancellation once, and
# ASan finds no error and no leak. charon unloads plugins only when it
# shuts down (swanctl --reload-settings calls reload(), nothing unloads),
# so this is also the plugin's unload.

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PLUGIN=$SS_PREFIX/lib/ipsec/plugins/libstrongswan-getcert.so
LIBASAN=$(readlink -f "$(gcc -print-file-name=libasan.so)")
# charon's exit after SIGTERM, LeakSanitizer's check included
EXIT_MS=5000

ASAN_PLUGIN=$(timeout 900 "$TB_ROOT/build-asan.sh" plugin \
			  2> "$TB_DIR/build-asan.log") ||
	{ tb_log "ASan build failed"; cat "$TB_DIR/build-asan.log" >&2; return 1; }
[ -f "$LIBASAN" ] || { tb_log "no libasan ($LIBASAN)"; return 1; }

# plugins stay mapped at exit, so that LSan's stacks name their functions
# (charon dlcloses every plugin before the leak check)
printf 'int dlclose(void *handle)\n{\n\treturn 0;\n}\n' |
	gcc -shared -fPIC -x c -o "$TB_DIR/nodlclose.so" - ||
	{ tb_log "building nodlclose.so failed"; return 1; }

# the ASan plugin replaces the installed one in carol's private mount
# namespace only: every other charon (other hosts, other test beds) keeps
# loading the installed plugin
asan_plugin()
{
	tb_exec "$1" nm -D "$PLUGIN" | grep -q __asan_init
}
tb_exec carol mount --bind "$ASAN_PLUGIN" "$PLUGIN" ||
	{ tb_log "bind mount of the ASan plugin failed"; return 1; }
check "carol loads the ASan plugin" asan_plugin carol
check "moon still sees the installed plugin" not asan_plugin moon
check "outside the test bed the installed plugin is unchanged" \
	not grep -q __asan_init "$PLUGIN"

# charon with the ASan runtime preloaded; each charon writes
# asan/charon.<pid> on a finding (and its suppressed leaks, so the file
# shows that the leak check ran)
mkdir -p "$C/asan"
TB_CHARON_PLAIN=$TB_CHARON
cat > "$TB_DIR/charon-asan" <<EOF
#!/bin/sh
export LD_PRELOAD="$LIBASAN $TB_DIR/nodlclose.so"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:log_path=$C/asan/charon\
:fast_unwind_on_malloc=0:malloc_context_size=30:check_printf=0"
export LSAN_OPTIONS="suppressions=$SCENARIO/lsan.supp:print_suppressions=1"
exec "$TB_CHARON_PLAIN" "\$@"
EOF
chmod +x "$TB_DIR/charon-asan"
TB_CHARON=$TB_DIR/charon-asan

count()
{
	grep -Ec -- "$1" "$C/charon.log"
}

# one <regex>: exactly one line of carol's charon log matches
one()
{
	local n
	n=$(count "$1")
	echo "$n line(s) matching '$1'"
	[ "$n" -eq 1 ]
}

# within <ms> <max>
within()
{
	echo "took $1 ms (at most $2)"
	[ "$1" -le "$2" ]
}

asan_loaded()
{
	grep -q libasan "/proc/$(cat "$C/charon.pid")/maps"
}

# sigterm: end carol's charon with SIGTERM; sets ms (until it has exited)
# and rc (its exit status)
sigterm()
{
	local pid t0
	pid=$(cat "$C/charon.pid")
	t0=$(now_ms)
	kill -TERM "$pid"
	tb_wait 30 not tb_srv_alive "$pid"
	ms=$(( $(now_ms) - t0 ))
	wait "$pid"
	rc=$?
	tb_srv_alive "$pid" && kill -KILL "$pid"
}

# the ASan log of a charon: no error, no leak, and LeakSanitizer ran
asan_clean()
{
	local f=$C/asan/charon.$1
	[ -f "$f" ] || { echo "no $f: LeakSanitizer did not report"; return 1; }
	if grep -Eq "ERROR: |leak of|^SUMMARY" "$f"; then
		cat "$f"
		return 1
	fi
	grep -q "Suppressions used" "$f"
}

CANCELLED="enrollment of '[^']*' failed: cancelled, charon is shutting down"

# 1. in libcurl: the CA accepts the request and never answers
tb_exec winnetou python3 "$TB_ROOT/bad-http-server.py" 192.168.0.150 8081 \
	> "$W/bad-http-server.log" 2>&1 &
tb_wait 10 tb_exec carol bash -c 'exec 3<>/dev/tcp/192.168.0.150/8081' ||
	{ tb_log "bad-http-server did not start"; return 1; }
tb_charon_start carol "$SCENARIO/hosts" || return 1
pid1=$(cat "$C/charon.pid")
check "carol's charon runs with the ASan runtime" asan_loaded

# a deferred initiation (no log callback: its own job enrolls), then one
# that waits for that enrollment
check "a deferred initiation of silent is accepted" \
	tb_swanctl carol --initiate --child silent --timeout -1
check "silent's enrollment starts" \
	grep_log carol "profile 'silent': connection 'silent' waits for enrollment" 10
(
	tb_swanctl carol --initiate --child silent --timeout 60 \
		> "$C/initiate-silent.out" 2>&1
	echo $? > "$C/initiate-silent.rc"
) &
waiter=$!
waiting2()
{
	[ "$(count "connection 'silent' waits for enrollment")" -ge 2 ]
}
check "a second initiation waits for it" tb_wait 10 waiting2
in_curl()
{
	[ -n "$(tb_exec carol ss -Htn state established "dport = :8081")" ]
}
check "libcurl waits on its connection to the silent CA" tb_wait 10 in_curl
sleep 1
sigterm
check "charon exits on SIGTERM within $EXIT_MS ms" within "$ms" "$EXIT_MS"
check "... with status 0" [ "$rc" -eq 0 ]
check "the cancelled enrollment is logged once" one "profile 'silent': $CANCELLED"
check "libcurl's abort is not logged as a failed request" \
	not grep -E "request to .* failed" "$C/charon.log"
check "the deferred initiation ends without a certificate" \
	grep_log carol "initiating 'silent' aborted: no certificate"
check "the waiting initiation has returned" tb_wait 10 test -f "$C/initiate-silent.rc"
wait "$waiter" 2>/dev/null
check "no ASan error and no leak in charon (1)" asan_clean "$pid1"
tb_charon_stop carol

# 2. between polls: getcertd holds the request for manual approval
tb_freeradius_start alice winnetou:10.1.0.150:testing123 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1
tb_getcertd_conf winnetou tls 443 yes "policies {
		rmanual {
			path = /rmanual/scep
			subject = C=CH, O=getcert test, OU=remote, CN=%u
			san = %u@strongswan.org
			lifetime = 10m
			approval = manual
		}
	}"
tb_getcertd_start winnetou tls || return 1
tb_charon_start carol "$SCENARIO/hosts" || return 1
pid2=$(cat "$C/charon.pid")
check "carol's second charon runs with the ASan runtime" asan_loaded
(
	tb_swanctl carol --initiate --child pending --timeout 60 \
		> "$C/initiate-pending.out" 2>&1
	echo $? > "$C/initiate-pending.rc"
) &
waiter=$!
check "getcertd holds carol's request for approval" \
	tb_wait 30 grep -q "result=pending approval" "$W/tls.log"
check "charon waits 5 s before its first CertPoll" \
	grep_log carol "SCEP: request PENDING at the CA, polling in 5s" 10
sigterm
# well before the 5 s wait would have ended
check "charon exits on SIGTERM within 3000 ms" within "$ms" 3000
check "... with status 0" [ "$rc" -eq 0 ]
check "the cancelled enrollment is logged once" one "profile 'pending': $CANCELLED"
check "no CertPoll was sent" not grep -q "polling in 10s" "$C/charon.log"
check "the initiation has returned" tb_wait 10 test -f "$C/initiate-pending.rc"
wait "$waiter" 2>/dev/null
check "no ASan error and no leak in charon (2)" asan_clean "$pid2"
tb_charon_stop carol
TB_CHARON=$TB_CHARON_PLAIN
