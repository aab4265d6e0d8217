# charon enrolls on initiate with micromdm's scepserver behind nginx (TLS +
# Basic auth), the tunnel comes up

. "$TB_ROOT/charon.sh"

W=$TB_DIR/winnetou
PKI=$TB_DIR/pki

tb_scepserver_start winnetou 8080 -allowrenew 0 || return 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || return 1
tb_htpasswd "$W/htpasswd" carol carol-pw || return 1
tb_nginx_start winnetou 443 http://127.0.0.1:8080 "$W/htpasswd" || return 1

tb_getcert_hosts "$TB_SCEP_CA" yes || return 1

# carol's certificate as swanctl --list-certs shows it
carol_cert()
{
	tb_swanctl carol --list-certs | grep -A 11 'subject: .*carol'
}

no_carol_cert()
{
	local out
	out=$(tb_swanctl carol --list-certs 2>&1) || { echo "$out"; return 1; }
	! printf '%s\n' "$out" | grep 'CN=carol'
}

# serials of the certificates in scepserver's depot issued to carol
depot_serials()
{
	local f
	for f in "$W"/scep-depot/carol@strongswan.org.*.pem; do
		[ -f "$f" ] || continue
		gc_serial "$(openssl x509 -in "$f" -noout -serial | cut -d= -f2)"
	done
}

# nginx access log lines of this enrollment, those with carol's credentials
access()
{
	tail -n +$((start + 1)) "$TB_NGINX_LOG"
}

carol_access()
{
	access | grep ' - carol '
}

check "carol's charon loaded the profile" \
	grep_log carol "getcert: loaded profile 'carol' for 'carol@strongswan.org'"
check "carol starts without a certificate of her own" no_carol_cert

start=$(wc -l < "$TB_NGINX_LOG")
t0=$(now_ms)
check "ONE swanctl --initiate enrolls and brings up home" \
	tb_swanctl carol --initiate --child home --timeout 60
echo "    (initiate with enrollment: $(( $(now_ms) - t0 )) ms)"
check "carol's log has the enrollment" \
	grep_log carol "getcert: profile 'carol': enrolled 'carol@strongswan.org', serial [0-9A-Fa-f:]+, valid until .* \([0-9]+ ms\)"
check "the first request got nginx's 401, without credentials" \
	grep_cmd '^[^ ]+ - - .*"GET /scep\?operation=GetCACaps HTTP/1.1" 401' access
check "carol's password answered it: her PKIOperation succeeded" \
	grep_cmd '"POST /scep\?operation=PKIOperation HTTP/1.1" 200' carol_access
check "no request of carol's was refused after the 401" \
	not grep_cmd '" 40[0-9] ' carol_access
check "one TLS connection for the whole enrollment" \
	[ "$(access | sed -n 's/.* conn=\([0-9]*\) .*/\1/p' | sort -u | wc -l)" = 1 ]
check "scepserver issued one certificate to carol" \
	[ "$(depot_serials | wc -l)" = 1 ]
check "the serial in carol's log is the one scepserver issued" \
	grep_cmd "^$(gc_log_serials carol enrolled)$" depot_serials
check "moon authenticated carol's certificate" \
	grep_log moon "authentication of 'carol@strongswan.org' with RSA[^ ]* successful"
check "moon's IKE_SA is with carol" \
	grep_cmd "remote 'carol@strongswan.org' @ 192\.168\.0\.100" \
	tb_swanctl moon --list-sas
check "swanctl --list-certs on carol: scepserver's certificate with its key" \
	grep_cmd "has private key" carol_cert
check "... issued by the scepserver's CA" \
	grep_cmd 'issuer: *"C=CH, O=getcert test, OU=SCEP CA"' carol_cert
check "ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
check "no failed enrollment" \
	not grep_log carol "getcert: .*failed" 0
