#!/bin/bash
#
# getcert test bed: the evaluator of a scenario's data files, in the form of
# strongSwan's testing/ (pretest.dat, evaltest.dat, posttest.dat). Sourced by
# run-scenarios.sh after testbed.sh and charon.sh.
#
# One line per step or check; "\" at the end of a line continues it, lines
# starting with "#" are comments, and a comment right before a check names
# it (otherwise the check is named after its host and command):
#
#   host::command                          a step: run the command
#   host::command::pattern::YES|NO[::N]    a check: the command's output
#                                          (stdout and stderr) matches the
#                                          extended regular expression
#                                          (YES) or does not (NO); with ::N
#                                          the command is repeated for up to
#                                          N seconds until it does. An empty
#                                          pattern checks the exit code
#                                          instead: YES is 0, NO non-zero.
#                                          The command runs up to the last
#                                          "::" that leaves pattern::YES|NO:
#                                          a pattern neither contains "::"
#                                          nor starts with ":", and it is
#                                          taken literally (no expansion).
#
# host is a test bed host (moon, carol, winnetou, alice): the command runs in
# bash in that host's namespaces, in its directory $TB_DIR/<host> (where
# charon.log is), with swanctl, pki and charon-cmd of the test bed on PATH
# and STRONGSWAN_CONF set to the host's strongswan.conf once its charon was
# started. Or host is
# "testbed": the command runs in the evaluator's shell, outside the hosts, in
# $TB_DIR; its variable assignments last (count=$(...) in a step, "$count"
# in a later check). In both, the test bed's variables ($TB_DIR, $PKI,
# $SCENARIO, ...) and functions (tb_swanctl, tb_charon_start, gc_*, ...; see
# testbed.sh, charon.sh, servers.sh, getcertd.sh) are available.
#
# A failed step of pretest.dat ends the scenario (setup failed); a failed
# step of evaltest.dat counts as a failed check; posttest.dat's steps may
# fail. Output of every line goes to $TB_DIR/checks.log.
#
#   tb_eval_file <file> <pre|eval|post>    run a data file
#
# Needs check() and CHECKS/CHECK_FAILED of run-scenarios.sh.

TB_EVAL_HOSTS="$TB_HOSTS testbed"

# run a line's command; output on stdout
tb_eval_run()
{
	local host=$1 cmd=$2
	if [ "$host" = testbed ]; then
		(cd "$TB_DIR" && eval "$cmd") 2>&1
		return
	fi
	# everything the test bed defined, for bash in the host
	(
		local v
		for v in $(compgen -v); do
			case $v in
				BASH*|EUID|PPID|SHELLOPTS|UID|FUNCNAME|GROUPS|DIRSTACK) ;;
				*) export "$v" 2>/dev/null ;;
			esac
		done
		eval "$(declare -F | sed 's/^declare -f /export -f /')"
		export HOST=$host HOSTDIR=$TB_DIR/$host \
			PATH=$SS_PREFIX/sbin:$SS_PREFIX/bin:$PATH
		# the host's strongswan.conf once its charon was started
		if [ -f "$TB_DIR/$host/strongswan.conf" ]; then
			export STRONGSWAN_CONF=$TB_DIR/$host/strongswan.conf
		fi
		# entering the mount namespace resets the working directory
		tb_exec "$host" bash -c 'cd "$HOSTDIR" && eval "$1"' bash "$cmd"
	) 2>&1
}

# a step; one of testbed runs in this shell, for its assignments to last
# (call it without a command substitution)
tb_eval_step()
{
	local host=$1 cmd=$2 rc
	if [ "$host" = testbed ]; then
		pushd "$TB_DIR" > /dev/null
		eval "$cmd"
		rc=$?
		popd > /dev/null
		return $rc
	fi
	tb_eval_run "$host" "$cmd"
}

# a failed step, as a check
tb_eval_failed()
{
	printf '%s\n(exit code %s)\n' "$2" "$1"
	return 1
}

# tb_eval_match <host> <command> <pattern> <YES|NO> <seconds>
tb_eval_match()
{
	local host=$1 cmd=$2 re=$3 hit=$4 wait=$5 out rc ok end
	end=$((SECONDS + wait))
	while :; do
		out=$(tb_eval_run "$host" "$cmd")
		rc=$?
		if [ -z "$re" ]; then
			[ $rc = 0 ] && ok=YES || ok=NO
		else
			printf '%s\n' "$out" | grep -Eq -- "$re" && ok=YES || ok=NO
		fi
		[ "$ok" = "$hit" ] && break
		if [ $SECONDS -ge $end ]; then
			printf '%s\n' "$out"
			case $re,$hit in
				,YES) echo "(exit code $rc, expected 0)" ;;
				,NO)  echo "(exit code 0, expected non-zero)" ;;
				*,YES) echo "(no match for '$re')" ;;
				*,NO) echo "(unexpected match for '$re')" ;;
			esac
			return 1
		fi
		sleep 0.2
	done
	printf '%s\n' "$out"
}

# parse one line: sets L_HOST, L_CMD, and for a check L_RE, L_HIT, L_WAIT;
# L_ERR if the line is not valid
tb_eval_parse()
{
	local line=$1 rest
	L_ERR=
	L_HOST=${line%%::*}
	rest=${line#*::}
	L_RE= L_HIT= L_WAIT=0
	if [[ $rest =~ ^(.*)::(.*)::(YES|NO)(::([0-9]+))?$ ]]; then
		L_CMD=${BASH_REMATCH[1]}
		L_RE=${BASH_REMATCH[2]}
		L_HIT=${BASH_REMATCH[3]}
		L_WAIT=${BASH_REMATCH[5]:-0}
	else
		L_CMD=$rest
	fi
	case " $TB_EVAL_HOSTS " in
		*" $L_HOST "*) ;;
		*) L_ERR="unknown host '$L_HOST'"; return 1 ;;
	esac
	[ "$line" != "$L_HOST" ] && [ -n "$L_CMD" ] ||
		{ L_ERR="no command"; return 1; }
}

tb_eval_file()
{
	local file=$1 phase=$2 line next desc= lineno=0 start out rc
	local name=${file##*/}
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		start=$lineno
		while [[ $line == *\\ ]] && IFS= read -r next; do
			lineno=$((lineno + 1))
			line="${line%\\}${next#"${next%%[![:space:]]*}"}"
		done
		case "$line" in
			"") desc=; continue ;;
			\#*)
				desc=${line###}
				desc=${desc# }
				continue ;;
		esac
		if ! tb_eval_parse "$line"; then
			echo "    FAIL  $name:$start: $L_ERR"
			CHECK_FAILED=1
			return 1
		fi
		if [ -n "$L_HIT" ]; then
			[ "$phase" = eval ] || {
				echo "    FAIL  $name:$start: a check outside evaltest.dat"
				CHECK_FAILED=1
				return 1
			}
			check "${desc:-$L_HOST: $L_CMD}" \
				tb_eval_match "$L_HOST" "$L_CMD" "$L_RE" "$L_HIT" \
				"$L_WAIT" < /dev/null
		else
			tb_eval_step "$L_HOST" "$L_CMD" > "$TB_DIR/step.out" 2>&1 \
				< /dev/null
			rc=$?
			out=$(cat "$TB_DIR/step.out")
			rm -f "$TB_DIR/step.out"
			printf '### %s:%s %s::%s (exit code %s)\n%s\n' "$name" "$start" \
				"$L_HOST" "$L_CMD" "$rc" "$out" >> "$TB_DIR/checks.log"
			if [ $rc != 0 ]; then
				case $phase in
					pre)
						tb_log "$name:$start failed: $L_HOST::$L_CMD"
						printf '%s\n' "$out" | tail -15 >&2
						return 1 ;;
					eval)
						check "${desc:-step $L_HOST: $L_CMD}" \
							tb_eval_failed "$rc" "$out" < /dev/null ;;
				esac
			fi
		fi
		desc=
	done < "$file"
	return 0
}
