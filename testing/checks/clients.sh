# getcert test bed: helpers of the client scenarios (getcert-enroll,
# scepclient, curl, radclient in the hosts), sourced by run-scenarios.sh

# gc_client_conf <host>: the host's strongswan.conf for getcert-enroll run
# on that host without a charon: the installation's own, as getcert-enroll
# reads it outside the test bed. A host line sets STRONGSWAN_CONF to
# $TB_DIR/<host>/strongswan.conf, which only tb_charon_start writes
# otherwise, and libstrongswan refuses a missing file.
gc_client_conf()
{
	local conf=$TB_DIR/$1/strongswan.conf
	[ -e "$conf" ] && return 0
	mkdir -p "$TB_DIR/$1" &&
		echo "include $SS_PREFIX/etc/strongswan.conf" > "$conf"
}
