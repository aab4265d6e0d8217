#!/bin/bash
#
# getcert test bed: hosts running Debian's STOCK strongSwan (charon-systemd,
# swanctl) and getcert's own Debian packages, in a Debian 12 root made with
# mmdebstrap. Sourced after testbed.sh and charon.sh by the deb-* scenarios;
# nothing of the project's private strongSwan build or of build/ runs there.
#
# The root is built once from the machine's own Debian apt sources and
# cached as $GETCERT_CACHE/debroot-<key> (key: the package list and the
# archive's strongSwan version); it has a policy-rc.d that denies starting
# services, so installing packages starts none. Each host that uses it gets
# a private overlay of it (upper layer in $TB_DIR/<host>/debroot/), mounted
# in the host's own mount namespace at $TB_DIR/<host>/debroot/root, with the
# root's /proc, /dev, the host's private /run and $TB_DIR bound in (at the
# same paths): the cache stays pristine, hosts and parallel test beds do not
# share a file. tb_teardown's hook unmounts everything by path.
#
#   tb_debroot_cache               build the cached root unless it exists;
#                                  prints its path
#   tb_debroot_debs                check $GETCERT_DEBS (default
#                                  <repo>/build/debs) holds the packages;
#                                  sets TB_DEBS_DIR
#   tb_debroot_up <host>           the host's overlay root and its mounts;
#                                  sets nothing, the path is tb_debroot <host>
#   tb_debroot <host>              the host's root (path)
#   tb_debroot_exec <host> <cmd...>
#                                  a command chrooted into the host's root,
#                                  in the host's namespaces
#   tb_debroot_install <host> <deb...>
#                                  dpkg -i the packages into the host's root
#                                  (no network: dependencies come from the
#                                  cached root)
#   tb_debroot_deb <package>       the newest .deb of a package in TB_DEBS_DIR
#   tb_debroot_bump <deb> <dir>    a copy of the .deb with a higher version
#                                  (same content), in <dir>; prints its path
#   tb_debroot_charon_start <host> <scenario hosts dir>
#                                  the root's /usr/sbin/charon-systemd with a
#                                  strongswan.conf that includes the root's
#                                  /etc/strongswan.conf (load_modular) and the
#                                  scenario's settings; tb_swanctl, swanctl in
#                                  scenario lines and tb_charon_stop work on it
#   tb_debroot_swanctl <host> <args...>
#                                  the root's swanctl against the host's charon
#   tb_debroot_getcertd_start <host>
#                                  getcertd as its package's systemd unit runs
#                                  it: ExecStart= as User=/Group= with the
#                                  unit's AmbientCapabilities (setpriv), the
#                                  test bed's configuration as the root's
#                                  /etc/getcertd.conf; log in
#                                  $TB_DIR/<host>/tls.log
#   tb_debroot_getcertd_stop <host>
#   tb_debroot_getcertd_db <host> <sql>
#                                  a query on getcertd's database in the root
#   tb_debroot_exe_check <host> <pid>
#                                  the process's executable and every mapped
#                                  file are in the host's root, none in
#                                  /var/cache/getcert or the repository
#
# Run as a script, "testing/debroot.sh cache" builds the cached root (a
# minute or two on first use; test.sh can do it ahead of the scenarios,
# whose timeout counts it otherwise) and prints its path.
#
# Environment: GETCERT_DEBS (the .debs), DEBROOT_STRONGSWAN_VERSION (a
# strongSwan version of the archive to install instead of the newest),
# GETCERT_CACHE (default /var/cache/getcert).

TB_ROOT=${TB_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
TB_DEBS_DIR=${GETCERT_DEBS:-$TB_ROOT/../build/debs}
TB_DEBROOT_CACHE=${GETCERT_CACHE:-/var/cache/getcert}
TB_DEBROOT_HOSTS=""
case " ${TB_TEARDOWN_HOOKS:-} " in
	*" tb_debroot_teardown "*) ;;
	*) TB_TEARDOWN_HOOKS="${TB_TEARDOWN_HOOKS:-} tb_debroot_teardown" ;;
esac

# Debian's stock strongSwan and what getcert's packages need at run time
# (libcharon-extra-plugins for kernel-libipsec: the test bed's kernel may
# have no ESP, as the other scenarios' charons, stock charon uses libipsec)
TB_DEBROOT_PACKAGES="charon-systemd strongswan-swanctl strongswan-libcharon
	libstrongswan libstrongswan-standard-plugins libcharon-extra-plugins
	libcurl4 libmicrohttpd12
	libsqlite3-0 libpq5 libssl3 libgnutls30 adduser openssl
	init-system-helpers util-linux ca-certificates"

# the machine's Debian apt sources (deb lines only, deb.debian.org via the
# configured entries), as one deb822 file for mmdebstrap
tb_debroot_sources()
{
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
			/(^|\n)Types:[^\n]*deb([ \t]|\n|$)/ &&
			/(^|\n)URIs:[^\n]*\/debian(-security)?\/?([ \t]|\n|$)/ {
				sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb"); sub(/^\n/, "");
				print }' "$f"
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(\[[^]]*\] \)\?\(http[^ ]*\/debian\(-security\)\?\/\? .*\)$/Types: deb\nURIs: \2\n/p' \
			/etc/apt/sources.list |
			awk 'NF == 0 { print; next }
				/^URIs: / { split(substr($0, 7), a, " "); print "URIs: " a[1];
					print "Suites: " a[2];
					c = ""; for (i = 3; i <= length(a); i++) c = c " " a[i];
					print "Components:" c; next } { print }'
	fi
}

# the archive's strongSwan version the root gets
tb_debroot_ss_version()
{
	if [ -n "${DEBROOT_STRONGSWAN_VERSION:-}" ]; then
		echo "$DEBROOT_STRONGSWAN_VERSION"
		return
	fi
	apt-cache policy charon-systemd 2>/dev/null | sed -n 's/^ *Candidate: //p'
}

# tb_debroot_cache: build the cached root unless it is there; prints its path
tb_debroot_cache()
{
	local version key dir tmp pkgs p include=""
	command -v mmdebstrap > /dev/null ||
		{ tb_log "mmdebstrap is missing (testing/deps.sh installs it)"; return 1; }
	version=$(tb_debroot_ss_version)
	case "$version" in
		5.9.8-*) ;;
		*) tb_log "no strongSwan 5.9.8 in the apt lists ('$version'; apt-get update?)"
		   return 1 ;;
	esac
	pkgs=$(echo $TB_DEBROOT_PACKAGES)
	key=$(printf '%s\n' "$pkgs" "$version" | sha256sum | cut -c1-12)
	dir=$TB_DEBROOT_CACHE/debroot-$key
	if [ -f "$dir/.complete" ]; then
		echo "$dir"
		return 0
	fi
	# one builder at a time; a second waits and takes the result
	(
		flock 9
		[ -f "$dir/.complete" ] && exit 0
		tmp=$dir.tmp
		rm -rf "$tmp" "$dir"
		mkdir -p "$tmp"
		tb_debroot_sources > "$tmp.sources"
		[ -s "$tmp.sources" ] ||
			{ tb_log "no Debian apt source configured"; exit 1; }
		for p in $pkgs; do
			case $p in
				charon-systemd|strongswan-swanctl|strongswan-libcharon|libstrongswan|libstrongswan-standard-plugins|libcharon-extra-plugins)
					p="$p=$version" ;;
			esac
			include="$include${include:+,}$p"
		done
		tb_log "building the Debian root $dir (strongSwan $version; a few minutes)"
		mmdebstrap --mode=root --format=directory --variant=apt \
			--include="$include" \
			bookworm "$tmp/root" "$tmp.sources" > "$tmp.log" 2>&1 ||
			{ tail -20 "$tmp.log" >&2; rm -rf "$tmp"; exit 1; }
		mv "$tmp.log" "$tmp/mmdebstrap.log"
		# (after mmdebstrap, whose cleanup removes its own policy-rc.d)
		printf '#!/bin/sh\n# getcert test bed: no service starts\nexit 101\n' \
			> "$tmp/root/usr/sbin/policy-rc.d" &&
			chmod 0755 "$tmp/root/usr/sbin/policy-rc.d" || { rm -rf "$tmp"; exit 1; }
		mv "$tmp.sources" "$tmp/sources"
		chroot "$tmp/root" dpkg-query -W -f='${Package} ${Version}\n' \
			> "$tmp/packages"
		grep -q "^charon-systemd $version$" "$tmp/packages" ||
			{ tb_log "charon-systemd $version missing in the root"; rm -rf "$tmp"; exit 1; }
		echo "$version" > "$tmp/.complete"
		mv "$tmp" "$dir"
	) 9> "$TB_DEBROOT_CACHE/debroot.lock" || return 1
	[ -f "$dir/.complete" ] || return 1
	echo "$dir"
}

# tb_debroot_debs: the directory of the packages, with each of them
tb_debroot_debs()
{
	local p
	if [ ! -d "$TB_DEBS_DIR" ]; then
		tb_log "no .debs: $TB_DEBS_DIR does not exist (build them, or set GETCERT_DEBS)"
		return 1
	fi
	for p in libcharon-getcert getcertd getcert-enroll; do
		tb_debroot_deb "$p" > /dev/null ||
			{ tb_log "no ${p}_*.deb in $TB_DEBS_DIR"; return 1; }
	done
}

# the newest .deb of a package
tb_debroot_deb()
{
	local f best="" bv="" v
	for f in "$TB_DEBS_DIR/$1"_*.deb; do
		[ -f "$f" ] || continue
		v=$(dpkg-deb -f "$f" Version) || continue
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$bv"; then
			best=$f
			bv=$v
		fi
	done
	[ -n "$best" ] && echo "$best"
}

tb_debroot()
{
	realpath -m "$TB_DIR/$1/debroot/root"
}

# tb_debroot_up <host>: overlay of the cached root and the mounts in it
tb_debroot_up()
{
	local host=$1 lower d=$TB_DIR/$1/debroot root
	lower=$(tb_debroot_cache) || return 1
	root=$d/root
	mkdir -p "$d/upper" "$d/work" "$root" || return 1
	echo "$lower/root" > "$d/lower"
	TB_DEBROOT_HOSTS="$TB_DEBROOT_HOSTS $host"
	tb_exec "$host" sh -ec '
		mount -t overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" \
			"gc-debroot" "$3"
		mount -t proc proc "$3/proc"
		mount --rbind /dev "$3/dev"
		mount --bind /run "$3/run"
		[ -e "$3/etc/hosts" ] || : > "$3/etc/hosts"
		mount --bind /etc/hosts "$3/etc/hosts"
		mkdir -p "$3$4"
		mount --bind "$4" "$3$4"' sh "$lower/root" "$d" "$root" "$TB_DIR" ||
		{ tb_log "mounting the Debian root of $host failed"; return 1; }
}

# unmount a host's root, innermost first, by path
tb_debroot_down()
{
	local host=$1 root
	root=$(tb_debroot "$host")
	[ -f "$TB_DIR/$host/keeper.pid" ] || return 0
	tb_exec "$host" sh -c '
		for m in $(findmnt -rn -o TARGET | grep "^$1\(/\|$\)" | sort -r); do
			umount -l "$m" || exit 1
		done' sh "$root"
}

# tb_teardown's hook: roots down before the namespaces go
tb_debroot_teardown()
{
	local host
	for host in $TB_DEBROOT_HOSTS; do
		tb_debroot_down "$host" || tb_log "unmounting $host's Debian root failed"
	done
	TB_DEBROOT_HOSTS=""
}

tb_debroot_exec()
{
	local host=$1
	shift
	tb_exec "$host" chroot "$(tb_debroot "$host")" "$@"
}

# tb_debroot_install <host> <deb...>: dpkg -i into the host's root. The
# root is mounted in the host's mount namespace only: every file goes in
# through the chroot, from $TB_DIR (bound in at the same path)
tb_debroot_install()
{
	local host=$1 dir=$TB_DIR/$1/debs f rc
	shift
	rm -rf "$dir" && mkdir -p "$dir" && cp "$@" "$dir/" || return 1
	tb_exec "$host" env DEBIAN_FRONTEND=noninteractive \
		chroot "$(tb_debroot "$host")" sh -c 'dpkg -i "$@"' sh "$dir"/*.deb \
		>> "$TB_DIR/$host/dpkg.log" 2>&1
	rc=$?
	[ $rc = 0 ] ||
		{ tb_log "dpkg -i on $host failed"; tail -20 "$TB_DIR/$host/dpkg.log" >&2; }
	return $rc
}

# tb_debroot_bump <deb> <dir>: the package with the version +getcertup1
# (same content), built with dpkg-deb -R / -b in <dir>
tb_debroot_bump()
{
	local deb=$1 out=$2 tmp v nv pkg new
	pkg=$(dpkg-deb -f "$deb" Package) && v=$(dpkg-deb -f "$deb" Version) || return 1
	nv="$v+getcertup1"
	new=$out/${pkg}_${nv}_$(dpkg-deb -f "$deb" Architecture).deb || return 1
	tmp=$out/$pkg.tree
	rm -rf "$tmp"
	mkdir -p "$out" &&
		dpkg-deb -R "$deb" "$tmp" &&
		sed -i "s/^Version: .*/Version: $nv/" "$tmp/DEBIAN/control" &&
		dpkg-deb -b "$tmp" "$new" > /dev/null || return 1
	rm -rf "$tmp"
	dpkg --compare-versions "$nv" gt "$v" || return 1
	echo "$new"
}

# tb_debroot_charon_start <host> <scenario hosts dir>
tb_debroot_charon_start()
{
	local host=$1 scenario_hosts=$2 dir=$TB_DIR/$1 f
	# the stock configuration first (load_modular, strongswan.d), then the
	# test bed's logging and timeouts, then the scenario's settings
	cat > "$dir/strongswan.conf" <<-EOF
	# Debian's strongswan.conf of the root: plugins by load_modular from
	# /etc/strongswan.d/charon/*.conf
	include /etc/strongswan.conf

	charon {
		filelog {
			stderr {
				time_format = %T
				ike_name = yes
				default = 1
				cfg = 2
				ike = 2
			}
		}
		retransmit_tries = 3
		retransmit_timeout = 1.0
		retransmit_base = 1.4
		plugins {
			# IPsec in userland over TUN, as every charon of the test
			# bed (load_modular loads it before kernel-netlink)
			kernel-libipsec {
				load = yes
			}
		}
	}

	charon-systemd {
		journal {
			default = -1
		}
	}

	include $dir/scenario.conf
	EOF
	tb_charon_conf "$host" "$scenario_hosts" &&
		tb_charon_run "$host" tb_debroot_swanctl \
			chroot "$(tb_debroot "$host")" /usr/sbin/charon-systemd
}

tb_debroot_swanctl()
{
	local host=$1
	shift
	STRONGSWAN_CONF=$TB_DIR/$host/strongswan.conf \
		tb_debroot_exec "$host" /usr/sbin/swanctl "$@"
}

# a unit file's setting (the last one)
tb_debroot_unit_get()
{
	sed -n "s/^$2=//p" "$1" | tail -1
}

# tb_debroot_getcertd_start <host>: as systemd would start the package's
# unit: the directories of StateDirectory= and RuntimeDirectory= (owned by
# the user, StateDirectoryMode=), then ExecStart= chrooted into the host's
# root through setpriv as User=/Group= with the supplementary groups,
# AmbientCapabilities= (inheritable and ambient), CapabilityBoundingSet=,
# NoNewPrivileges= and UMask=. Other sandboxing settings (Protect*, ...)
# are systemd's and not reproduced. Writes the unit's settings to
# $TB_DIR/<host>/getcertd-unit.txt.
tb_debroot_getcertd_start()
{
	local host=$1 dir=$TB_DIR/$1 root unit exec user group caps bound nnp
	local umask state smode rundir c cap d setpriv
	root=$(tb_debroot "$host")
	# (the root is mounted in the host's namespace only)
	unit=$dir/getcertd.service
	tb_debroot_exec "$host" sh -c 'cat /lib/systemd/system/getcertd.service ||
		cat /usr/lib/systemd/system/getcertd.service' > "$unit" 2> /dev/null ||
		{ tb_log "no getcertd.service in $host's root"; return 1; }
	exec=$(tb_debroot_unit_get "$unit" ExecStart)
	user=$(tb_debroot_unit_get "$unit" User)
	group=$(tb_debroot_unit_get "$unit" Group)
	caps=$(tb_debroot_unit_get "$unit" AmbientCapabilities)
	bound=$(tb_debroot_unit_get "$unit" CapabilityBoundingSet)
	nnp=$(tb_debroot_unit_get "$unit" NoNewPrivileges)
	umask=$(tb_debroot_unit_get "$unit" UMask)
	state=$(tb_debroot_unit_get "$unit" StateDirectory)
	smode=$(tb_debroot_unit_get "$unit" StateDirectoryMode)
	rundir=$(tb_debroot_unit_get "$unit" RuntimeDirectory)
	# the prefixes "-" "@" "+" "!" ":" and specifiers change how systemd
	# runs it: not supported
	case "$exec" in
		""|[-@+!:]*|*%*) tb_log "unsupported ExecStart='$exec' in $unit"; return 1 ;;
	esac
	[ -n "$user" ] || { tb_log "no User= in $unit"; return 1; }
	tb_debroot_exec "$host" id "$user" > /dev/null ||
		{ tb_log "no user $user in $host's root (the package creates it)"; return 1; }
	[ -n "$group" ] || group=$(tb_debroot_exec "$host" id -gn "$user") || return 1
	printf 'ExecStart=%s User=%s Group=%s AmbientCapabilities=%s\n' \
		"$exec" "$user" "$group" "$caps" > "$dir/getcertd-unit.txt"
	setpriv=(setpriv --reuid="$user" --regid="$group" --init-groups)
	if [ -n "$caps" ]; then
		cap=""
		for c in $caps; do
			c=${c,,}
			cap="$cap${cap:+,}+${c#cap_}"
		done
		setpriv+=(--inh-caps="$cap" --ambient-caps="$cap")
	fi
	if [ -n "$bound" ]; then
		cap="-all"
		for c in $bound; do
			c=${c,,}
			cap="$cap,+${c#cap_}"
		done
		setpriv+=(--bounding-set="$cap")
	fi
	case "$nnp" in
		yes|true|on|1) setpriv+=(--no-new-privs) ;;
	esac
	for d in $state; do
		tb_debroot_exec "$host" sh -c "mkdir -p /var/lib/$d &&
			chown $user:$group /var/lib/$d && chmod ${smode:-0755} /var/lib/$d" ||
			return 1
	done
	for d in $rundir; do
		tb_debroot_exec "$host" sh -c "mkdir -p /run/$d &&
			chown $user:$group /run/$d" || return 1
	done
	# the test bed's CA, RA and TLS credentials for the package's user and
	# the test bed's getcertd configuration with the root's paths, readable
	# by the group as the unit asks
	tb_getcertd_conf "$host" getcertd 443 yes || return 1
	sed -e "s|^\tdatabase = .*|\tdatabase = /var/lib/getcertd/getcertd.db|" \
		-e "/^\tpid_file = /d" \
		-e "s|$TB_DIR/pki/|/etc/getcertd/|" -e "s|$dir/tls|/etc/getcertd/tls|" \
		"$dir/getcertd.conf" > "$dir/getcertd.root.conf" || return 1
	tb_debroot_exec "$host" sh -ec '
		mkdir -p /etc/getcertd
		cp "$1/pki/caCert.pem" "$1/pki/caKey.pem" "$1/pki/raCert.pem" \
			"$1/pki/raKey.pem" "$2/tlsCert.pem" "$2/tlsKey.pem" /etc/getcertd/
		cp "$2/getcertd.root.conf" /etc/getcertd.conf
		chown "root:$3" /etc/getcertd.conf /etc/getcertd/*.pem
		chmod 0640 /etc/getcertd.conf /etc/getcertd/*.pem' \
		sh "$TB_DIR" "$dir" "$group" || return 1
	# exactly the unit's command line, as its user, in the root
	(
		[ -z "$umask" ] || umask "$umask"
		exec nsenter -t "$(cat "$dir/keeper.pid")" -m -n -- \
			chroot "$root" "${setpriv[@]}" -- $exec
	) </dev/null >> "$dir/tls.log" 2>&1 &
	echo $! > "$dir/getcertd.run.pid"
	tb_getcertd_wait "$host" https://127.0.0.1:443 "$dir/tls.log" \
		"the package's getcertd"
}

tb_debroot_getcertd_stop()
{
	local dir=$TB_DIR/$1 pid
	pid=$(cat "$dir/getcertd.run.pid" 2>/dev/null) || return 1
	kill -TERM "$pid" 2>/dev/null
	tb_wait 10 tb_srv_gone "$pid" || return 1
	wait "$pid" 2>/dev/null
	rm -f "$dir/getcertd.run.pid"
}

tb_debroot_getcertd_db()
{
	tb_exec "$1" sqlite3 "$(tb_debroot "$1")/var/lib/getcertd/getcertd.db" "$2"
}

# tb_debroot_exe_check <host> <pid>: the process runs from the host's root
tb_debroot_exe_check()
{
	local host=$1 pid=$2 exe root files bad
	root=$(tb_debroot "$host")
	exe=$(readlink "/proc/$pid/exe") || { echo "no process $pid"; return 1; }
	echo "exe: $exe ($(readlink "/proc/$pid/root"))"
	# seen from outside the chroot, paths are in the root; from the
	# process's own root the same files
	[ "$(readlink "/proc/$pid/root")" = "$root" ] ||
		{ echo "process $pid is not chrooted into $root"; return 1; }
	case "$exe" in
		"$root"/*) ;;
		*) echo "executable outside the root"; return 1 ;;
	esac
	files=$(awk '$6 ~ /^\// { print $6 }' "/proc/$pid/maps" | sort -u)
	echo "mapped files: $(printf '%s\n' "$files" | grep -c .)"
	# seen from the host's namespace every mapped file is in the root
	bad=$(printf '%s\n' "$files" | grep -v "^$root/" || true)
	[ -z "$bad" ] || { echo "mapped from outside the root: $bad"; return 1; }
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	tb_log()
	{
		echo "debroot: $*" >&2
	}
	case "${1:-}" in
		cache) tb_debroot_cache ;;
		*) echo "usage: $0 cache" >&2; exit 2 ;;
	esac
fi
