# getcert test bed and packaging: apt helpers shared by testing/deps.sh
# and testing/build-debs.sh (sourced; they define log())
#
#   apt_update       apt-get update, once per run
#   add_deb_src      deb-src entries mirroring the configured Debian
#                    archives, unless apt already knows strongswan's source

apt_updated=
apt_update()
{
	if [ -z "$apt_updated" ]; then
		log "apt-get update"
		apt-get update -qq >/dev/null
		apt_updated=1
	fi
}

# add deb-src entries mirroring the configured Debian archives
add_deb_src()
{
	local out=/etc/apt/sources.list.d/getcert-deb-src.sources f
	if [ -f "$out" ] || apt-cache showsrc strongswan 2>/dev/null | grep -q '^Package:'; then
		return 0
	fi
	log "adding deb-src entries for the configured Debian archives"
	: > "$out.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && [ "$f" != "$out" ] || continue
		# copy each deb822 stanza of type deb that points to a Debian archive
		awk 'BEGIN { RS = ""; ORS = "\n\n" }
			/(^|\n)Types:[^\n]*deb/ && /(^|\n)URIs:[^\n]*debian/ {
				sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, "");
				print }' "$f" >> "$out.tmp"
	done
	if [ -f /etc/apt/sources.list ]; then
		sed -n 's/^deb \(.*debian.*\)$/deb-src \1/p' /etc/apt/sources.list \
			> /etc/apt/sources.list.d/getcert-deb-src.list
	fi
	mv "$out.tmp" "$out"
	apt_updated=
	apt_update
}
