# getcertd: no PKCS#1 v1.5 or CBC padding oracle, no fall-through between
# recipientInfos; the answers to every probe are alike. Built with
# CPPFLAGS=-DGETCERT_TEST_EXPLICIT_REJECTION (no implicit rejection), the
# probes with an invalid encrypted key get 400 and this scenario fails.

. "$TB_ROOT/servers.sh"
. "$TB_ROOT/getcertd.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
CA=$TB_DIR/pki/caCert.pem
RA=$TB_DIR/pki/raCert.pem
PROBE=$TB_ROOT/../build/src/libgetcert/tests/scep_probe
KINDS="pkcs1 pkcs1-short wrong-key padding not-der fallthrough"

# "ra" decrypts with the RA key (the documented setup), "nora" with the
# CA's signing key, on the same records
tb_getcertd_conf winnetou ra 8080 no
tb_getcertd_conf winnetou nora 8081 no
sed -i '/ra_cert\|ra_key/d' "$W/nora.conf"
tb_getcertd_start winnetou ra || return 1
tb_getcertd_start winnetou nora || return 1

check "getcertd warns when requests are decrypted with the CA's key" \
	grep -q "requests are decrypted with the CA's signing key" "$W/nora.log"
check "it does not with an RA" \
	not grep -q "requests are decrypted with the CA's signing key" \
	"$W/ra.log"

# probe <instance> <port> <recipient> <kind> [transid]: send a probe from
# carol, summarise the answer in $C/<instance>.<kind>.sum
probe()
{
	local name=$1 port=$2 recipient=$3 kind=$4 f=$C/$1.$4
	"$PROBE" build "$kind" "$recipient" "$f.req" ${5:-} || return 1
	tb_exec carol curl -s --max-time 20 -o "$f.body" -D "$f.hdr" \
		-H "Content-Type: application/x-pki-message" --data-binary "@$f.req" \
		"http://winnetou.strongswan.org:$port/plain/scep?operation=PKIOperation" ||
		return 1
	{
		head -1 "$f.hdr" | tr -d '\r'
		grep -i '^content-type:' "$f.hdr" | tr -d '\r'
		echo "length $(stat -c %s "$f.body")"
		# the CertRep is signed by whoever decrypts: the recipient
		"$PROBE" decode "$recipient" "$f.body" 2>&1 || echo "no CertRep"
	} > "$f.sum"
}

issued()
{
	sqlite3 "$W/getcertd.db" "SELECT count(*) FROM certificates"
}

# all summaries of an instance's probes are the same
alike()
{
	local name=$1 kind
	for kind in $KINDS; do
		echo "== $kind"; cat "$C/$name.$kind.sum"
	done
	[ "$(cat $(for kind in $KINDS; do echo "$C/$name.$kind.sum"; done) |
		 sort | uniq -c | awk '{ print $1 }' | sort -u)" = 6 ]
}

for inst in "ra 8080 $RA" "nora 8081 $CA"; do
	set -- $inst
	for kind in $KINDS; do
		check "$1: probe '$kind' is answered" probe "$1" "$2" "$3" "$kind"
	done
	check "$1: every probe gets the same answer (status, type, length, CertRep)" \
		alike "$1"
	check "$1: that answer is a signed CertRep FAILURE badRequest" \
		grep_cmd "^pkiStatus=2 failInfo=2$" cat "$C/$1.pkcs1.sum"
	check "$1: none of the probes was issued (no fall-through)" \
		grep_cmd "^0$" issued
	check "$1: the correctly encrypted control request is issued" \
		probe "$1" "$2" "$3" valid "VALID$1"
	check "$1: with SUCCESS" \
		grep_cmd "^pkiStatus=0 failInfo=-$" cat "$C/$1.valid.sum"
	sqlite3 "$W/getcertd.db" "DELETE FROM certificates; DELETE FROM transactions"
done

check "the log tells the reasons apart (the answers don't)" \
	grep_cmd "malformed CSR" cat "$W/ra.log"
check "the log names undecryptable content" \
	grep_cmd "content not decryptable" cat "$W/ra.log"
