#!/bin/bash
#
# getcert test bed: hosts in network namespaces, each with a private /run,
# real daemons started inside them. Sourced by run-scenarios.sh and demo.sh.
#
#   carol     192.168.0.100                  client (charon + getcert)
#   moon      192.168.0.1    10.1.0.1        gateway (charon), forwards
#   winnetou  192.168.0.150  10.1.0.150      enrollment CA (getcertd / scepserver)
#   alice     10.1.0.10                      RADIUS server, ping target
#
# 192.168.0.0/24 ("internet") and 10.1.0.0/16 (behind moon) are bridges in a
# switch namespace. carol has no route to 10.1.0.0/16 but through a tunnel. Every host has a keeper process holding its mount
# namespace, in which a tmpfs covers /run: each charon has its own pid file
# and vici socket at the default paths. Commands run in a host through
# nsenter into the keeper's namespaces.
#
# Everything created is named with the prefix gc<TB_ID>- and removed by
# tb_teardown, which the callers run from an EXIT trap.

TB_HOSTS="moon carol winnetou alice"
TB_ID=${TB_ID:-$$}
TB_PREFIX="gc${TB_ID}-"
TB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB_DIR=${TB_DIR:-/tmp/getcert-testbed.$TB_ID}

# bounded waits, seconds
TB_WAIT_START=${TB_WAIT_START:-15}

. "${GETCERT_CACHE:-/var/cache/getcert}/strongswan.env"
TB_CHARON=$SS_PREFIX/libexec/ipsec/charon
TB_SWANCTL=$SS_PREFIX/sbin/swanctl
TB_PKI=$SS_PREFIX/bin/pki

tb_log()
{
	echo "  testbed: $*" >&2
}

# name of a host's network namespace
tb_ns()
{
	echo "${TB_PREFIX}$1"
}

# addresses: "<iface> <addr/len>" per line
tb_host_addrs()
{
	case "$1" in
		moon)     echo "eth0 192.168.0.1/24"; echo "eth1 10.1.0.1/16" ;;
		carol)    echo "eth0 192.168.0.100/24" ;;
		winnetou) echo "eth0 192.168.0.150/24"; echo "eth1 10.1.0.150/16" ;;
		alice)    echo "eth0 10.1.0.10/16" ;;
	esac
}

tb_host_gateway()
{
	case "$1" in
		alice) echo 10.1.0.1 ;;
	esac
}

# /etc/hosts of the test bed's hosts
tb_hosts_file()
{
	cat <<HOSTS
127.0.0.1	localhost
192.168.0.1	moon.strongswan.org moon
192.168.0.100	carol.strongswan.org carol
192.168.0.150	winnetou.strongswan.org winnetou
10.1.0.10	alice.strongswan.org alice
HOSTS
}

# run a command in a host (network and mount namespace)
tb_exec()
{
	local host=$1
	shift
	nsenter -t "$(cat "$TB_DIR/$host/keeper.pid")" -m -n -- "$@"
}

# wait up to $1 seconds for a command to succeed
tb_wait()
{
	local timeout=$1 end
	shift
	end=$((SECONDS + timeout))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.1
	done
}

tb_net_up()
{
	local sw host ns iface addr n=0 br gw
	mkdir -p "$TB_DIR"
	sw=$(tb_ns sw)
	ip netns add "$sw"
	ip -n "$sw" link set lo up
	for br in br-pub br-int; do
		ip -n "$sw" link add "$br" type bridge
		ip -n "$sw" link set "$br" up
	done
	for host in $TB_HOSTS; do
		ns=$(tb_ns "$host")
		# ip netns exec bind-mounts /etc/netns/<ns>/hosts over /etc/hosts,
		# the keeper's mount namespace keeps it for every command
		mkdir -p "/etc/netns/$ns"
		tb_hosts_file > "/etc/netns/$ns/hosts"
		ip netns add "$ns"
		ip -n "$ns" link set lo up
		while read -r iface addr; do
			n=$((n + 1))
			case "$addr" in
				192.168.*) br=br-pub ;;
				*) br=br-int ;;
			esac
			# create the pair in the switch, move one end to the host
			ip -n "$sw" link add "p$n" type veth peer name "$iface" netns "$ns"
			ip -n "$sw" link set "p$n" master "$br" up
			ip -n "$ns" addr add "$addr" dev "$iface"
			ip -n "$ns" link set "$iface" up
		done < <(tb_host_addrs "$host")
		gw=$(tb_host_gateway "$host")
		[ -z "$gw" ] || ip -n "$ns" route add default via "$gw"
		mkdir -p "$TB_DIR/$host"
		# the keeper holds the host's mount namespace with a private /run
		ip netns exec "$ns" unshare --mount --propagation private \
			sh -c 'mount -t tmpfs -o mode=0755 tb-run /run &&
				   mkdir -p /run/getcert && exec sleep infinity' \
			</dev/null >/dev/null 2>&1 &
		echo $! > "$TB_DIR/$host/keeper.pid"
	done
	ip netns exec "$(tb_ns moon)" sysctl -qw net.ipv4.ip_forward=1
	for host in $TB_HOSTS; do
		tb_wait 5 tb_exec "$host" test -d /run/getcert ||
			{ tb_log "host $host did not come up"; return 1; }
	done
}

# copy a configuration file into a host's directory, filling in the paths
tb_install_conf()
{
	local src=$1 dst=$2 host=$3
	sed -e "s|@TB_DIR@|$TB_DIR|g" -e "s|@HOSTDIR@|$TB_DIR/$host|g" \
		-e "s|@PKI@|$TB_DIR/pki|g" -e "s|@BUILD@|$TB_ROOT/../build|g" \
		"$src" > "$dst"
}

# create the test bed's CA, getcertd's RA and the gateway's certificate
# with strongSwan pki (and OpenSSL for the RA's keyUsage)
tb_pki()
{
	local d=$TB_DIR/pki
	mkdir -p "$d"
	"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$d/caKey.pem"
	"$TB_PKI" --self --ca --in "$d/caKey.pem" --lifetime 30 \
		--dn "C=CH, O=getcert test, CN=getcert Test CA" --outform pem \
		> "$d/caCert.pem"
	"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$d/moonKey.pem"
	"$TB_PKI" --req --in "$d/moonKey.pem" --type priv \
		--dn "C=CH, O=getcert test, CN=moon.strongswan.org" \
		--san moon.strongswan.org --outform pem > "$d/moonReq.pem"
	"$TB_PKI" --issue --cacert "$d/caCert.pem" --cakey "$d/caKey.pem" \
		--type pkcs10 --in "$d/moonReq.pem" --lifetime 30 \
		--flag serverAuth --flag ikeIntermediate --outform pem \
		> "$d/moonCert.pem"
	rm -f "$d/moonReq.pem"
	# getcertd's RA: decrypts requests and signs CertReps, so that the CA
	# key signs certificates and CRLs only (keyUsage says so: pki --issue
	# writes none for end entities)
	"$TB_PKI" --gen --type rsa --size 2048 --outform pem > "$d/raKey.pem"
	openssl req -new -key "$d/raKey.pem" -subj \
		"/C=CH/O=getcert test/CN=getcert Test RA" -out "$d/raReq.pem" \
		2> /dev/null
	openssl x509 -req -in "$d/raReq.pem" -CA "$d/caCert.pem" \
		-CAkey "$d/caKey.pem" -set_serial 0x2a -days 30 -sha256 \
		-extfile <(printf '%s\n' \
			"keyUsage = critical, digitalSignature, keyEncipherment" \
			"basicConstraints = critical, CA:FALSE" \
			"subjectKeyIdentifier = hash" \
			"authorityKeyIdentifier = keyid") \
		-out "$d/raCert.pem" 2> /dev/null
	rm -f "$d/raReq.pem"
}

# start charon in a host with the common and the scenario's configuration
tb_charon_start()
{
	local host=$1 scenario_hosts=$2 dir=$TB_DIR/$1 pid f
	tb_install_conf "$TB_ROOT/hosts/strongswan.conf" "$dir/strongswan.conf" "$host"
	: > "$dir/scenario.conf"
	f=$scenario_hosts/$host/strongswan.conf
	[ ! -f "$f" ] || tb_install_conf "$f" "$dir/scenario.conf" "$host"
	mkdir -p "$dir/swanctl"
	for f in "$scenario_hosts/$host"/swanctl/*; do
		[ -f "$f" ] || continue
		tb_install_conf "$f" "$dir/swanctl/$(basename "$f")" "$host"
	done
	STRONGSWAN_CONF=$dir/strongswan.conf \
		nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- "$TB_CHARON" \
		</dev/null >"$dir/charon.log" 2>&1 &
	pid=$!
	echo $pid > "$dir/charon.pid"
	if ! tb_wait "$TB_WAIT_START" tb_exec "$host" test -S /run/charon.vici; then
		tb_log "charon on $host did not open its vici socket"
		tail -20 "$dir/charon.log" >&2
		return 1
	fi
	if [ -f "$dir/swanctl/swanctl.conf" ]; then
		tb_swanctl "$host" --load-all --noprompt \
			--file "$dir/swanctl/swanctl.conf" > "$dir/swanctl-load.log" 2>&1 ||
			{ tb_log "swanctl --load-all on $host failed";
			  cat "$dir/swanctl-load.log" >&2; return 1; }
	fi
}

# run swanctl against a host's charon
tb_swanctl()
{
	local host=$1
	shift
	STRONGSWAN_CONF=$TB_DIR/$host/strongswan.conf \
		tb_exec "$host" "$TB_SWANCTL" "$@"
}

# end every process in our namespaces, by PID, then remove the namespaces
tb_teardown()
{
	local host ns pids i
	for host in $TB_HOSTS sw; do
		ns=$(tb_ns "$host")
		rm -rf "/etc/netns/$ns"
		ip netns list 2>/dev/null | grep -q "^$ns\b" || continue
		pids=$(ip netns pids "$ns" 2>/dev/null)
		if [ -n "$pids" ]; then
			kill -TERM $pids 2>/dev/null
			for i in $(seq 50); do
				pids=$(ip netns pids "$ns" 2>/dev/null)
				[ -n "$pids" ] || break
				sleep 0.1
			done
			[ -z "$pids" ] || kill -KILL $pids 2>/dev/null
		fi
		ip netns del "$ns" 2>/dev/null
	done
	# the keepers end with their namespaces; reap what we started
	wait 2>/dev/null
	return 0
}

# list what is left of this test bed (namespaces, processes); empty if clean
tb_leftovers()
{
	ip netns list 2>/dev/null | grep "^$TB_PREFIX" || true
	ls -d /etc/netns/"$TB_PREFIX"* 2>/dev/null || true
}
