#!/bin/bash
#
# Helpers of the getcertd scenarios' .dat files:
#   gc_scep_probe <url> <rcpt> <kind> <name> [transid]
#                                   a scep_probe request, the answer
#                                   summarised
#   gc_issued [condition]           certificates in winnetou's getcertd.db
#   gc_lifetime <cert.pem>          a certificate's validity in seconds

GC_SCEP_PROBE=$TB_ROOT/../build/src/libgetcert/tests/scep_probe

# gc_scep_probe <url> <recipient.pem> <kind> <name> [transid]: build a
# request of that kind with scep_probe (PROBE_KEY, PROBE_SIGNER, PROBE_TYPE
# from the environment), POST it to <url>?operation=PKIOperation; request,
# reply body and headers in <name>.req/.body/.hdr. Fails if the request
# could not be built or sent; otherwise prints a summary of the answer:
# status line, Content-Type, body length and the CertRep's
# "pkiStatus=<n> failInfo=<n|->" (decoded with the recipient, who signs it)
# or "no CertRep"
gc_scep_probe()
{
	local url=$1 recipient=$2 kind=$3 name=$4
	"$GC_SCEP_PROBE" build "$kind" "$recipient" "$name.req" ${5:-} &&
	curl -s --max-time 20 -o "$name.body" -D "$name.hdr" \
		-H "Content-Type: application/x-pki-message" \
		--data-binary "@$name.req" "$url?operation=PKIOperation" ||
		return 1
	head -1 "$name.hdr" | tr -d '\r'
	grep -i '^content-type:' "$name.hdr" | tr -d '\r'
	echo "length $(stat -c %s "$name.body")"
	"$GC_SCEP_PROBE" decode "$recipient" "$name.body" 2>&1 || echo "no CertRep"
}

# gc_issued [condition]: the number of certificates in winnetou's
# getcertd.db (with an SQL condition: of those that match it)
gc_issued()
{
	sqlite3 "$TB_DIR/winnetou/getcertd.db" \
		"SELECT count(*) FROM certificates${1:+ WHERE $1}"
}

# gc_lifetime <cert.pem>: seconds between notBefore and notAfter
gc_lifetime()
{
	local nb na
	nb=$(date -d "$(openssl x509 -in "$1" -noout -startdate | cut -d= -f2)" +%s)
	na=$(date -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%s)
	echo $((na - nb))
}
