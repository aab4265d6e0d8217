# FreeRADIUS from servers.sh: PAP users, challenge/response, Message-Authenticator

. "$TB_ROOT/servers.sh"

ALICE=10.1.0.10
SECRET=testing123

tb_freeradius_start alice winnetou:10.1.0.150:$SECRET || return 1

# radclient -x in winnetou against alice, one try and one retry of a second:
# rx <attributes> [secret] [command]. Prints radclient's output; succeeds
# whatever the answer (radclient exits 1 for anything but Access-Accept)
rx()
{
	printf '%s\n' "$1" | tb_radclient winnetou -x -t 1 -r 1 \
		"$ALICE" "${3:-auth}" "${2:-$SECRET}" 2>&1
	return 0
}

# the response in rx's output: "Received ..." and its attribute lines
rx_reply()
{
	printf '%s\n' "$1" | sed -n '/^Received /,/^[^[:space:]]/{/^Received /p;/^[[:space:]]/p}'
}

# expect_reply <type> <rx output>: the response is of that type and has a
# Message-Authenticator (16 octets), as its first attribute
expect_reply()
{
	local type=$1 reply
	reply=$(rx_reply "$2")
	printf '%s\n' "$2"
	if ! grep -q "^Received $type Id " <<< "$reply"; then
		echo "(no $type received)"
		return 1
	fi
	if ! grep -Eq '^[[:space:]]+Message-Authenticator = 0x[0-9a-f]{32}$' <<< "$reply"; then
		echo "(no Message-Authenticator in the response)"
		return 1
	fi
	if ! sed -n 2p <<< "$reply" | grep -q 'Message-Authenticator = '; then
		echo "(Message-Authenticator is not the first attribute)"
		return 1
	fi
}

# expect_drop <rx output>: no response, radclient gave up
expect_drop()
{
	printf '%s\n' "$1"
	if grep -q '^Received ' <<< "$1"; then
		echo "(a response was received)"
		return 1
	fi
	grep -q 'No reply from server' <<< "$1"
}

# the lines of radius.log matching a regex, at least/exactly n of them:
# log_count <regex> <n>
log_count()
{
	local n
	n=$(grep -Ec -- "$1" "$TB_RADIUS_LOG")
	grep -E -- "$1" "$TB_RADIUS_LOG"
	[ "$n" -eq "$2" ] || { echo "($n lines match '$1', expected $2)"; return 1; }
}

MA=Message-Authenticator=0x00

check "carol with the right password: Access-Accept with Message-Authenticator" \
	expect_reply Access-Accept "$(rx "User-Name=carol,User-Password=carol-pw,$MA")"
check "carol with a wrong password: Access-Reject with Message-Authenticator" \
	expect_reply Access-Reject "$(rx "User-Name=carol,User-Password=wrong-pw,$MA")"
check "dave with the right password: Access-Accept" \
	expect_reply Access-Accept "$(rx "User-Name=dave,User-Password=dave-pw,$MA")"
check "an unknown user: Access-Reject" \
	expect_reply Access-Reject "$(rx "User-Name=nobody,User-Password=dave-pw,$MA")"
check "a request without Message-Authenticator is dropped" \
	expect_drop "$(rx "User-Name=carol,User-Password=carol-pw")"
check "a request with a wrong shared secret is dropped" \
	expect_drop "$(rx "User-Name=carol,User-Password=carol-pw,$MA" wrong-secret)"
check "FreeRADIUS logs the wrong shared secret" \
	grep_cmd "invalid Message-Authenticator.*Shared secret is incorrect.*from client winnetou" \
	cat "$TB_DIR/alice/freeradius.log"
check "Status-Server from winnetou: Access-Accept with Message-Authenticator" \
	expect_reply Access-Accept "$(rx "$MA" "$SECRET" status)"

# challenge/response: the first round's State, then the code
OTP1=$(rx "User-Name=otp,User-Password=first-try,$MA")
STATE1=$(rx_reply "$OTP1" | sed -n 's/^[[:space:]]*State = \(0x[0-9a-f]*\)$/\1/p')
check "otp without State: Access-Challenge with Message-Authenticator" \
	expect_reply Access-Challenge "$OTP1"
check "the challenge asks for the token code" \
	grep_cmd '^[[:space:]]+Reply-Message = "Enter the code from your token"$' \
	rx_reply "$OTP1"
check "the challenge carries a State" \
	grep_cmd '^0x[0-9a-f]{2,}$' echo "$STATE1"
check "otp with that State and code 123456: Access-Accept with Message-Authenticator" \
	expect_reply Access-Accept "$(rx "User-Name=otp,User-Password=123456,State=$STATE1,$MA")"
check "the State is used up: the same answer again gets an Access-Reject" \
	expect_reply Access-Reject "$(rx "User-Name=otp,User-Password=123456,State=$STATE1,$MA")"
OTP2=$(rx "User-Name=otp,User-Password=first-try,$MA")
STATE2=$(rx_reply "$OTP2" | sed -n 's/^[[:space:]]*State = \(0x[0-9a-f]*\)$/\1/p')
check "a second challenge has a new State" \
	expect_rc 0 test -n "$STATE2" -a "$STATE2" != "$STATE1"
check "otp with that State and a wrong code: Access-Reject with Message-Authenticator" \
	expect_reply Access-Reject "$(rx "User-Name=otp,User-Password=654321,State=$STATE2,$MA")"
check "otp with a State the server never sent: Access-Reject" \
	expect_reply Access-Reject "$(rx "User-Name=otp,User-Password=123456,State=0x00112233445566778899aabbccddeeff,$MA")"

# the request log: one line per answered request, dropped ones not there
W="client=winnetou src=10\.1\.0\.150"
check "radius.log: carol accepted once and rejected once, nothing else" \
	log_count " user=carol " 2
check "radius.log: carol's Access-Accept from winnetou" \
	log_count "^[0-9-]+ [0-9:]+ Access-Accept user=carol $W state=none$" 1
check "radius.log: carol's Access-Reject from winnetou" \
	log_count "^[0-9-]+ [0-9:]+ Access-Reject user=carol $W state=none$" 1
check "radius.log: two challenges for otp" \
	log_count "Access-Challenge user=otp $W state=none$" 2
check "radius.log: otp accepted once, with the first State" \
	log_count "Access-Accept user=otp $W state=$STATE1$" 1
check "radius.log: otp rejected three times, each with a State" \
	log_count "Access-Reject user=otp $W state=0x[0-9a-f]+$" 3
check "radius.log: winnetou's Status-Server" \
	log_count "Status-Server user=none $W " 1
check "no log holds a password" \
	not grep -Ew -- 'carol-pw|wrong-pw|dave-pw|first-try|123456|654321' \
	"$TB_RADIUS_LOG" "$TB_DIR/alice/freeradius.log"
