# PSK baseline: tunnel up through kernel-libipsec, ping crosses it

tb_charon_start moon "$SCENARIO/hosts" || return 1
tb_charon_start carol "$SCENARIO/hosts" || return 1

check "without the tunnel carol can't reach alice" \
	not tb_exec carol ping -c 1 -W 1 10.1.0.10
check "swanctl --initiate brings up home on carol" \
	tb_swanctl carol --initiate --child home --timeout 20
check "moon has an established IKE_SA" \
	grep_cmd "^rw: #[0-9]+, ESTABLISHED, IKEv2" tb_swanctl moon --list-sas
check "moon's IKE_SA is with carol" \
	grep_cmd "remote 'carol@strongswan.org' @ 192\.168\.0\.100" \
	tb_swanctl moon --list-sas
check "carol got a virtual IP from moon's pool" \
	grep_log carol "installing new virtual IP 10\.3\.0\."
check "ping from carol to alice crosses the tunnel" \
	tb_exec carol ping -c 3 -i 0.2 -W 2 10.1.0.10
check "moon counted the ping as ESP traffic" \
	grep_cmd "in  [0-9a-f]+, +[1-9][0-9]* bytes, +[1-9][0-9]* packets" \
	tb_swanctl moon --list-sas
check "getcert loaded without profiles on carol" \
	grep_log carol "getcert: 0 profiles loaded"
