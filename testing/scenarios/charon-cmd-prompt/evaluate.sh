# charon-cmd: password and OTP code typed at its prompts, tunnel up

. "$TB_ROOT/charon.sh"

C=$TB_DIR/carol
W=$TB_DIR/winnetou
PKI=$TB_DIR/pki

tb_getcert_ca || return 1

# carol runs charon-cmd instead of a charon (both would bind port 500)
tb_getcert_hosts "$PKI/caCert.pem" no || return 1
# no charon in carol: charon-cmd is the client
tb_install_conf "$SCENARIO/hosts/carol/charon-cmd.conf" "$C/charon-cmd.conf" carol
# charon-cmd's ikev2-pub profile refuses to start without --rsa, --p12 or
# --agent ("missing private key for profile"): a key no certificate is
# issued for, never used (the key is found through the certificate)
"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$C/unusedKey.pem"

# cmd_run <name> <identity> <password> [code]: charon-cmd under expect in
# carol, in the background; transcript in <name>.out, pid in CMD_PID
cmd_run()
{
	local name=$1 id=$2
	rm -f "$C/$name.up" "$C/$name.done"
	CMD_PW=$3 CMD_CODE=${4:-} CMD_UP=$C/$name.up CMD_DONE=$C/$name.done \
		CMD_TIMEOUT=60 STRONGSWAN_CONF=$C/charon-cmd.conf \
		tb_exec carol timeout 150 expect -f "$SCENARIO/charon-cmd.exp" \
		"$TB_CHARON_CMD" --host 192.168.0.1 --identity "$id" \
		--remote-identity moon.strongswan.org --cert "$PKI/caCert.pem" \
		--rsa "$C/unusedKey.pem" --profile ikev2-pub --remote-ts 10.1.0.0/16 \
		> "$C/$name.out" 2>&1 &
	CMD_PID=$!
}

# tunnel_up <name>: wait until expect saw the CHILD_SA, or it ended
tunnel_up()
{
	local i
	for i in $(seq 900); do
		[ -f "$C/$1.up" ] && return 0
		tb_srv_alive "$CMD_PID" || break
		sleep 0.1
	done
	tail -15 "$C/$1.out"
	return 1
}

# cmd_end <name>: let expect end charon-cmd (not in check's subshell: it
# waits for expect), its exit code in CMD_RC
cmd_end()
{
	touch "$C/$1.done"
	wait "$CMD_PID"
	CMD_RC=$?
}

# ran <rc> <output file>: show the end of a command's output, its status
ran()
{
	tail -3 "$2"
	return "$1"
}

cmdlog()
{
	cat "$C/charon-cmd.log"
}

check "without the tunnel carol can't reach alice" \
	not tb_exec carol ping -c 1 -W 1 10.1.0.10

cmd_run carol carol@strongswan.org carol-pw
check "charon-cmd asks for the password, enrolls, the tunnel comes up" \
	tunnel_up carol
check "the password prompt was answered" \
	grep -q "EAP password: " "$C/carol.out"
check "charon-cmd's log has the enrollment" \
	grep_cmd "getcert: profile 'carol': enrolled 'carol@strongswan.org', serial [0-9A-Fa-f:]+" cmdlog
check "moon authenticated carol's certificate" \
	grep_log moon "authentication of 'carol@strongswan.org' with RSA[^ ]* successful"
check "ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
cmd_end carol
check "charon-cmd ends on Ctrl-C" ran $CMD_RC "$C/carol.out"
check "getcertd issued carol's certificate after a RADIUS Access-Accept" \
	grep_cmd "PKIOperation PKCSReq user=carol .*result=issued status=200" \
	cat "$W/tls.log"
check "the serial charon-cmd logged is the one getcertd recorded" \
	grep_cmd "^$(gc_log_serials carol enrolled "$C/charon-cmd.log")$" \
	gc_db_serials winnetou carol
check "the tunnel is gone with charon-cmd" \
	tb_wait 10 not tb_exec carol ping -c 1 -W 1 10.1.0.10

# the OTP token user: any password, then the code asked for by the CA
cmd_run otp otp@strongswan.org anything 123456
check "OTP: the CA's question reaches the user, the code is accepted" \
	tunnel_up otp
check "OTP: expect saw the question before the PIN prompt" \
	grep -q "EXPECT: the CA asked 'Enter the code from your token'" "$C/otp.out"
check "OTP: charon-cmd's log has the CA's question" \
	grep_cmd "getcert: profile 'otp': the CA asks: Enter the code from your token" cmdlog
check "OTP: FreeRADIUS challenged, then accepted the code" \
	grep_cmd "Access-Accept user=otp .* state=0x" cat "$TB_RADIUS_LOG"
check "OTP: enrolled" \
	grep_cmd "getcert: profile 'otp': enrolled 'otp@strongswan.org', serial" cmdlog
check "OTP: moon authenticated otp@strongswan.org" \
	grep_log moon "authentication of 'otp@strongswan.org' with RSA[^ ]* successful"
check "OTP: ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
cmd_end otp
check "OTP: charon-cmd ends on Ctrl-C" ran $CMD_RC "$C/otp.out"
check "no secret in charon-cmd's log" \
	not grep -E "carol-pw|123456" "$C/charon-cmd.log"
