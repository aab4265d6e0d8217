# getcertd refuses a configuration that cannot work, and says why

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

W=$TB_DIR/winnetou
P=$TB_DIR/pki

# ra_cert <out> <keyUsage> [self]: an RA certificate for raKey.pem, issued
# by the test bed CA, or self-signed
ra_cert()
{
	local ext=$TB_DIR/ra-ext.cnf
	printf '%s\n' "keyUsage = $2" "basicConstraints = critical, CA:FALSE" \
		> "$ext"
	openssl req -new -key "$P/raKey.pem" -out "$TB_DIR/ra.csr" \
		-subj "/C=CH/O=getcert test/CN=getcert Test RA" 2> /dev/null &&
	if [ "${3:-}" = self ]; then
		openssl x509 -req -in "$TB_DIR/ra.csr" -signkey "$P/raKey.pem" \
			-days 30 -sha256 -extfile "$ext" -out "$1" 2> /dev/null
	else
		openssl x509 -req -in "$TB_DIR/ra.csr" -CA "$P/caCert.pem" \
			-CAkey "$P/caKey.pem" -set_serial 0x2b -days 30 -sha256 \
			-extfile "$ext" -out "$1" 2> /dev/null
	fi
}
ra_cert "$W/noKE.pem" "critical, digitalSignature"
ra_cert "$W/self.pem" "critical, digitalSignature, keyEncipherment" self

# variant <name> <port> <sed expression>: an instance configured like the
# test bed's, its ca section edited
variant()
{
	tb_getcertd_conf winnetou "$1" "$2" no
	sed -i -e "$3" "$W/$1.conf"
}
variant noke 8081 "s|ra_cert = .*|ra_cert = $W/noKE.pem|"
variant self 8082 "s|ra_cert = .*|ra_cert = $W/self.pem|"
variant rakey 8083 "s|ra_key = .*|ra_key = $P/moonKey.pem|"
variant cakey 8084 "s|key = $P/caKey.pem|key = $P/raKey.pem|"
variant good 8085 ""

# refused <name> <regex>: getcertd exits non-zero at start (bounded), its
# log matches
refused()
{
	local rc=0
	tb_exec winnetou timeout 20 "$TB_GETCERTD" --config "$W/$1.conf" \
		--foreground < /dev/null > "$W/$1.log" 2>&1 || rc=$?
	cat "$W/$1.log"
	if [ $rc -eq 0 ] || [ $rc -eq 124 ]; then
		echo "(exit code $rc: getcertd did not refuse to start)"
		return 1
	fi
	grep -Eq -- "$2" "$W/$1.log" || { echo "(no match for '$2')"; return 1; }
}

check "the RA's certificate lacks keyEncipherment: refused" \
	refused noke "ra_cert needs keyUsage digitalSignature .* keyEncipherment"
check "the RA is self-signed, not issued by the CA: refused" \
	refused self "ra_cert is not a currently valid certificate issued by"
check "the RA key is not the RA certificate's: refused" \
	refused rakey "ra_cert must be an RSA certificate and .*ra_key its key"
check "the CA key is not the CA certificate's: refused" \
	refused cakey "ca.key is not the key of .*ca.cert"
check "the test bed's CA and RA start" tb_getcertd_start winnetou good
check "without a warning about the keys" \
	not grep -E "warning|ra_cert|ca.key" "$W/good.log"
check "getcertd ends on SIGTERM" tb_getcertd_stop winnetou good
