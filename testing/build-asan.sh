#!/bin/bash
#
# Build getcertd (and libgetcert) with AddressSanitizer and LeakSanitizer
# into build/asan, against the strongSwan tree prepared by deps.sh. Only
# getcertd and what it links are built; nothing is installed (an ASan
# plugin cannot load into the uninstrumented charon). Cached: configure
# runs once, make only when a source is newer than the binary. Bounded by
# ASAN_BUILD_TIMEOUT seconds (default 600).
#
# Prints the path of the instrumented getcertd on success.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "${GETCERT_CACHE:-/var/cache/getcert}/strongswan.env"
TIMEOUT=${ASAN_BUILD_TIMEOUT:-600}
SAN="-fsanitize=address -fno-omit-frame-pointer"
B=$ROOT/build/asan
BIN=$B/src/getcertd/getcertd

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
	rm -f "$BIN"
fi
# anything getcertd is built from newer than the binary?
if [ ! -x "$BIN" ] ||
   [ -n "$(find "$ROOT/src/libgetcert" "$ROOT/src/getcertd" \
		   -maxdepth 1 -newer "$BIN" \( -name '*.[ch]' -o -name Makefile.am \) \
		   -print -quit)" ]; then
	log "make"
	timeout "$TIMEOUT" make -s -j"$(nproc)" -C src/libgetcert libgetcert.la \
		> make.out 2>&1 &&
	timeout "$TIMEOUT" make -s -j"$(nproc)" -C src/getcertd getcertd \
		>> make.out 2>&1 || { cat make.out; exit 1; }
	touch "$BIN"
fi
# the binary really is instrumented
nm -D "$BIN" | grep __asan_init > /dev/null ||
	{ log "$BIN lacks ASan"; exit 1; }
echo "$BIN"
