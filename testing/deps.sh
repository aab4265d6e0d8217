#!/bin/bash
#
# getcert: install everything the build, the tests and the demo need on a
# fresh Debian 12 machine, and build strongSwan 5.9.8 from Debian's source
# package into a cached prefix. Idempotent; a second run takes seconds.
#
# Writes $GETCERT_CACHE/strongswan.env with
#   SS_SRC     the configured strongSwan tree (for headers and config.h)
#   SS_PREFIX  where that strongSwan is installed
#   SS_VERSION the Debian version of the source package
#
# Environment: GETCERT_CACHE (default /var/cache/getcert).

set -euo pipefail

STRONGSWAN_UPSTREAM=5.9.8
CACHE=${GETCERT_CACHE:-/var/cache/getcert}

# Debian packages needed by build, tests and demo
PACKAGES=(
	build-essential autoconf automake libtool pkg-config dpkg-dev python3
	python3-cryptography
	libssl-dev libcurl4-openssl-dev libgmp-dev libsqlite3-dev sqlite3
	libmicrohttpd-dev libgnutls28-dev
	clang libclang-rt-14-dev
	openssl ca-certificates curl
	freeradius freeradius-utils scep nginx
	postgresql libpq-dev haproxy
	iproute2 iputils-ping util-linux procps tmux expect
	mmdebstrap  # the Debian root of the deb-* scenarios (debroot.sh)
)

# strongSwan configure options; part of the cache key
SS_OPTIONS=(
	--with-dev-headers
	--enable-openssl --enable-curl --enable-pkcs7 --enable-x509 --enable-pem
	--enable-pkcs1 --enable-pkcs8 --enable-kdf --enable-vici --enable-swanctl
	--enable-kernel-libipsec --enable-eap-radius --enable-eap-identity
	--enable-eap-md5 --enable-eap-gtc --enable-cmd --enable-pki
	--enable-sqlite --disable-gmp --disable-stroke
)

log()
{
	echo "deps: $*" >&2
}

die()
{
	echo "deps: ERROR: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "must run as root (installs packages, builds into $CACHE)"
export DEBIAN_FRONTEND=noninteractive
. "$(dirname "$0")/apt.sh"

install_packages()
{
	local p
	apt_install_missing "${PACKAGES[@]}"
	# Debian starts the packaged daemons; the test bed runs its own instances
	# in network namespaces, so the system-wide ones are not wanted.
	for p in freeradius nginx postgresql haproxy; do
		if [ -x /etc/init.d/$p ]; then
			/etc/init.d/$p stop >/dev/null 2>&1 || true
		fi
	done
}

# fetch strongSwan's Debian source package into $1
fetch_source()
{
	local dir=$1 v
	mkdir -p "$dir"
	# newest first; a version listed by an index may be missing from its
	# pool (seen for bookworm-security), so fall back to the next one
	for v in $(apt-cache showsrc strongswan | sed -n 's/^Version: //p' |
			   sort -u -r -V); do
		case "$v" in
			$STRONGSWAN_UPSTREAM-*) ;;
			*) continue ;;
		esac
		log "fetching strongswan $v source package"
		if (cd "$dir" && apt-get source -qq "strongswan=$v" >/dev/null 2>&1); then
			echo "$v"
			return 0
		fi
		rm -rf "${dir:?}"/*
	done
	die "no strongswan $STRONGSWAN_UPSTREAM source package could be fetched"
}

build_strongswan()
{
	local key dir tmp version
	version=$(apt-cache showsrc strongswan | sed -n 's/^Version: //p' |
			  grep "^$STRONGSWAN_UPSTREAM-" | sort -u -r -V | tr '\n' ' ')
	key=$(printf '%s\n' "$STRONGSWAN_UPSTREAM" "${SS_OPTIONS[@]}" |
		  sha256sum | cut -c1-12)
	dir=$CACHE/strongswan-$STRONGSWAN_UPSTREAM-$key
	if [ -f "$dir/.complete" ]; then
		log "strongSwan cached in $dir ($(cat "$dir/.complete"))"
	else
		[ -n "$version" ] || die "no strongswan $STRONGSWAN_UPSTREAM source in apt"
		rm -rf "$dir" "$dir.tmp"
		tmp=$dir.tmp
		mkdir -p "$tmp/dl"
		version=$(fetch_source "$tmp/dl")
		mv "$tmp/dl/strongswan-$STRONGSWAN_UPSTREAM" "$tmp/src"
		rm -rf "$tmp/dl"
		log "configuring strongSwan $version"
		# the tree is built and used where it will stay
		mv "$tmp" "$dir"
		(
			cd "$dir/src"
			./configure -q --prefix="$dir/prefix" \
				--sysconfdir="$dir/prefix/etc" "${SS_OPTIONS[@]}" \
				> "$dir/configure.log" 2>&1 ||
				{ tail -20 "$dir/configure.log"; exit 1; }
			log "building strongSwan (1-3 minutes)"
			make -j"$(nproc)" > "$dir/build.log" 2>&1 ||
				{ tail -30 "$dir/build.log"; exit 1; }
			make install > "$dir/install.log" 2>&1 ||
				{ tail -30 "$dir/install.log"; exit 1; }
		) || { rm -rf "$dir"; die "strongSwan build failed"; }
		grep -q "define VERSION \"$STRONGSWAN_UPSTREAM\"" "$dir/src/config.h" ||
			{ rm -rf "$dir"; die "unexpected strongSwan version in config.h"; }
		echo "$version" > "$dir/.complete"
	fi
	cat > "$CACHE/strongswan.env.tmp" <<ENV
SS_SRC=$dir/src
SS_PREFIX=$dir/prefix
SS_VERSION=$(cat "$dir/.complete")
ENV
	mv "$CACHE/strongswan.env.tmp" "$CACHE/strongswan.env"
}

mkdir -p "$CACHE"
install_packages
add_deb_src
build_strongswan
log "ready: $(tr '\n' ' ' < "$CACHE/strongswan.env")"
