#!/bin/bash
#
# getcert test bed: getcertd instances in a host. Sourced after testbed.sh
# and servers.sh.
#
#   tb_getcertd_conf <host> <name> <port> <tls yes|no> [settings...]
#                                   $TB_DIR/<host>/<name>.conf from the host's
#                                   getcertd.conf (testing/hosts/winnetou/)
#   tb_getcertd_start <host> <name> run that instance, wait for GetCACaps
#   tb_getcertd_stop <host> <name>  end it by PID and wait until it is gone
#   tb_getcertd <host> <name> <args...>
#                                   an operator command on its configuration
#   TB_GETCERTD                     the getcertd binary of build/

TB_GETCERTD=$TB_ROOT/../build/src/getcertd/getcertd

# tb_getcertd_conf <host> <name> <port> <tls yes|no> [extra settings...]:
# write $TB_DIR/<host>/<name>.conf for a getcertd instance from the host's
# getcertd.conf (tb_conf_file: testing/hosts/winnetou/getcertd.conf unless the
# scenario has its own), with getcertd-tls.conf's tls section if <tls> is yes
# and each extra setting as a line of its own at the end. The file has the
# test bed CA, RADIUS on alice (secret testing123) and three policies:
#   /scep         HTTP Basic against RADIUS, CN=%u, san %u@strongswan.org
#   /plain/scep   challenge password "secret", DES allowed (legacy clients)
#   /manual/scep  challenge password "secret", manual approval
# TB_GETCERTD_WORKERS (default 8) sets the worker threads.
tb_getcertd_conf()
{
	local host=$1 name=$2 port=$3 tls=$4 conf tls_conf="" f
	shift 4
	conf=$(tb_conf_file "$host" getcertd.conf) || return 1
	if [ "$tls" = yes ]; then
		f=$(tb_conf_file "$host" getcertd-tls.conf) &&
			tls_conf=$(tb_install_conf "$f" - "$host") || return 1
	fi
	tb_install_conf "$conf" "$TB_DIR/$host/$name.conf" "$host" \
		NAME="$name" PORT="$port" WORKERS="${TB_GETCERTD_WORKERS:-8}" \
		TLS="$tls_conf" SETTINGS="$(printf '\t%s\n' "$@")"
}

# tb_getcertd_start <host> <name>: run the instance configured by
# tb_getcertd_conf in the host, wait until it answers GetCACaps
tb_getcertd_start()
{
	local host=$1 name=$2 dir=$TB_DIR/$1 port scheme pid
	port=$(sed -n 's/^\tport = //p' "$dir/$name.conf")
	scheme=http
	grep -q "tls {" "$dir/$name.conf" && scheme=https
	tb_exec "$host" "$TB_GETCERTD" --config "$dir/$name.conf" --foreground \
		</dev/null > "$dir/$name.log" 2>&1 &
	pid=$!
	echo $pid > "$dir/$name.run.pid"
	tb_getcertd_wait "$host" "$scheme://127.0.0.1:$port" "$dir/$name.log" \
		"getcertd $name"
}

# tb_getcertd_wait <host> <base URL> <log> <what>: wait up to 10 s for a
# getcertd to answer GetCACaps on /scep; if it does not, show its log
tb_getcertd_wait()
{
	if ! tb_wait 10 tb_exec "$1" curl -skf --max-time 2 \
			"$2/scep?operation=GetCACaps"; then
		tb_log "$4 on $1 did not answer"
		tail -20 "$3" >&2
		return 1
	fi
}

# tb_getcertd_stop <host> <name>: end an instance started by
# tb_getcertd_start (the getcertd process under the recorded subshell), by
# PID, and wait until it is gone
tb_getcertd_stop()
{
	local dir=$TB_DIR/$1 run pid
	run=$(cat "$dir/$2.run.pid" 2>/dev/null) || return 1
	for pid in $(ps -o pid= --ppid "$run") $run; do
		kill -TERM "$pid" 2>/dev/null
	done
	tb_wait 10 tb_getcertd_gone "$run" || return 1
	rm -f "$dir/$2.run.pid"
}

# no process is left of the subshell run (nor its children)
tb_getcertd_gone()
{
	[ -z "$(ps -o pid= --ppid "$1")" ] && ! kill -0 "$1" 2>/dev/null
}

# tb_getcertd <host> <name> <args...>: an operator command
tb_getcertd()
{
	local host=$1 name=$2
	shift 2
	tb_exec "$host" "$TB_GETCERTD" --config "$TB_DIR/$host/$name.conf" "$@"
}
