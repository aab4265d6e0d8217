#!/bin/bash
#
# Build getcert's Debian packages (libcharon-getcert, getcertd,
# getcert-enroll) from this tree, on Debian 12, as root:
#
#   testing/build-debs.sh            .debs in build/debs/ (or $1)
#
# Installs what the build needs (dpkg-dev, debhelper, lintian and the
# Build-Depends of debian/control: Debian's own libstrongswan and
# strongswan-libcharon among them), adds deb-src entries if apt has none
# (debian/rules fetches the source package of Debian's strongSwan of the
# installed version, and configures it as Debian does), copies the tree
# (git's files, or all but build/) to build/deb/getcert-<version>/, runs
# `dpkg-buildpackage -b -us -uc` there (the unit tests run, as
# dh_auto_test) and lintian on the result; the .debs go to build/debs/.
# Exit status 0 only if the build succeeded and lintian reports no error.

set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/build/debs}
WORK=$ROOT/build/deb

log()
{
	echo "build-debs: $*" >&2
}

[ "$(id -u)" = 0 ] || { log "must run as root (installs the build dependencies)"; exit 1; }
export DEBIAN_FRONTEND=noninteractive
. "$ROOT/testing/apt.sh"

apt_install_missing dpkg-dev debhelper lintian git
if ! (cd "$ROOT" && dpkg-checkbuilddeps) > /dev/null 2>&1; then
	apt_update
	log "installing the build dependencies of debian/control"
	(cd "$ROOT" && apt-get build-dep -y -qq ./) > /dev/null
fi
add_deb_src

version=$(cd "$ROOT" && dpkg-parsechangelog -S Version)
src=$WORK/getcert-$version
rm -rf "$WORK"
mkdir -p "$src"
log "copying the tree to $src"
if git -C "$ROOT" rev-parse --show-toplevel > /dev/null 2>&1; then
	(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
		tar --null -cf - -T -) | tar -xf - -C "$src"
else
	(cd "$ROOT" && tar --exclude=./build -cf - .) | tar -xf - -C "$src"
fi

log "dpkg-buildpackage -b -us -uc (log: $WORK/build.log)"
if ! (cd "$src" && dpkg-buildpackage -b -us -uc) > "$WORK/build.log" 2>&1; then
	tail -40 "$WORK/build.log" >&2
	log "dpkg-buildpackage failed (log: $WORK/build.log)"
	exit 1
fi
grep '^WARNING' "$WORK/build.log" >&2 || true

changes=$(ls "$WORK"/getcert_"$version"_*.changes)
log "lintian (log: $WORK/lintian.log)"
lintian --info --display-info "$changes" > "$WORK/lintian.log" 2>&1 || true
cat "$WORK/lintian.log" >&2

mkdir -p "$OUT"
rm -f "$OUT"/*.deb
cp "$WORK"/*.deb "$OUT"/
log "packages in $OUT:"
ls -1 "$OUT" >&2
if grep -q '^E: ' "$WORK/lintian.log"; then
	log "lintian reports errors"
	exit 1
fi
