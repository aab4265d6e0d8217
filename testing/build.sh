#!/bin/bash
#
# Build getcert against the strongSwan tree prepared by deps.sh, in build/,
# and install the plugin where that charon loads plugins from.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "${GETCERT_CACHE:-/var/cache/getcert}/strongswan.env"

cd "$ROOT"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	echo "build: autoreconf" >&2
	autoreconf -fi > /dev/null 2>&1 || autoreconf -fi
fi
mkdir -p build
cd build
if [ ! -f Makefile ] || [ ../configure -nt Makefile ] ||
   ! grep -q "^strongswan_src = $SS_SRC\$" Makefile; then
	echo "build: configure against $SS_SRC" >&2
	# getcertd's unit where it always went in the test builds, under the
	# prefix, not into the system's unit directory
	../configure -q --with-strongswan-src="$SS_SRC" \
		--with-systemdsystemunitdir='${prefix}/lib/systemd/system' \
		> configure.out 2>&1 ||
		{ cat configure.out; exit 1; }
fi
echo "build: make" >&2
make -s -j"$(nproc)" > make.out 2>&1 || { cat make.out; exit 1; }
make -s install > install.out 2>&1 || { cat install.out; exit 1; }
