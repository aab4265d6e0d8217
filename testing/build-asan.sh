#!/bin/bash
#
# Build getcertd (and libgetcert) with AddressSanitizer and LeakSanitizer
# into build/asan, against the strongSwan tree prepared by deps.sh. Only
# what is asked for and what it links is built; nothing is installed (the
# ASan plugin loads only into a charon started with the ASan runtime in
# LD_PRELOAD, see testing/scenarios/charon-shutdown-asan). Cached:
# configure runs once, make only when a source is newer than the binary.
# Bounded by ASAN_BUILD_TIMEOUT seconds (default 600).
#
# usage: build-asan.sh [getcertd|plugin]     (default getcertd)
# Prints the path of the instrumented getcertd, or of the instrumented
# libstrongswan-getcert.so, on success.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "${GETCERT_CACHE:-/var/cache/getcert}/strongswan.env"
TIMEOUT=${ASAN_BUILD_TIMEOUT:-600}
SAN="-fsanitize=address -fno-omit-frame-pointer"
B=$ROOT/build/asan
WHAT=${1:-getcertd}
case "$WHAT" in
	getcertd)
		BIN=$B/src/getcertd/getcertd
		DIR=src/getcertd
		TARGET=getcertd
		;;
	plugin)
		BIN=$B/src/libcharon/plugins/getcert/.libs/libstrongswan-getcert.so
		DIR=src/libcharon/plugins/getcert
		TARGET=libstrongswan-getcert.la
		;;
	*)
		echo "usage: $0 [getcertd|plugin]" >&2
		exit 1
		;;
esac

log()
{
	echo "build-asan: $*" >&2
}

cd "$ROOT"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	log "autoreconf"
	timeout "$TIMEOUT" autoreconf -fi > /dev/null 2>&1 ||
		timeout "$TIMEOUT" autoreconf -fi
fi
mkdir -p "$B"
cd "$B"
if [ ! -f Makefile ] || [ "$ROOT/configure" -nt Makefile ] ||
   ! grep -q "^strongswan_src = $SS_SRC\$" Makefile; then
	log "configure against $SS_SRC"
	timeout "$TIMEOUT" "$ROOT/configure" -q --with-strongswan-src="$SS_SRC" \
		CFLAGS="$SAN -g -O1" LDFLAGS="$SAN" > configure.out 2>&1 ||
		{ cat configure.out; exit 1; }
	rm -f "$B/src/getcertd/getcertd" \
		"$B/src/libcharon/plugins/getcert/.libs/libstrongswan-getcert.so"
fi
# anything the binary is built from newer than it?
if [ ! -x "$BIN" ] ||
   [ -n "$(find "$ROOT/src/libgetcert" "$ROOT/$DIR" \
		   -maxdepth 1 -newer "$BIN" \( -name '*.[ch]' -o -name Makefile.am \) \
		   -print -quit)" ]; then
	log "make $TARGET"
	timeout "$TIMEOUT" make -s -j"$(nproc)" -C src/libgetcert libgetcert.la \
		> make.out 2>&1 &&
	timeout "$TIMEOUT" make -s -j"$(nproc)" -C "$DIR" "$TARGET" \
		>> make.out 2>&1 || { cat make.out; exit 1; }
	touch "$BIN"
fi
# the binary really is instrumented
nm -D "$BIN" | grep __asan_init > /dev/null ||
	{ log "$BIN lacks ASan"; exit 1; }
echo "$BIN"
