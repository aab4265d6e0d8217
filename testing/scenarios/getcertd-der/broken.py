#!/usr/bin/env python3
"""Hand-broken copies of the DER files in DIR (cert.der, crl-revoked.der,
certrep.der, getcacert.der) and minimal bad encodings: each deviation
must fail der-check.py.

usage: broken.py DIR
"""

import sys
d = sys.argv[1]
def rd(n):
    return open('%s/%s' % (d, n), 'rb').read()
def wr(n, b):
    open('%s/%s' % (d, n), 'wb').write(b)
cert = rd('cert.der')
assert cert[1] == 0x82
# outer length in long form with a leading zero octet
wr('bad-length.der', b'\x30\x83\x00' + cert[2:])
crl = rd('crl-revoked.der')
wr('bad-trailing.der', crl + b'\x00')
rep = rd('certrep.der')
wr('bad-certrep.der', rep + b'\x05\x00')
ca = rd('getcacert.der')
wr('bad-cacert.der', b'\x30\x83\x00' + ca[2:])
wr('bad-integer.der', bytes.fromhex('3004020200 01'.replace(' ', '')))
wr('bad-boolean.der', bytes.fromhex('30030101 01'.replace(' ', '')))
wr('bad-set.der', bytes.fromhex('3106 020102 020101'.replace(' ', '')))
wr('bad-time.der', b'\x30\x0f\x17\x0d' + b'2601010000000')
wr('bad-bits.der', bytes.fromhex('30040302 0181'.replace(' ', '')))
wr('bad-octets.der', bytes.fromhex('3006 2404 04020000'.replace(' ', '')))
wr('empty-seq-crl.der', crl)
