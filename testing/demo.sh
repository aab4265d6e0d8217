#!/bin/bash
#
# getcert demo: set up the test bed, start the gateway moon and the client
# carol (both real charons with the getcert plugin loaded), bring up a
# tunnel and ping through it, then tear everything down.
#
# For now the tunnel is authenticated with a pre-shared key; enrollment of
# a short-lived certificate over GETCERT joins the demo with the charon
# integration.

set -uo pipefail

ROOT=$(cd "$(dirname "$0")" && pwd)
cd "$ROOT/.."

testing/deps.sh || exit 1
testing/build.sh || exit 1

SCENARIO=$ROOT/scenarios/psk-baseline
TB_DIR=${GETCERT_LOGDIR:-$ROOT/../build/testbed}/demo
rm -rf "$TB_DIR"
. "$ROOT/testbed.sh"
trap tb_teardown EXIT
trap 'exit 130' INT TERM

step()
{
	printf '\n== %s\n' "$*"
}

step "test bed: carol 192.168.0.100 -- moon 192.168.0.1 | 10.1.0.1 -- alice 10.1.0.10"
tb_net_up || exit 1
tb_pki || exit 1
tb_charon_start moon "$SCENARIO/hosts" || exit 1
tb_charon_start carol "$SCENARIO/hosts" || exit 1
tb_swanctl carol --stats | grep "loaded plugins"
grep -h "getcert:" "$TB_DIR/carol/charon.log"

step "carol: ping alice without a tunnel (no route, must fail)"
tb_exec carol ping -c 1 -W 1 10.1.0.10 && exit 1

step "carol: swanctl --initiate --child home"
tb_swanctl carol --initiate --child home --timeout 20 | tail -3 || exit 1

step "carol: IKE and CHILD SAs"
tb_swanctl carol --list-sas

step "carol: ping alice through the tunnel"
tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10 || exit 1

step "done; logs in $TB_DIR"
