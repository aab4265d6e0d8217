# persist_dir: the pair survives a restart, nothing else is trusted

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki
PAIR=$C/getcert/carol.pem

tb_getcert_ca || return 1

tb_getcert_hosts "$PKI/caCert.pem" yes || return 1

records()
{
	sqlite3 "$W/getcertd.db" "SELECT count(*) FROM certificates"
}

# mode and owner of a file
mode_of()
{
	stat -c '%a %U' "$1"
}

check "first start: swanctl --initiate enrolls" \
	tb_swanctl carol --initiate --child home --timeout 60
check "the pair was saved" [ -f "$PAIR" ]
check "the directory is 0700, the pair file 0600, both root's" \
	[ "$(mode_of "$C/getcert") $(mode_of "$PAIR")" = "700 root 600 root" ]
check "no temporary file is left" \
	[ "$(ls -A "$C/getcert")" = "carol.pem" ]
serial=$(gc_log_serials carol enrolled | head -1)
# serial of the certificate in a PEM file as pki --print shows it
pki_serial()
{
	gc_serial "$("$TB_PKI" --print --in "$1" |
		sed -n 's/^ *serial: *\([0-9a-f:]*\)$/\1/p')"
}
check "pki --print reads the saved certificate" \
	[ "$(pki_serial "$PAIR")" = "$serial" ]
check "openssl reads the saved key, and it matches the certificate" \
	[ "$(openssl pkey -in "$PAIR" -pubout)" = \
	  "$(openssl x509 -in "$PAIR" -noout -pubkey)" ]

tb_swanctl carol --terminate --ike home > /dev/null 2>&1
tb_charon_stop carol
tb_charon_start carol "$SCENARIO/hosts" || return 1
check "after a restart the saved pair is loaded" \
	grep_log carol "getcert: profile 'carol': loaded saved 'carol@strongswan.org', serial"
check "... the same serial" \
	[ "$(gc_log_serials carol "loaded saved")" = "$serial" ]
check "the initiate needs no enrollment" \
	tb_swanctl carol --initiate --child home --timeout 60
check "... and none happened" \
	not grep -q "getcert: profile 'carol': enrolled" "$C/charon.log"
check "getcertd issued one certificate in all" [ "$(records)" = 1 ]
check "moon authenticated the saved certificate" \
	grep_log moon "authentication of 'carol@strongswan.org' with RSA[^ ]* successful"
check "ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 2 -i 0.2 -W 2 10.1.0.10

# upgrade: the pair as the version before PEM saved it (carol.pair, DER
# certificate and PKCS#1 key) is loaded once and rewritten as carol.pem
tb_swanctl carol --terminate --ike home > /dev/null 2>&1
tb_charon_stop carol
(umask 077 && { openssl x509 -in "$PAIR" -outform DER &&
	openssl rsa -in "$PAIR" -outform DER -traditional 2> /dev/null; } \
	> "$C/getcert/carol.pair") && rm "$PAIR"
tb_charon_start carol "$SCENARIO/hosts" || return 1
check "a pair saved in the format before PEM is loaded" \
	grep_log carol "getcert: profile 'carol': loaded certificate .* from 'carol.pair' in .*, rewriting it as 'carol.pem'"
check "... the same serial" \
	[ "$(gc_log_serials carol "loaded saved")" = "$serial" ]
check "... rewritten as PEM, 0600, the old file removed" \
	[ "$(ls -A "$C/getcert") $(mode_of "$PAIR")" = "carol.pem 600 root" ]
check "... which pki --print reads" [ "$(pki_serial "$PAIR")" = "$serial" ]
check "the initiate after the upgrade needs no enrollment" \
	tb_swanctl carol --initiate --child home --timeout 60
check "... and none happened" \
	not grep -q "getcert: profile 'carol': enrolled" "$C/charon.log"

# tampering: a group-readable file, then a symlink, are not loaded
tb_swanctl carol --terminate --ike home > /dev/null 2>&1
tb_charon_stop carol
chmod 0640 "$PAIR"
tb_charon_start carol "$SCENARIO/hosts" || return 1
check "a pair readable by others is ignored, with the reason" \
	grep_log carol "getcert: 'carol.pem' in .* is accessible by group or others \(mode 0640\), ignored"
check "... and not loaded" \
	not grep -q "loaded saved" "$C/charon.log"
tb_charon_stop carol
chmod 0600 "$PAIR"
mv "$PAIR" "$C/elsewhere.pair"
cp "$C/elsewhere.pair" "$C/elsewhere.orig"
ln -s "$C/elsewhere.pair" "$PAIR"
tb_charon_start carol "$SCENARIO/hosts" || return 1
check "a symlinked pair is not followed, with the reason" \
	grep_log carol "getcert: 'carol.pem' in .* is a symbolic link, ignored"
check "... and not loaded" \
	not grep -q "loaded saved" "$C/charon.log"
check "the next initiate enrolls again" \
	tb_swanctl carol --initiate --child home --timeout 60
replaced_link()
{
	[ -f "$PAIR" ] && [ ! -L "$PAIR" ] &&
		cmp "$C/elsewhere.pair" "$C/elsewhere.orig"
}
check "... and replaces the symlink by a file, leaving its target alone" \
	replaced_link
check "getcertd issued two certificates in all" [ "$(records)" = 2 ]
