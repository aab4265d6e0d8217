#!/bin/bash
#
# getcert test bed: hosts in network namespaces, each with a private /run,
# real daemons started inside them. Sourced by run-scenarios.sh and demo.sh.
#
#   carol     192.168.0.100                  client (charon + getcert)
#   moon      192.168.0.1    10.1.0.1        gateway (charon), forwards
#   winnetou  192.168.0.150  10.1.0.150      enrollment CA (getcertd / scepserver)
#   alice     10.1.0.10                      RADIUS server, ping target
#   db        10.1.0.20                      PostgreSQL server (when started)
#
# 192.168.0.0/24 ("internet") and 10.1.0.0/16 (behind moon) are bridges in a
# switch namespace. carol has no route to 10.1.0.0/16 but through a tunnel. Every host has a keeper process holding its mount
# namespace, in which a tmpfs covers /run: each charon has its own pid file
# and vici socket at the default paths. Commands run in a host through
# nsenter into the keeper's namespaces.
#
# Everything created is named with the prefix gc<TB_ID>- and removed by
# tb_teardown, which the callers run from an EXIT trap. Sources pki.sh.
#
#   tb_net_up                       namespaces, links, addresses, keepers
#   tb_teardown                     end every process of the bed, remove it
#   tb_leftovers                    what is left of this bed (empty: clean)
#   tb_exec <host> <command...>     run a command in a host
#   tb_wait <seconds> <command...>  wait until the command succeeds
#   tb_ns <host>                    the host's network namespace
#   tb_host_addrs, tb_host_gateway <host>
#                                   the host's "<iface> <addr/len>" lines,
#                                   its default gateway
#   tb_hosts_file [host]            the host's /etc/hosts
#   tb_conf_file <host> <path>      where a host's configuration file comes
#                                   from: the scenario's hosts/<host>/<path>,
#                                   testing/hosts/<host>/ or hosts/default/
#   tb_install_conf <src> <dst> <host> [NAME=value...]
#                                   a configuration file with @...@ filled in
#   tb_charon_start <host> <scenario hosts dir>
#                                   charon with testing/hosts/strongswan.conf
#                                   and the scenario's strongswan.conf/swanctl
#   tb_swanctl <host> <args...>     swanctl against the host's charon
#   tb_log <message>                a line on stderr

TB_HOSTS="moon carol winnetou alice db"
TB_ID=${TB_ID:-$$}
TB_PREFIX="gc${TB_ID}-"
TB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TB_DIR=${TB_DIR:-/tmp/getcert-testbed.$TB_ID}

# bounded waits and commands, seconds
TB_WAIT_START=${TB_WAIT_START:-15}
TB_CMD_TIMEOUT=${TB_CMD_TIMEOUT:-60}

. "${GETCERT_CACHE:-/var/cache/getcert}/strongswan.env"
TB_CHARON=$SS_PREFIX/libexec/ipsec/charon
TB_SWANCTL=$SS_PREFIX/sbin/swanctl
TB_PKI=$SS_PREFIX/bin/pki

. "$TB_ROOT/pki.sh"

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
		db)       echo "eth0 10.1.0.20/16" ;;
	esac
}

tb_host_gateway()
{
	case "$1" in
		alice|db) echo 10.1.0.1 ;;
	esac
}

# tb_hosts_file [host]: /etc/hosts of a test bed host (hosts/default/hosts
# unless the scenario or the host has its own)
tb_hosts_file()
{
	local host=${1:-default} f
	f=$(tb_conf_file "$host" hosts) && tb_install_conf "$f" - "$host"
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
	# a switch, not a firewall: where br_netfilter is loaded (by a container
	# runtime, say), bridged frames would go through iptables, costing every
	# packet of the test bed CPU in softirq that the benchmarks count against
	# whichever process runs (per network namespace since Linux 5.3)
	ip netns exec "$sw" sysctl -qw net.bridge.bridge-nf-call-iptables=0 \
		net.bridge.bridge-nf-call-ip6tables=0 \
		net.bridge.bridge-nf-call-arptables=0 2>/dev/null || true
	for br in br-pub br-int; do
		ip -n "$sw" link add "$br" type bridge
		ip -n "$sw" link set "$br" up
	done
	for host in $TB_HOSTS; do
		ns=$(tb_ns "$host")
		# ip netns exec bind-mounts /etc/netns/<ns>/hosts over /etc/hosts,
		# the keeper's mount namespace keeps it for every command
		mkdir -p "/etc/netns/$ns"
		tb_hosts_file "$host" > "/etc/netns/$ns/hosts" || return 1
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

# tb_conf_file <host> <path>: the configuration file a host gets for path
# (e.g. getcertd.conf, freeradius/users): the scenario's own
# $SCENARIO/hosts/<host>/<path> if it has one, else testing/hosts/<host>/<path>,
# else testing/hosts/default/<path>
tb_conf_file()
{
	local host=$1 path=$2 f
	for f in ${SCENARIO:+"$SCENARIO/hosts/$host/$path"} \
			"$TB_ROOT/hosts/$host/$path" "$TB_ROOT/hosts/default/$path"; do
		if [ -f "$f" ]; then
			echo "$f"
			return 0
		fi
	done
	tb_log "no configuration file $path for $host"
	return 1
}

# tb_install_conf <src> <dst> <host> [NAME=value...]: copy a configuration
# file into a host's directory (dst "-": to stdout), filling in @TB_DIR@,
# @HOSTDIR@ ($TB_DIR/<host>), @HOST@, @PKI@, @BUILD@ and each @NAME@ given.
# Values go in literally; a line holding nothing but a @NAME@ becomes the
# value's lines, none if the value is empty. Other @...@ stay as they are.
tb_install_conf()
{
	local src=$1 dst=$2 host=$3
	shift 3
	if [ ! -r "$src" ]; then
		tb_log "no configuration file $src"
		return 1
	fi
	[ "$dst" != - ] || dst=/dev/stdout
	# the substitutions are awk arguments taken out of ARGV before any
	# input is read (not -v, which would interpret backslashes)
	set -- "TB_DIR=$TB_DIR" "HOSTDIR=$TB_DIR/$host" "HOST=$host" \
		"PKI=$TB_DIR/pki" "BUILD=$TB_ROOT/../build" "$@"
	awk '
	BEGIN {
		for (i = 1; i < ARGC - 1; i++) {
			p = index(ARGV[i], "=")
			v[substr(ARGV[i], 1, p - 1)] = substr(ARGV[i], p + 1)
			delete ARGV[i]
		}
	}
	/^@[A-Za-z0-9_]+@$/ && (substr($0, 2, length($0) - 2) in v) {
		k = substr($0, 2, length($0) - 2)
		if (v[k] != "")
			print v[k]
		next
	}
	{
		line = $0
		out = ""
		while ((p = index(line, "@")) > 0 &&
			   (q = index(substr(line, p + 1), "@")) > 0) {
			k = substr(line, p + 1, q - 1)
			if (k in v) {
				out = out substr(line, 1, p - 1) v[k]
				line = substr(line, p + q + 1)
			} else {
				out = out substr(line, 1, p)
				line = substr(line, p + 1)
			}
		}
		print out line
	}' "$@" "$src" > "$dst"
}

# a host's scenario.conf (the scenario's hosts/<host>/strongswan.conf, which
# the host's strongswan.conf includes) and swanctl/ from the scenario
tb_charon_conf()
{
	local host=$1 scenario_hosts=$2 dir=$TB_DIR/$1 f
	: > "$dir/scenario.conf"
	f=$scenario_hosts/$host/strongswan.conf
	[ ! -f "$f" ] || tb_install_conf "$f" "$dir/scenario.conf" "$host"
	mkdir -p "$dir/swanctl"
	for f in "$scenario_hosts/$host"/swanctl/*; do
		[ -f "$f" ] || continue
		tb_install_conf "$f" "$dir/swanctl/$(basename "$f")" "$host"
	done
}

# tb_charon_run <host> <swanctl function> <command...>: start a charon in
# the host with its strongswan.conf (pid in charon.pid), wait for its vici
# socket, load its swanctl.conf with the swanctl function
tb_charon_run()
{
	local host=$1 swanctl=$2 dir=$TB_DIR/$1
	shift 2
	STRONGSWAN_CONF=$dir/strongswan.conf \
		nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- "$@" \
		</dev/null >"$dir/charon.log" 2>&1 &
	echo $! > "$dir/charon.pid"
	if ! tb_wait "$TB_WAIT_START" tb_exec "$host" test -S /run/charon.vici; then
		tb_log "$(basename "${@: -1}") on $host did not open its vici socket"
		tail -20 "$dir/charon.log" >&2
		return 1
	fi
	if [ -f "$dir/swanctl/swanctl.conf" ]; then
		"$swanctl" "$host" --load-all --noprompt \
			--file "$dir/swanctl/swanctl.conf" > "$dir/swanctl-load.log" 2>&1 ||
			{ tb_log "swanctl --load-all on $host failed";
			  cat "$dir/swanctl-load.log" >&2; return 1; }
	fi
}

# start charon in a host with the common and the scenario's configuration
tb_charon_start()
{
	local host=$1 scenario_hosts=$2
	tb_install_conf "$TB_ROOT/hosts/strongswan.conf" \
		"$TB_DIR/$host/strongswan.conf" "$host" &&
		tb_charon_conf "$host" "$scenario_hosts" &&
		tb_charon_run "$host" tb_swanctl "$TB_CHARON"
}

# run swanctl against a host's charon
tb_swanctl()
{
	local host=$1
	shift
	STRONGSWAN_CONF=$TB_DIR/$host/strongswan.conf \
		tb_exec "$host" "$TB_SWANCTL" "$@"
}

# end every process in our namespaces, by PID, then remove the namespaces;
# first each function named in TB_TEARDOWN_HOOKS (e.g. debroot.sh's, which
# unmounts what it mounted in the hosts)
tb_teardown()
{
	local host ns pids i hook
	for hook in ${TB_TEARDOWN_HOOKS:-}; do
		"$hook"
	done
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
