#!/usr/bin/python3
#
# unwrap.py PKG OUT: the one OneAsymmetricKey of a DER AsymmetricKeyPackage
# (RFC 5958: SEQUENCE OF OneAsymmetricKey) to OUT, a PKCS#8 PrivateKeyInfo
# openssl reads; fails unless PKG holds exactly one.

import sys


def tlv(data):
    """tag, header length, total length of the first element"""
    if len(data) < 2:
        sys.exit('truncated')
    n = data[1]
    if n < 0x80:
        return data[0], 2, 2 + n
    k = n & 0x7f
    return data[0], 2 + k, 2 + k + int.from_bytes(data[2:2 + k], 'big')


pkg = open(sys.argv[1], 'rb').read()
tag, hdr, total = tlv(pkg)
if tag != 0x30 or total != len(pkg):
    sys.exit('not a SEQUENCE')
inner = pkg[hdr:]
tag, hdr, total = tlv(inner)
if tag != 0x30 or total != len(inner):
    sys.exit('not exactly one OneAsymmetricKey')
open(sys.argv[2], 'wb').write(inner)
print('one key')
