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
# testbed.sh, pki.sh, charon.sh, servers.sh, probes.sh, getcertd.sh and
# testing/checks/*.sh) are available.
#
# A failed step of pretest.dat ends the scenario (setup failed); a failed
# step of evaltest.dat counts as a failed check; posttest.dat's steps may
# fail. Output of every line goes to $TB_DIR/checks.log.
#
#   tb_eval_file <file> <pre|eval|post>    run a data file
#
# Needs check() and CHECKS/CHECK_FAILED of run-scenarios.sh. The evaluator's
# own variables start with _tb_ (locals) or _TB_ (globals): a line's command
# can use any other name.

TB_EVAL_HOSTS="$TB_HOSTS testbed"

# run a line's command; output on stdout
tb_eval_run()
{
	local _tb_host=$1 _tb_cmd=$2
	if [ "$_tb_host" = testbed ]; then
		(cd "$TB_DIR" && eval "$_tb_cmd") 2>&1
		return
	fi
	# everything the test bed defined, for bash in the host
	(
		local _tb_v
		for _tb_v in $(compgen -v); do
			case $_tb_v in
				BASH*|EUID|PPID|SHELLOPTS|UID|FUNCNAME|GROUPS|DIRSTACK) ;;
				*) export "$_tb_v" 2>/dev/null ;;
			esac
		done
		eval "$(declare -F | sed 's/^declare -f /export -f /')"
		export HOST=$_tb_host HOSTDIR=$TB_DIR/$_tb_host \
			PATH=$SS_PREFIX/sbin:$SS_PREFIX/bin:$PATH
		# the host's strongswan.conf once its charon was started
		if [ -f "$TB_DIR/$_tb_host/strongswan.conf" ]; then
			export STRONGSWAN_CONF=$TB_DIR/$_tb_host/strongswan.conf
		fi
		# entering the mount namespace resets the working directory
		# (not through tb_exec, whose locals would shadow the variables)
		nsenter -t "$(cat "$TB_DIR/$_tb_host/keeper.pid")" -m -n -- \
			bash -c 'cd "$HOSTDIR" && eval "$1"' bash "$_tb_cmd"
	) 2>&1
}

# a step; one of testbed runs in this shell, for its assignments to last
# (call it without a command substitution)
tb_eval_step()
{
	local _tb_host=$1 _tb_cmd=$2 _tb_rc
	if [ "$_tb_host" = testbed ]; then
		pushd "$TB_DIR" > /dev/null
		eval "$_tb_cmd"
		_tb_rc=$?
		popd > /dev/null
		return $_tb_rc
	fi
	tb_eval_run "$_tb_host" "$_tb_cmd"
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
	local _tb_host=$1 _tb_cmd=$2 _tb_re=$3 _tb_hit=$4 _tb_wait=$5
	local _tb_out _tb_rc _tb_ok _tb_end
	_tb_end=$((SECONDS + _tb_wait))
	while :; do
		_tb_out=$(tb_eval_run "$_tb_host" "$_tb_cmd")
		_tb_rc=$?
		if [ -z "$_tb_re" ]; then
			[ $_tb_rc = 0 ] && _tb_ok=YES || _tb_ok=NO
		else
			printf '%s\n' "$_tb_out" | grep -Eq -- "$_tb_re" && _tb_ok=YES || _tb_ok=NO
		fi
		[ "$_tb_ok" = "$_tb_hit" ] && break
		if [ $SECONDS -ge $_tb_end ]; then
			printf '%s\n' "$_tb_out"
			case $_tb_re,$_tb_hit in
				,YES) echo "(exit code $_tb_rc, expected 0)" ;;
				,NO)  echo "(exit code 0, expected non-zero)" ;;
				*,YES) echo "(no match for '$_tb_re')" ;;
				*,NO) echo "(unexpected match for '$_tb_re')" ;;
			esac
			return 1
		fi
		sleep 0.2
	done
	printf '%s\n' "$_tb_out"
}

# parse one line: sets _TB_L_HOST, _TB_L_CMD, for a check _TB_L_RE,
# _TB_L_HIT, _TB_L_WAIT;
# _TB_L_ERR if the line is not valid
tb_eval_parse()
{
	local _tb_line=$1 _tb_rest
	_TB_L_ERR=
	_TB_L_HOST=${_tb_line%%::*}
	_tb_rest=${_tb_line#*::}
	_TB_L_RE= _TB_L_HIT= _TB_L_WAIT=0
	if [[ $_tb_rest =~ ^(.*)::(.*)::(YES|NO)(::([0-9]+))?$ ]]; then
		_TB_L_CMD=${BASH_REMATCH[1]}
		_TB_L_RE=${BASH_REMATCH[2]}
		_TB_L_HIT=${BASH_REMATCH[3]}
		_TB_L_WAIT=${BASH_REMATCH[5]:-0}
	else
		_TB_L_CMD=$_tb_rest
	fi
	case " $TB_EVAL_HOSTS " in
		*" $_TB_L_HOST "*) ;;
		*) _TB_L_ERR="unknown host '$_TB_L_HOST'"; return 1 ;;
	esac
	[ "$_tb_line" != "$_TB_L_HOST" ] && [ -n "$_TB_L_CMD" ] ||
		{ _TB_L_ERR="no command"; return 1; }
}

tb_eval_file()
{
	local _tb_file=$1 _tb_phase=$2 _tb_line _tb_next _tb_desc= _tb_lineno=0
	local _tb_start _tb_out _tb_rc
	local _tb_name=${_tb_file##*/}
	while IFS= read -r _tb_line || [ -n "$_tb_line" ]; do
		_tb_lineno=$((_tb_lineno + 1))
		_tb_start=$_tb_lineno
		while [[ $_tb_line == *\\ ]] && IFS= read -r _tb_next; do
			_tb_lineno=$((_tb_lineno + 1))
			_tb_line="${_tb_line%\\}${_tb_next#"${_tb_next%%[![:space:]]*}"}"
		done
		case "$_tb_line" in
			"") _tb_desc=; continue ;;
			\#*)
				_tb_desc=${_tb_line###}
				_tb_desc=${_tb_desc# }
				continue ;;
		esac
		if ! tb_eval_parse "$_tb_line"; then
			echo "    FAIL  $_tb_name:$_tb_start: $_TB_L_ERR"
			CHECK_FAILED=1
			return 1
		fi
		if [ -n "$_TB_L_HIT" ]; then
			[ "$_tb_phase" = eval ] || {
				echo "    FAIL  $_tb_name:$_tb_start: a check outside evaltest.dat"
				CHECK_FAILED=1
				return 1
			}
			check "${_tb_desc:-$_TB_L_HOST: $_TB_L_CMD}" \
				tb_eval_match "$_TB_L_HOST" "$_TB_L_CMD" "$_TB_L_RE" "$_TB_L_HIT" \
				"$_TB_L_WAIT" < /dev/null
		else
			tb_eval_step "$_TB_L_HOST" "$_TB_L_CMD" > "$TB_DIR/step.out" 2>&1 \
				< /dev/null
			_tb_rc=$?
			_tb_out=$(cat "$TB_DIR/step.out")
			rm -f "$TB_DIR/step.out"
			printf '### %s:%s %s::%s (exit code %s)\n%s\n' "$_tb_name" "$_tb_start" \
				"$_TB_L_HOST" "$_TB_L_CMD" "$_tb_rc" "$_tb_out" >> "$TB_DIR/checks.log"
			if [ $_tb_rc != 0 ]; then
				case $_tb_phase in
					pre)
						tb_log "$_tb_name:$_tb_start failed: $_TB_L_HOST::$_TB_L_CMD"
						printf '%s\n' "$_tb_out" | tail -15 >&2
						return 1 ;;
					eval)
						check "${_tb_desc:-step $_TB_L_HOST: $_TB_L_CMD}" \
							tb_eval_failed "$_tb_rc" "$_tb_out" < /dev/null ;;
				esac
			fi
		fi
		_tb_desc=
	done < "$_tb_file"
	return 0
}
