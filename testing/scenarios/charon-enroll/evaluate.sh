# charon enrolls on initiate (getcertd + RADIUS), the tunnel comes up

. "$TB_ROOT/charon.sh"

W=$TB_DIR/winnetou
PKI=$TB_DIR/pki
CARLOG=$TB_DIR/carol/charon.log

tb_getcert_ca || return 1

tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

records()
{
	sqlite3 "$W/getcertd.db" "SELECT count(*) FROM certificates WHERE user = 'carol'"
}

# carol's certificate as swanctl --list-certs shows it
carol_cert()
{
	tb_swanctl carol --list-certs | grep -A 12 'CN=carol"'
}

carol_cert_serial()
{
	gc_serial "$(carol_cert | sed -n 's/^ *serial: *//p' | head -1)"
}

no_carol_cert()
{
	local out
	out=$(tb_swanctl carol --list-certs 2>&1) || { echo "$out"; return 1; }
	! printf '%s\n' "$out" | grep 'CN=carol"'
}

# same <a> <b>: two non-empty values are equal
same()
{
	echo "'$1' vs '$2'"
	[ -n "$1" ] && [ "$1" = "$2" ]
}

# child_sa <host> <child>: the CHILD_SA's lines of swanctl --list-sas
child_sa()
{
	tb_swanctl "$1" --list-sas |
		awk -v c="  $2: #" 'index($0, c) == 1 { f = 1; print; next }
			f && /^    / { print; next } { f = 0 }'
}

# moon's IKE_SAs and CHILD_SAs with carol: "<ike_sas> <child_sas>"
moon_sas()
{
	tb_swanctl moon --list-sas |
		awk '/^rw: #/ { i++ } /^  net: #/ { c++ } END { print i + 0, c + 0 }'
}

# the number of lines of carol's charon log matching a regex
log_count()
{
	grep -Ec -- "$1" "$CARLOG"
}

check "carol's charon loaded the profile" \
	grep_log carol "getcert: loaded profile 'carol' for 'carol@strongswan.org'"
check "carol starts without a certificate of her own" no_carol_cert
check "getcertd has issued nothing yet" [ "$(records)" = 0 ]

t0=$(now_ms)
check "ONE swanctl --initiate enrolls and brings up home" \
	tb_swanctl carol --initiate --child home --timeout 60
echo "    (initiate with enrollment: $(( $(now_ms) - t0 )) ms)"
check "the connection waited for the enrollment" \
	grep_log carol "getcert: profile 'carol': connection 'home' waits for enrollment"
check "carol's log has the enrollment" \
	grep_log carol "getcert: profile 'carol': enrolled 'carol@strongswan.org', serial [0-9A-Fa-f:]+, valid until .* \([0-9]+ ms\)"
check "moon authenticated carol's certificate" \
	grep_log moon "authentication of 'carol@strongswan.org' with RSA[^ ]* successful"
check "moon's IKE_SA is with carol" \
	grep_cmd "remote 'carol@strongswan.org' @ 192\.168\.0\.100" \
	tb_swanctl moon --list-sas
check "carol got a virtual IP from moon's pool" \
	grep_log carol "installing new virtual IP 10\.3\.0\."

logged=$(gc_log_serials carol enrolled)
issued=$(gc_db_serials winnetou)
check "getcertd issued one certificate, to carol over RADIUS" \
	grep_cmd "^1\|carol\|192\.168\.0\.100\|radius$" sqlite3 "$W/getcertd.db" \
	"SELECT count(*) || '|' || user || '|' || client || '|' || policy FROM certificates"
check "the serial in carol's log is the one getcertd recorded" \
	same "$logged" "$issued"
check "FreeRADIUS accepted carol once" \
	[ "$(grep -c "Access-Accept user=carol " "$TB_RADIUS_LOG")" = 1 ]
check "ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
check "moon counted the ping as ESP traffic" \
	grep_cmd "in  [0-9a-f]+, +[1-9][0-9]* bytes, +[1-9][0-9]* packets" \
	tb_swanctl moon --list-sas
check "swanctl --list-certs on carol shows the certificate and its key" \
	grep_cmd "has private key" carol_cert
check "... with the serial getcertd recorded" \
	grep_cmd "^$issued$" carol_cert_serial

# a fresh charon, two connections bound to the profile initiated at once
tb_swanctl carol --terminate --ike home --timeout 10 > /dev/null 2>&1
tb_charon_stop carol
tb_charon_start carol "$SCENARIO/hosts" || return 1
check "the restarted charon has no certificate of carol (keys in memory only)" \
	no_carol_cert
count=$(records)
tb_swanctl carol --initiate --child home --timeout 60 \
	> "$TB_DIR/carol/initiate-home.out" 2>&1 &
p1=$!
tb_swanctl carol --initiate --child home2 --timeout 60 \
	> "$TB_DIR/carol/initiate-home2.out" 2>&1 &
p2=$!
wait $p1
rc1=$?
wait $p2
rc2=$?
check "home, initiated concurrently with home2, comes up" \
	bash -c "tail -3 '$TB_DIR/carol/initiate-home.out'; [ $rc1 = 0 ]"
check "home2, initiated concurrently with home, comes up" \
	bash -c "tail -3 '$TB_DIR/carol/initiate-home2.out'; [ $rc2 = 0 ]"
check "both shared one enrollment: one 'enrolled' line" \
	[ "$(log_count "getcert: profile 'carol': enrolled ")" = 1 ]
check "... and one issuance in getcertd's database" \
	[ "$(records)" = $((count + 1)) ]
check "... and no failed enrollment" \
	not grep_log carol "getcert: .*failed" 0
check "the second serial is in getcertd's database" \
	grep_cmd "^$(gc_log_serials carol enrolled)$" gc_db_serials winnetou
check "home2's CHILD_SA joined home's IKE_SA (equal peer configs)" \
	grep_cmd "^  home2: #[0-9]+, reqid [0-9]+, INSTALLED" tb_swanctl carol --list-sas
check "moon has one IKE_SA of carol, with both CHILD_SAs" \
	grep_cmd "^1 2$" moon_sas
check "ping to alice through home" \
	tb_exec carol ping -c 2 -i 0.2 -W 2 10.1.0.10
check "ping to moon's inside address through home2" \
	tb_exec carol ping -c 2 -i 0.2 -W 2 10.1.0.1
check "... counted by home2's CHILD_SA" \
	grep_cmd "in  [0-9a-f]+, +[1-9][0-9]* bytes, +[1-9][0-9]* packets" \
	child_sa carol home2
