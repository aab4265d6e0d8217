# getcert loads in real charons, with profiles, and reloads them

tb_charon_start moon "$SCENARIO/hosts" || return 1
tb_charon_start carol "$SCENARIO/hosts" || return 1

for host in moon carol; do
	check "charon on $host lists getcert among its loaded plugins" \
		grep_log $host "loaded plugins: .* getcert( |$)"
	check "swanctl --stats on $host shows getcert loaded" \
		grep_cmd "loaded plugins: .* getcert( |$)" tb_swanctl $host --stats
done
check "moon logs its profile" \
	grep_log moon "getcert: loaded profile 'moon' for 'moon.strongswan.org' \(user 'moon.strongswan.org'\) at https://winnetou.strongswan.org/scep"
check "moon counts one profile, the generated getcert.conf adds none" \
	grep_log moon "getcert: 1 profile loaded"
check "the generated getcert.conf is free of placeholder profiles" \
	not grep_log moon "profile '<name>'" 0
check "carol logs its profile" \
	grep_log carol "getcert: loaded profile 'carol' for 'carol@strongswan.org' \(user 'carol'\) at https://winnetou.strongswan.org/scep"
check "carol names the bad key of the broken profile" \
	grep_log carol "getcert: profile 'broken' ignored: charon.plugins.getcert.profiles.broken.url is plain http://"
check "carol counts one valid profile" \
	grep_log carol "getcert: 1 profile loaded"

# repair the broken profile and reload
sed -i 's|http://winnetou|https://winnetou|' "$TB_DIR/carol/scenario.conf"
check "swanctl --reload-settings succeeds on carol" \
	tb_swanctl carol --reload-settings
check "the repaired profile is loaded on reload" \
	grep_log carol "getcert: loaded profile 'broken' for 'dave@strongswan.org'"
check "carol now counts two profiles" \
	grep_log carol "getcert: 2 profiles loaded"
check "the unchanged profile was not reloaded" \
	not grep_log carol "changed profile 'carol'" 0
check "charon on carol still answers after the reload" \
	grep_cmd "uptime:" tb_swanctl carol --stats
