#!/bin/bash
#
# Benchmark: one SCEP enrollment with getcert's engine (getcert-enroll)
# against micromdm's own scepclient, same scepserver, same run, in the test
# bed. Reports wall time per enrollment (median), HTTP requests and TLS
# handshakes per enrollment, and the ratio getcert / scepclient.
#
# usage: bench/enroll.sh [N]     (N enrollments per client and path, 20)
# Run as root after testing/build.sh (testing/test.sh does that).

set -u

N=${1:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TB_DIR=${GETCERT_LOGDIR:-$ROOT/build}/bench-enroll
rm -rf "$TB_DIR"
. "$ROOT/testing/testbed.sh"
. "$ROOT/testing/servers.sh"
trap tb_teardown EXIT
trap 'exit 130' INT TERM

ENROLL=$ROOT/build/src/getcert-enroll/getcert-enroll
[ -x "$ENROLL" ] || { echo "build first: testing/build.sh" >&2; exit 1; }

tb_net_up || exit 1
tb_pki || exit 1
tb_scepserver_start winnetou 8080 -challenge secret -allowrenew 0 || exit 1
tb_tls_server_cert winnetou winnetou.strongswan.org 192.168.0.150 || exit 1
tb_htpasswd "$TB_DIR/winnetou/htpasswd" carol carol-pw || exit 1
tb_nginx_start winnetou 443 http://127.0.0.1:8080 \
	"$TB_DIR/winnetou/htpasswd" || exit 1
C=$TB_DIR/carol
(umask 077; echo carol-pw > "$C/password"; echo secret > "$C/challenge")
SCEP_LOG=$TB_DIR/winnetou/scepserver.log

now_ms()
{
	echo $(( $(date +%s%N) / 1000000 ))
}

# keys are made ahead, so that both clients certify the same kind of key
# and key generation (random prime search) does not blur the comparison
for i in $(seq "$N"); do
	openssl genrsa -traditional -out "$C/bench-key-$i.pem" 2048 2>/dev/null ||
		exit 1
done

# one enrollment: <client> <path> <i>, runs in carol, files in a fresh dir
enroll_once()
{
	local client=$1 path=$2 dir=$C/$1-$2-$3
	mkdir -p "$dir"
	cp "$C/bench-key-$3.pem" "$dir/key.pem"
	case "$client-$path" in
		getcert-http)
			tb_exec carol "$ENROLL" --url http://winnetou.strongswan.org:8080/scep \
				--plain-http --ca-cert "$TB_SCEP_CA" --challenge-file "$C/challenge" \
				--allow-sha1 --allow-des \
				--identity carol@strongswan.org --key "$dir/key.pem" \
				--out-key "$dir/key.pem" --out-cert "$dir/cert.pem" --replace ;;
		getcert-https)
			tb_exec carol "$ENROLL" --url https://winnetou.strongswan.org/scep \
				--tls-ca "$TB_DIR/pki/caCert.pem" --ca-cert "$TB_SCEP_CA" \
				--allow-sha1 --allow-des --user carol --password-file "$C/password" --challenge-file "$C/challenge" \
				--identity carol@strongswan.org --key "$dir/key.pem" \
				--out-key "$dir/key.pem" --out-cert "$dir/cert.pem" --replace ;;
		scepclient-http)
			tb_exec carol scepclient \
				-server-url http://winnetou.strongswan.org:8080/scep \
				-challenge secret -cn carol \
				-private-key "$dir/key.pem" -certificate "$dir/cert.pem" ;;
		scepclient-https)
			tb_exec carol env SSL_CERT_FILE="$TB_DIR/pki/caCert.pem" scepclient \
				-server-url https://carol:carol-pw@winnetou.strongswan.org/scep \
				-challenge secret -cn carol \
				-private-key "$dir/key.pem" -certificate "$dir/cert.pem" ;;
	esac > "$dir/out.log" 2>&1 && test -s "$dir/cert.pem"
}

median()
{
	sort -n | awk '{ v[NR] = $1 }
		END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
			  print int(m) }'
}

declare -A MS REQ CONN
for path in http https; do
	for client in scepclient getcert; do
		times=()
		req0=$(grep -c 'caller=endpoint.go' "$SCEP_LOG")
		ng0=$(wc -l < "$TB_NGINX_LOG")
		hs0=$(grep -c 'conn_reqs=1 .*tls_reused=\.' "$TB_NGINX_LOG")
		for i in $(seq "$N"); do
			t0=$(now_ms)
			enroll_once "$client" "$path" "$i" ||
				{ echo "FAIL: $client over $path, run $i:" >&2;
				  cat "$C/$client-$path-$i/out.log" >&2; exit 1; }
			times+=($(( $(now_ms) - t0 )))
		done
		MS[$client-$path]=$(printf '%s\n' "${times[@]}" | median)
		if [ $path = https ]; then
			REQ[$client-$path]=$(awk -v a="$(( $(wc -l < "$TB_NGINX_LOG") - ng0 ))" \
				-v n="$N" 'BEGIN { printf "%.1f", a / n }')
			CONN[$client-$path]=$(awk -v a="$(( $(grep -c 'conn_reqs=1 .*tls_reused=\.' "$TB_NGINX_LOG") - hs0 ))" \
				-v n="$N" 'BEGIN { printf "%.1f", a / n }')
		else
			REQ[$client-$path]=$(awk -v a="$(( $(grep -c 'caller=endpoint.go' "$SCEP_LOG") - req0 ))" \
				-v n="$N" 'BEGIN { printf "%.1f", a / n }')
			CONN[$client-$path]="-"
		fi
	done
done

echo
echo "SCEP enrollment, $N runs each, RSA 2048, micromdm scepserver on winnetou"
printf '%-28s %12s %14s %16s\n' "client / path" "median ms" "HTTP requests" "TLS handshakes"
for path in http https; do
	for client in scepclient getcert; do
		printf '%-28s %12s %14s %16s\n' "$client / $path" "${MS[$client-$path]}" \
			"${REQ[$client-$path]}" "${CONN[$client-$path]}"
	done
done
for path in http https; do
	awk -v g="${MS[getcert-$path]}" -v s="${MS[scepclient-$path]}" -v p="$path" \
		'BEGIN { printf "ratio getcert/scepclient wall time over %s: %.2f\n", p, (s ? g / s : 0) }'
done
echo "(wall time of the whole command, process start included, keys made"
echo " ahead; requests over https include getcert's 401 round, scepclient"
echo " sends its credentials preemptively)"
