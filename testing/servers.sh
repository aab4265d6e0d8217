#!/bin/bash
#
# getcert test bed: starting the enrollment servers inside the hosts and
# waiting until they answer. Sourced after testbed.sh by scenarios (and
# benchmarks) that need them; sources probes.sh (the clients the waits use).
#
#   tb_scepserver_start <host> <port> [scepserver args...]
#                                   micromdm scepserver with its own CA depot
#                                   (sets TB_SCEP_CA)
#   tb_nginx_start <host> <port> <upstream-url> <htpasswd-file or "">
#                                   nginx as TLS (and Basic auth) front end
#                                   (sets TB_NGINX_LOG)
#   tb_freeradius_start <host> [name:address:secret...]
#                                   FreeRADIUS 3.2 (auth, UDP 1812) with PAP
#                                   users carol, dave and challenge user otp
#                                   (sets TB_RADIUS_LOG, TB_RADIUS_HOST)
#   tb_postgres_start <host> <db> <user> <password>
#                                   Debian's PostgreSQL server (TCP 5432 on
#                                   the host's address), a database and its
#                                   owner (sets TB_PG_HOST, TB_PG_URI)
#   tb_postgres_stop <host> [keep]  end it by PID, remove its data (unless
#                                   keep: the next start runs on it)
#   tb_psql <host> <db> <sql>       a query as the superuser (Unix socket),
#                                   unaligned rows
#   tb_haproxy_start <host> <port> <server:port...>
#                                   haproxy in TCP mode on the host's first
#                                   address, balancing over the servers
#                                   (sets TB_HAPROXY_LOG)
#   tb_srv_alive <pid>              the process runs (not gone, no zombie)
#   tb_srv_host_ips <host>          the host's addresses, one a line
#
# The servers' configuration files are the host's (tb_conf_file of
# testbed.sh): testing/hosts/default/nginx.conf, testing/hosts/alice/
# freeradius/, or the scenario's own under hosts/<host>/; certificates and
# htpasswd files come from pki.sh. Every server runs in the host's network
# and mount namespace, started in the background through nsenter, so that
# tb_teardown ends it with the host. Logs, pid files and state go to
# $TB_DIR/<host>/. All waits are bounded.

# bounded waits, seconds (commands: TB_CMD_TIMEOUT of testbed.sh)
TB_WAIT_SERVER=${TB_WAIT_SERVER:-15}

. "$TB_ROOT/probes.sh"

# the host's addresses, without prefix length, one a line
tb_srv_host_ips()
{
	local iface addr
	tb_host_addrs "$1" | while read -r iface addr; do
		echo "${addr%/*}"
	done
}

# is the process running (not gone, not a zombie)?
tb_srv_alive()
{
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case "$st" in
		""|Z*) return 1 ;;
	esac
	return 0
}

# the process is gone (or a zombie)
tb_srv_gone()
{
	! tb_srv_alive "$1"
}

# succeed when the command does or the process is gone: lets tb_wait stop
# early when a server dies while it starts
tb_srv_up_or_dead()
{
	local pid=$1
	shift
	tb_srv_alive "$pid" || return 0
	"$@"
}

# fail if something in the host already listens on the TCP port: the new
# server would not bind, and the old one would answer in its place
tb_srv_port_free()
{
	local host=$1 port=$2 name=$3 out
	out=$(tb_exec "$host" ss -Hltn "sport = :$port" 2>&1) || {
		tb_log "ss failed in $host: $out"; return 1; }
	if [ -n "$out" ]; then
		tb_log "$name: TCP port $port in $host is already in use"
		return 1
	fi
}

# wait until a server started with pid answers the command; on failure
# report and show the end of its log
tb_srv_wait()
{
	local name=$1 pid=$2 log=$3 rc
	shift 3
	tb_wait "$TB_WAIT_SERVER" tb_srv_up_or_dead "$pid" "$@"
	rc=$?
	if ! tb_srv_alive "$pid"; then
		tb_log "$name exited while starting (log $log)"
		tail -20 "$log" >&2
		return 1
	fi
	if [ $rc -ne 0 ]; then
		tb_log "$name did not answer within ${TB_WAIT_SERVER}s (log $log)"
		tail -20 "$log" >&2
		return 1
	fi
}

# start micromdm's scepserver in a host, with a CA depot of its own
# ($TB_DIR/<host>/scep-depot, created on first use, kept on restarts);
# extra arguments go to scepserver (e.g. -challenge secret -allowrenew 0
# -crtvalid 1). Sets TB_SCEP_CA to the depot's CA certificate.
tb_scepserver_start()
{
	local host=$1 port=$2 dir=$TB_DIR/$1 depot pid ip
	shift 2
	depot=$dir/scep-depot
	if [ -z "$host" ] || [ -z "$port" ]; then
		tb_log "usage: tb_scepserver_start <host> <port> [scepserver args...]"
		return 1
	fi
	mkdir -p "$dir"
	tb_srv_port_free "$host" "$port" "scepserver" || return 1
	if [ ! -f "$depot/ca.pem" ]; then
		if ! timeout "$TB_CMD_TIMEOUT" scepserver ca -init -depot "$depot" \
				-keySize 2048 -organization "getcert test" -country CH \
				> "$dir/scepserver-ca.log" 2>&1 ||
		   [ ! -f "$depot/ca.pem" ]; then
			tb_log "scepserver ca -init for $host failed"
			cat "$dir/scepserver-ca.log" >&2
			return 1
		fi
	fi
	TB_SCEP_CA=$depot/ca.pem
	export TB_SCEP_CA
	nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- \
		scepserver -depot "$depot" -port "$port" "$@" \
		</dev/null >"$dir/scepserver.log" 2>&1 &
	pid=$!
	echo $pid > "$dir/scepserver.pid"
	ip=$(tb_srv_host_ips "$host" | head -1)
	tb_srv_wait "scepserver on $host" "$pid" "$dir/scepserver.log" \
		tb_exec "$host" curl -fsS --max-time 2 \
		"http://$ip:$port/scep?operation=GetCACaps"
}

# start nginx in a host as TLS front end of an upstream URL (scheme://host:port,
# no path: the request URI, query string and body go upstream unchanged),
# listening on <port> on the host's addresses with $TB_DIR/<host>/tls*.pem
# (created for <host>.strongswan.org and the first address if missing);
# with an htpasswd file every request needs Basic authentication. Config
# (the host's nginx.conf, tb_conf_file: testing/hosts/default/nginx.conf
# unless the scenario or host has its own), logs, temp files and pid in
# $TB_DIR/<host>/nginx/; the access log (TB_NGINX_LOG) records connection
# serial and request count per connection and TLS session reuse ("r"
# reused, "." full handshake).
tb_nginx_start()
{
	local host=$1 port=$2 upstream=$3 htpasswd=$4 dir=$TB_DIR/$1 ndir pid ip
	local listen="" realm=off conf
	ndir=$dir/nginx
	if [ -z "$host" ] || [ -z "$port" ] || [ -z "$upstream" ] || [ $# -lt 4 ]; then
		tb_log "usage: tb_nginx_start <host> <port> <upstream-url> <htpasswd or \"\">"
		return 1
	fi
	tb_srv_port_free "$host" "$port" "nginx" || return 1
	upstream=${upstream%/}
	if ! [[ "$upstream" =~ ^https?://[^/?#]+$ ]]; then
		tb_log "nginx upstream '$upstream' must be scheme://host:port without a path"
		return 1
	fi
	if [ -n "$htpasswd" ]; then
		[ -r "$htpasswd" ] || { tb_log "no htpasswd file $htpasswd"; return 1; }
		htpasswd=$(realpath "$htpasswd")
		realm='"getcert test"'
	else
		htpasswd=/dev/null
	fi
	if [ ! -s "$dir/tlsCert.pem" ] || [ ! -s "$dir/tlsKey.pem" ]; then
		tb_tls_server_cert "$host" "$host.strongswan.org" \
			"$(tb_srv_host_ips "$host" | head -1)" || return 1
	fi
	listen=$(for ip in $(tb_srv_host_ips "$host"); do
		printf '\t\tlisten %s:%s ssl;\n' "$ip" "$port"
	done)
	mkdir -p "$ndir/tmp"
	conf=$(tb_conf_file "$host" nginx.conf) &&
		tb_install_conf "$conf" "$ndir/nginx.conf" "$host" LISTEN="$listen" \
			AUTH_BASIC="$realm" HTPASSWD="$htpasswd" UPSTREAM="$upstream" ||
		return 1
	if ! tb_exec "$host" timeout "$TB_CMD_TIMEOUT" nginx -t -q -p "$ndir/" \
			-e "$ndir/error.log" -c "$ndir/nginx.conf" > "$ndir/nginx-t.log" 2>&1; then
		tb_log "nginx configuration for $host is invalid ($ndir/nginx.conf)"
		cat "$ndir/nginx-t.log" >&2
		return 1
	fi
	TB_NGINX_LOG=$ndir/access.log
	export TB_NGINX_LOG
	nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- \
		nginx -p "$ndir/" -e "$ndir/error.log" -c "$ndir/nginx.conf" \
		</dev/null >"$ndir/nginx.out" 2>&1 &
	pid=$!
	echo $pid > "$dir/nginx.pid"
	ip=$(tb_srv_host_ips "$host" | head -1)
	# any HTTP answer will do (401 with authentication)
	tb_srv_wait "nginx on $host" "$pid" "$ndir/error.log" \
		tb_exec "$host" curl -sk -o /dev/null --max-time 2 "https://$ip:$port/"
}

# fail if something in the host already listens on the UDP port
tb_srv_udp_port_free()
{
	local host=$1 port=$2 name=$3 out
	out=$(tb_exec "$host" ss -Hlun "sport = :$port" 2>&1) || {
		tb_log "ss failed in $host: $out"; return 1; }
	if [ -n "$out" ]; then
		tb_log "$name: UDP port $port in $host is already in use"
		return 1
	fi
}

# secret of the localhost client of tb_freeradius_start (self checks)
TB_RADIUS_LOCAL_SECRET=${TB_RADIUS_LOCAL_SECRET:-tb-selfcheck}

# start FreeRADIUS 3.2 in a host: authentication on UDP port 1812 (all the
# host's addresses), configuration installed into $TB_DIR/<host>/raddb from
# the host's freeradius/ (tb_conf_file: testing/hosts/alice/freeradius/
# unless the scenario has its own): Debian's /etc/freeradius/3.0 stripped
# down to its radiusd.conf (no proxy, no includes, no policy.d; clients,
# modules pap, files, always and linelog and one virtual server inline),
# client.conf for each client, a users file and Debian's dictionary file. Checked with freeradius -C, then run in the foreground (-f) in the
# background, pid in $TB_DIR/<host>/freeradius.pid (with -f 3.2.1 writes no
# pid file of its own), run dir $TB_DIR/<host>/freeradius-run, log
# freeradius.log; waits until it answers a Status-Server from inside the host.
#
# clients: one per argument "name:address:secret" (address an IP or a
# prefix; the name is the first field, the secret the last), plus
# "localhost" (127.0.0.1, $TB_RADIUS_LOCAL_SECRET) for self checks. Every
# client must send Message-Authenticator (Blast-RADIUS, CVE-2024-3596):
# requests without it are dropped, so are those with a wrong secret. Every
# response (Access-Accept, -Reject, -Challenge, Status-Server's Accept)
# carries a Message-Authenticator, as its first attribute.
#
# users (PAP): carol / carol-pw, dave / dave-pw, and otp, a challenge/response
# token user: an Access-Request without State gets an Access-Challenge with
# Reply-Message "Enter the code from your token" and a State; one carrying
# that State (once) and User-Password 123456 is accepted, anything else
# rejected. Each answered request is a line in $TB_DIR/<host>/radius.log
# (TB_RADIUS_LOG):
#   <date time> <Access-Accept|Access-Reject|Access-Challenge|Status-Server>
#       user=<User-Name> client=<client name> src=<address> state=<0x...|none>
# Passwords are logged nowhere (auth log without passwords, no debug output
# unless TB_FREERADIUS_DEBUG=1, which logs everything to freeradius.log).
# Sets TB_RADIUS_LOG and TB_RADIUS_HOST.
tb_freeradius_start()
{
	local host=$1 dir=$TB_DIR/$1 rdir run log pid arg name addr secret
	local client clients debug="" f
	if [ -z "$host" ]; then
		tb_log "usage: tb_freeradius_start <host> [name:address:secret...]"
		return 1
	fi
	shift
	client=$(tb_conf_file "$host" freeradius/client.conf) || return 1
	clients=$(tb_install_conf "$client" - "$host" CLIENT=localhost \
		ADDRESS=127.0.0.1 SECRET="$TB_RADIUS_LOCAL_SECRET") || return 1
	for arg in "$@"; do
		name=${arg%%:*}
		secret=${arg##*:}
		addr=${arg#*:}
		addr=${addr%:*}
		if [ "$name:$addr:$secret" != "$arg" ] || [ -z "$addr" ] ||
		   ! [[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] ||
		   ! [[ "$addr" =~ ^[0-9A-Fa-f.:]+(/[0-9]+)?$ ]] ||
		   ! [[ "$secret" =~ ^[A-Za-z0-9_.,+=@%/-]+$ ]] ||
		   [ "$name" = localhost ]; then
			tb_log "tb_freeradius_start: bad client '$arg' (name:address:secret)"
			return 1
		fi
		clients="$clients
$(tb_install_conf "$client" - "$host" CLIENT="$name" ADDRESS="$addr" \
			SECRET="$secret")" || return 1
	done
	rdir=$dir/raddb
	run=$dir/freeradius-run
	log=$dir/freeradius.log
	tb_srv_udp_port_free "$host" 1812 "freeradius" || return 1
	rm -rf "$rdir" "$run"
	mkdir -p "$rdir" "$run" || return 1
	# FreeRADIUS refuses world-writable configuration
	chmod 0750 "$rdir" "$run"
	cp /etc/freeradius/3.0/dictionary "$rdir/dictionary" || return 1
	TB_RADIUS_LOG=$dir/radius.log
	TB_RADIUS_HOST=$host
	export TB_RADIUS_LOG TB_RADIUS_HOST
	rm -f "$TB_RADIUS_LOG"
	: > "$log"
	f=$(tb_conf_file "$host" freeradius/users) &&
		tb_install_conf "$f" "$rdir/users" "$host" &&
		f=$(tb_conf_file "$host" freeradius/radiusd.conf) &&
		tb_install_conf "$f" "$rdir/radiusd.conf" "$host" \
			CLIENTS="$clients" \
			REJECT_DELAY="${TB_FREERADIUS_REJECT_DELAY:-0}" || return 1
	if [ "${TB_FREERADIUS_DEBUG:-0}" = 1 ]; then
		debug=-xx
	fi
	if ! tb_exec "$host" timeout "$TB_CMD_TIMEOUT" freeradius -C -d "$rdir" \
			> "$dir/freeradius-C.log" 2>&1; then
		tb_log "FreeRADIUS configuration for $host is invalid ($rdir/radiusd.conf)"
		tail -20 "$dir/freeradius-C.log" >&2
		return 1
	fi
	nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- \
		freeradius -f $debug -d "$rdir" -l "$log" \
		</dev/null >"$dir/freeradius.out" 2>&1 &
	pid=$!
	echo $pid > "$dir/freeradius.pid"
	tb_srv_wait "freeradius on $host" "$pid" "$log" tb_freeradius_ping "$host"
}

# directory of the PostgreSQL server of a host: its data, socket and log,
# under $TB_DIR/<host>/postgres if the postgres user can reach it, else a
# directory of its own in /tmp (named in $TB_DIR/<host>/postgres.dir)
tb_postgres_dir()
{
	local dir=$TB_DIR/$1
	if [ -f "$dir/postgres.dir" ]; then
		cat "$dir/postgres.dir"
	elif setpriv --reuid=postgres --regid=postgres --init-groups \
			test -x "$dir" 2>/dev/null; then
		echo "$dir/postgres"
	else
		mktemp -d /tmp/getcert-postgres.XXXXXX
	fi
}

# tb_postgres_start <host> <db> <user> <password>: Debian's PostgreSQL
# server (the newest /usr/lib/postgresql/*/bin), a cluster made by initdb
# for the occasion, run as the unprivileged user postgres in the host's
# namespaces (no pg_ctlcluster, no systemd), listening on the host's
# address and a Unix socket in its directory; <user> owns <db> and logs in
# over TCP with <password> (scram-sha-256), the superuser only over the
# socket. A cluster kept by tb_postgres_stop <host> keep is started again
# as it is (a server restart). Sets TB_PG_HOST (the socket directory) and
# TB_PG_URI (postgresql://<user>:<password>@<address>/<db>).
tb_postgres_start()
{
	local host=$1 db=$2 user=$3 password=$4 dir=$TB_DIR/$1 pgdir bin ip pid
	if [ -z "$host" ] || [ -z "$db" ] || [ -z "$user" ] || [ -z "$password" ]; then
		tb_log "usage: tb_postgres_start <host> <db> <user> <password>"
		return 1
	fi
	if ! [[ "$db$user$password" =~ ^[A-Za-z0-9_-]+$ ]]; then
		tb_log "tb_postgres_start: names and password must be [A-Za-z0-9_-]"
		return 1
	fi
	bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	if [ ! -x "$bin/initdb" ] || ! id postgres >/dev/null 2>&1; then
		tb_log "PostgreSQL server not installed (testing/deps.sh)"
		return 1
	fi
	tb_srv_port_free "$host" 5432 "postgres" || return 1
	mkdir -p "$dir"
	pgdir=$(tb_postgres_dir "$host") || return 1
	echo "$pgdir" > "$dir/postgres.dir"
	ip=$(tb_srv_host_ips "$host" | head -1)
	TB_PG_HOST=$pgdir
	TB_PG_URI="postgresql://$user:$password@$ip/$db"
	export TB_PG_HOST TB_PG_URI
	if [ -f "$pgdir/data/PG_VERSION" ] && [ -f "$dir/postgres.kept" ]; then
		rm -f "$dir/postgres.kept"
		tb_postgres_run "$host" "$bin" "$pgdir" "$ip"
		return
	fi
	rm -rf "$pgdir/data"
	mkdir -p "$pgdir" && chown postgres: "$pgdir" && chmod 0700 "$pgdir" ||
		return 1
	if ! timeout "$TB_CMD_TIMEOUT" setpriv --reuid=postgres --regid=postgres \
			--init-groups "$bin/initdb" -D "$pgdir/data" -U postgres \
			-A peer -E UTF8 --no-sync > "$dir/initdb.log" 2>&1; then
		tb_log "initdb for $host failed"
		tail -20 "$dir/initdb.log" >&2
		return 1
	fi
	# the superuser over the socket only; the owner of the database from
	# the test bed's networks, with a password
	cat > "$pgdir/data/pg_hba.conf" <<-EOF_HBA
	local all postgres trust
	host $db $user 10.1.0.0/16 scram-sha-256
	host $db $user 192.168.0.0/24 scram-sha-256
	EOF_HBA
	tb_postgres_run "$host" "$bin" "$pgdir" "$ip" || return 1
	tb_psql "$host" postgres "CREATE ROLE \"$user\" LOGIN PASSWORD '$password'" \
		> "$dir/postgres-setup.log" 2>&1 &&
	tb_psql "$host" postgres "CREATE DATABASE \"$db\" OWNER \"$user\"" \
		>> "$dir/postgres-setup.log" 2>&1 ||
		{ tb_log "creating $db on $host failed"; cat "$dir/postgres-setup.log" >&2;
		  return 1; }
}

# run the server of tb_postgres_start on its cluster, wait until it
# accepts connections
tb_postgres_run()
{
	local host=$1 bin=$2 pgdir=$3 ip=$4 dir=$TB_DIR/$1 pid
	nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- \
		setpriv --reuid=postgres --regid=postgres --init-groups \
		"$bin/postgres" -D "$pgdir/data" -k "$pgdir" \
		-c listen_addresses="$ip" -c max_connections=100 \
		-c fsync=off -c synchronous_commit=off -c log_connections=off \
		</dev/null >>"$dir/postgres.log" 2>&1 &
	pid=$!
	echo $pid > "$dir/postgres.pid"
	tb_srv_wait "postgres on $host" "$pid" "$dir/postgres.log" \
		tb_exec "$host" "$bin/pg_isready" -q -h "$pgdir" -U postgres
}

# tb_psql <host> <db> <sql>: run SQL as the superuser over the socket of
# tb_postgres_start, rows unaligned ("|" between columns), no headers
tb_psql()
{
	local host=$1 db=$2 sql=$3 pgdir
	pgdir=$(cat "$TB_DIR/$host/postgres.dir") || return 1
	tb_exec "$host" timeout "$TB_CMD_TIMEOUT" setpriv --reuid=postgres \
		--regid=postgres --init-groups psql -X -q -v ON_ERROR_STOP=1 \
		-h "$pgdir" -U postgres -d "$db" -A -t -c "$sql"
}

# tb_postgres_stop <host> [keep]: end the server by PID (fast shutdown:
# its sessions end), wait until it is gone; remove its data unless keep
tb_postgres_stop()
{
	local dir=$TB_DIR/$1 pid pgdir
	pid=$(cat "$dir/postgres.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill -INT "$pid" 2>/dev/null
		tb_wait 20 tb_srv_gone "$pid" || kill -KILL "$pid" 2>/dev/null
		rm -f "$dir/postgres.pid"
	fi
	if [ "${2:-}" = keep ]; then
		touch "$dir/postgres.kept"
		return 0
	fi
	rm -f "$dir/postgres.kept"
	pgdir=$(cat "$dir/postgres.dir" 2>/dev/null)
	case "$pgdir" in
		"$dir/postgres"|/tmp/getcert-postgres.*) rm -rf "$pgdir" ;;
	esac
	rm -f "$dir/postgres.dir"
}

# tb_haproxy_start <host> <port> <server:port...>: haproxy in TCP mode
# (TLS passes through to the servers and ends there) on the host's first
# address, round robin over the servers with health checks every 500 ms;
# a connection that cannot be made to one server is redispatched to
# another. Configuration from the host's haproxy.cfg (tb_conf_file:
# testing/hosts/default/haproxy.cfg unless the scenario has its own) into
# $TB_DIR/<host>/haproxy/, checked with haproxy -c, run in the foreground
# (-db) in the background; its log (TB_HAPROXY_LOG) has a line per
# connection: client, server chosen, bytes, termination state.
tb_haproxy_start()
{
	local host=$1 port=$2 dir=$TB_DIR/$1 hdir conf servers="" n=0 s ip pid
	if [ -z "$host" ] || [ -z "$port" ] || [ $# -lt 3 ]; then
		tb_log "usage: tb_haproxy_start <host> <port> <server:port...>"
		return 1
	fi
	shift 2
	for s in "$@"; do
		if ! [[ "$s" =~ ^[0-9.]+:[0-9]+$ ]]; then
			tb_log "tb_haproxy_start: bad server '$s' (address:port)"
			return 1
		fi
		n=$((n + 1))
		servers="$servers	server gc$n $s check inter 500ms fall 1 rise 2
"
	done
	tb_srv_port_free "$host" "$port" "haproxy" || return 1
	hdir=$dir/haproxy
	mkdir -p "$hdir"
	ip=$(tb_srv_host_ips "$host" | head -1)
	TB_HAPROXY_LOG=$hdir/haproxy.log
	export TB_HAPROXY_LOG
	conf=$(tb_conf_file "$host" haproxy.cfg) &&
		tb_install_conf "$conf" "$hdir/haproxy.cfg" "$host" \
			BIND="$ip:$port" SERVERS="${servers%$'\n'}" || return 1
	if ! tb_exec "$host" timeout "$TB_CMD_TIMEOUT" haproxy -c -q \
			-f "$hdir/haproxy.cfg" > "$hdir/haproxy-c.log" 2>&1; then
		tb_log "haproxy configuration for $host is invalid ($hdir/haproxy.cfg)"
		cat "$hdir/haproxy-c.log" >&2
		return 1
	fi
	nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- \
		haproxy -db -f "$hdir/haproxy.cfg" \
		</dev/null >"$TB_HAPROXY_LOG" 2>&1 &
	pid=$!
	echo $pid > "$dir/haproxy.pid"
	tb_srv_wait "haproxy on $host" "$pid" "$TB_HAPROXY_LOG" \
		tb_exec "$host" bash -c "exec 3<>/dev/tcp/$ip/$port"
}
