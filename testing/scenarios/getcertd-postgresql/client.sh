#!/bin/bash
#
# getcertd-postgresql's clients (run in carol, in its directory):
#
#   client.sh build <n> <ra.pem>
#       n PKCSReq (plain policy: challengePassword "secret") in req/<i>.der:
#       one RSA key (load.key, PKCS#1 DER), CN=load-<i>, transactionID
#       LOAD-<i>, each signed with a self-signed certificate of its own
#   client.sh send <url> <ca.pem> <i> [dir]
#       POST req/<i>.der until an HTTP 200 answer is stored in
#       <dir>/<i>.der (default reply/): the same bytes each time, as a
#       client resends a request whose answer it lost; every failed try
#       is a line in <dir>/retries.log; at most 20 tries
#   client.sh verify <ra.pem> <ca.pem> <i> [dir]
#       the answer is a CertRep signed by the RA with pkiStatus SUCCESS,
#       its certificate decrypts with load.key, is for that key and chains
#       to the CA: prints the certificate's serial (hex, as openssl does)
#
# Exit status 0 on success, 1 otherwise (the reason on stderr).

PROBE=${GC_SCEP_PROBE:?}

build()
{
	local n=$1 ra=$2 i
	mkdir -p req reply
	for i in $(seq 1 "$n"); do
		PROBE_KEY=load.key PROBE_CN=load-$i "$PROBE" build valid "$ra" \
			"req/$i.der" "LOAD-$i" || return 1
	done
}

send()
{
	local url=$1 ca=$2 i=$3 dir=${4:-reply} try code
	mkdir -p "$dir"
	for try in $(seq 1 20); do
		code=$(curl -s --max-time 30 --cacert "$ca" -o "$dir/$i.tmp" \
			-w '%{http_code}' -H "Content-Type: application/x-pki-message" \
			--data-binary "@req/$i.der" "$url?operation=PKIOperation")
		if [ "$code" = 200 ]; then
			mv "$dir/$i.tmp" "$dir/$i.der"
			return 0
		fi
		echo "request $i try $try: HTTP $code" >> "$dir/retries.log"
		sleep 0.5
	done
	echo "request $i: no answer after $try tries" >&2
	return 1
}

verify()
{
	local ra=$1 ca=$2 i=$3 dir=${4:-reply} tmp status
	tmp=$dir/$i.v
	status=$("$PROBE" decode "$ra" "$dir/$i.der" 2>&1)
	case "$status" in
		"pkiStatus=0 "*) ;;
		*) echo "request $i: $status" >&2; return 1 ;;
	esac
	# signedData's content: the EnvelopedData, encrypted to our
	# self-signed certificate, holding a degenerate SignedData
	openssl cms -verify -noverify -inform DER -in "$dir/$i.der" -binary \
			-out "$tmp.env" 2>/dev/null &&
		openssl cms -decrypt -inform DER -in "$tmp.env" -binary \
			-inkey load.key -keyform DER -out "$tmp.p7" 2>/dev/null &&
		openssl pkcs7 -inform DER -in "$tmp.p7" -print_certs \
			-out "$tmp.pem" 2>/dev/null ||
		{ echo "request $i: no certificate in the answer" >&2; return 1; }
	if ! openssl verify -CAfile "$ca" "$tmp.pem" >/dev/null 2>&1; then
		echo "request $i: certificate does not chain to the CA" >&2
		return 1
	fi
	if [ "$(openssl x509 -in "$tmp.pem" -noout -pubkey)" != \
		 "$(openssl pkey -inform DER -in load.key -pubout)" ]; then
		echo "request $i: certificate for another key" >&2
		return 1
	fi
	if ! openssl x509 -in "$tmp.pem" -noout -subject | grep -q "CN *= *load-$i$"; then
		echo "request $i: certificate for another subject" >&2
		return 1
	fi
	openssl x509 -in "$tmp.pem" -noout -serial | cut -d= -f2
	rm -f "$tmp.env" "$tmp.p7"
}

cmd=$1
shift
case "$cmd" in
	build|send|verify) "$cmd" "$@" ;;
	*) echo "usage: client.sh build|send|verify ..." >&2; exit 1 ;;
esac
