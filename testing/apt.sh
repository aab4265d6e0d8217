# getcert test bed and packaging: apt helpers shared by testing/deps.sh
# and testing/build-debs.sh (sourced; they define log())
#
#   apt_update       apt-get update, once per run
#   apt_install_missing <package...>
#                    install those of the packages that are not installed
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

apt_install_missing()
{
	local missing=() p
	for p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		apt_update
		log "installing ${missing[*]}"
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
