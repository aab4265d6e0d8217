#!/usr/bin/python3
#
# der-check.py [--cert|--crl|--crl-no-revoked|--csr|--cms|--any] FILE...:
# fail on any deviation from DER (X.690 clause 10/11) in what getcertd and
# the client emit.
#
# Every file gets a generic strict walker: definite, minimal lengths; no
# trailing bytes; minimal INTEGER/ENUMERATED; BOOLEAN 0x00/0xFF; NULL empty;
# no constructed string types; BIT STRING unused bits in range and zero;
# minimal OID subidentifiers; elements of every SET sorted by encoding;
# UTCTime/GeneralizedTime in DER form ending in Z. OCTET STRING and BIT
# STRING contents that parse as DER (extensions, encapsulated CMS content,
# keys) are walked as well. --cert and --crl also load the file with
# python3-cryptography, whose Rust parser refuses non-DER certificates and
# CRLs. --crl-no-revoked checks a CRL as --crl does and that its
# TBSCertList has no revokedCertificates field (RFC 5280 5.1.2.6: absent,
# not empty, when nothing is revoked). The generic walker cannot know
# that an IMPLICIT tagged element is a SET OF, so --csr and --cms check
# those by structure: --csr loads a PKCS#10 request with
# python3-cryptography (which refuses unsorted attributes) and checks its
# signature and that its attributes [0] are sorted; --cms checks a
# ContentInfo: for SignedData that certificates [0], crls [1], every
# signedAttrs [0] and unsignedAttrs [1] are sorted, and that each signer's
# signature verifies over its signedAttrs as sent (re-tagged as SET, RFC
# 5652 5.4, so the form that is signed is the sorted one) with a
# certificate of the message. Exit status 0 if all files are clean, 1
# otherwise.

import re
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

UNIVERSAL_STRINGS = {12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30}
UTC = re.compile(rb'^[0-9]{12}Z$')
GEN = re.compile(rb'^[0-9]{14}(\.[0-9]*[1-9])?Z$')


class DerError(Exception):
    pass


def header(data, pos, path):
    """Parse identifier and length at pos: (tag class, constructed, tag
    number, content start, content end)"""
    if pos >= len(data):
        raise DerError('%s: truncated identifier' % path)
    ident = data[pos]
    cls, cons, num = ident >> 6, bool(ident & 0x20), ident & 0x1f
    pos += 1
    if num == 0x1f:
        num = 0
        first = True
        while True:
            if pos >= len(data):
                raise DerError('%s: truncated tag' % path)
            b = data[pos]
            pos += 1
            if first and b == 0x80:
                raise DerError('%s: non-minimal tag number' % path)
            first = False
            num = (num << 7) | (b & 0x7f)
            if not b & 0x80:
                break
        if num < 0x1f:
            raise DerError('%s: high tag form for a low tag' % path)
    if pos >= len(data):
        raise DerError('%s: truncated length' % path)
    b = data[pos]
    pos += 1
    if b == 0x80:
        raise DerError('%s: indefinite length' % path)
    if b & 0x80:
        n = b & 0x7f
        if n == 0x7f or pos + n > len(data):
            raise DerError('%s: truncated long length' % path)
        raw = data[pos:pos + n]
        pos += n
        if raw[0] == 0:
            raise DerError('%s: length with leading zero octets' % path)
        length = int.from_bytes(raw, 'big')
        if length < 0x80:
            raise DerError('%s: long form for a short length %d' %
                           (path, length))
    else:
        length = b
    if pos + length > len(data):
        raise DerError('%s: length %d beyond the end' % (path, length))
    return cls, cons, num, pos, pos + length


def parses(data):
    """Whether data is a sequence of well-formed TLVs (structure only)"""
    try:
        pos = 0
        while pos < len(data):
            _, cons, _, start, end = header(data, pos, '')
            if cons and not parses(data[start:end]):
                return False
            pos = end
        return len(data) > 0
    except (DerError, RecursionError):
        return False


def check_primitive(num, cons, content, path):
    if num in (1, 2, 3, 4, 5, 6, 10, 23, 24) or num in UNIVERSAL_STRINGS:
        if cons:
            raise DerError('%s: constructed encoding of universal tag %d' %
                           (path, num))
    if num == 1:
        if len(content) != 1 or content[0] not in (0x00, 0xff):
            raise DerError('%s: BOOLEAN not 0x00/0xFF' % path)
    elif num in (2, 10):
        if not content:
            raise DerError('%s: empty INTEGER' % path)
        if len(content) > 1 and (
                (content[0] == 0x00 and content[1] < 0x80) or
                (content[0] == 0xff and content[1] >= 0x80)):
            raise DerError('%s: non-minimal INTEGER' % path)
    elif num == 3:
        if not content or content[0] > 7:
            raise DerError('%s: BIT STRING unused bits invalid' % path)
        unused = content[0]
        if len(content) == 1 and unused:
            raise DerError('%s: empty BIT STRING with unused bits' % path)
        if unused and content[-1] & ((1 << unused) - 1):
            raise DerError('%s: BIT STRING unused bits not zero' % path)
    elif num == 5:
        if content:
            raise DerError('%s: NULL with content' % path)
    elif num == 6:
        if not content or content[-1] & 0x80:
            raise DerError('%s: truncated OID' % path)
        start = True
        for b in content:
            if start and b == 0x80:
                raise DerError('%s: non-minimal OID subidentifier' % path)
            start = not b & 0x80
    elif num == 23:
        if not UTC.match(content):
            raise DerError('%s: UTCTime not YYMMDDHHMMSSZ: %r' %
                           (path, content))
    elif num == 24:
        if not GEN.match(content):
            raise DerError('%s: GeneralizedTime not DER: %r' %
                           (path, content))


def walk(data, path='', depth=0):
    """Strictly walk a concatenation of TLVs filling data exactly; return
    the list of element encodings"""
    if depth > 64:
        raise DerError('%s: nested too deep' % path)
    elems = []
    pos = 0
    i = 0
    while pos < len(data):
        cls, cons, num, start, end = header(data, pos, path)
        here = '%s/%d' % (path, i)
        content = data[start:end]
        if cls == 0:
            check_primitive(num, cons, content, here)
            if num == 17 and not cons:
                raise DerError('%s: primitive SET' % here)
            if num == 16 and not cons:
                raise DerError('%s: primitive SEQUENCE' % here)
        if cons:
            children = walk(content, here, depth + 1)
            if cls == 0 and num == 17 and children != sorted(children):
                raise DerError('%s: SET elements not sorted' % here)
        elif cls == 0 and num == 4 and content[:1] in (b'\x30', b'\x31') \
                and parses(content):
            walk(content, here + '(octets)', depth + 1)
        elif cls == 0 and num == 3 and content[:1] == b'\x00' and \
                content[1:2] == b'\x30' and parses(content[1:]):
            walk(content[1:], here + '(bits)', depth + 1)
        elems.append(data[pos:end])
        pos = end
        i += 1
    return elems


def children(tlv, path):
    """Element encodings inside a constructed TLV"""
    _, cons, _, start, end = header(tlv, 0, path)
    if not cons:
        raise DerError('%s: not constructed' % path)
    return walk(tlv[start:end], path)


def check_sorted(tlv, path):
    """An IMPLICIT tagged SET OF: elements sorted by encoding"""
    elems = children(tlv, path)
    if elems != sorted(elems):
        raise DerError('%s: SET OF elements not sorted' % path)


def check_csr(data):
    csr = x509.load_der_x509_csr(data)
    list(csr.attributes)
    if not csr.is_signature_valid:
        raise DerError('signature of the request does not verify')
    info = children(data, 'csr')[0]
    fields = children(info, 'csr/info')
    if len(fields) != 4 or fields[3][0] != 0xa0:
        raise DerError('csr/info: no attributes [0]')
    check_sorted(fields[3], 'csr/info/attributes')


OIDS_HASH = {
    bytes.fromhex('608648016503040201'): hashes.SHA256(),
    bytes.fromhex('608648016503040202'): hashes.SHA384(),
    bytes.fromhex('608648016503040203'): hashes.SHA512(),
    bytes.fromhex('2b0e03021a'): hashes.SHA1(),
}


def oid_of(alg, path):
    """OID content octets of an AlgorithmIdentifier"""
    first = children(alg, path)[0]
    _, _, _, start, end = header(first, 0, path)
    return first[start:end]


def check_signed_data(sd, path):
    fields = children(sd, path)
    certs = []
    pos = 3
    if pos < len(fields) and fields[pos][0] == 0xa0:
        check_sorted(fields[pos], path + '/certificates')
        certs = [x509.load_der_x509_certificate(c)
                 for c in children(fields[pos], path + '/certificates')]
        pos += 1
    if pos < len(fields) and fields[pos][0] == 0xa1:
        check_sorted(fields[pos], path + '/crls')
        pos += 1
    for i, si in enumerate(children(fields[pos], path + '/signerInfos')):
        here = '%s/signerInfo%d' % (path, i)
        parts = children(si, here)
        if parts[-1][0] == 0xa1:
            check_sorted(parts[-1], here + '/unsignedAttrs')
        if parts[3][0] != 0xa0:
            continue
        attrs = parts[3]
        check_sorted(attrs, here + '/signedAttrs')
        signed = b'\x31' + attrs[1:]
        algo = OIDS_HASH.get(oid_of(parts[2], here))
        _, _, _, start, end = header(parts[5], 0, here)
        sig = parts[5][start:end]
        if algo is None:
            raise DerError('%s: unknown digest algorithm' % here)
        for cert in certs:
            key = cert.public_key()
            try:
                if isinstance(key, rsa.RSAPublicKey):
                    key.verify(sig, signed, padding.PKCS1v15(), algo)
                else:
                    key.verify(sig, signed, ec.ECDSA(algo))
                break
            except Exception:
                continue
        else:
            raise DerError('%s: signature over the signedAttrs as sent '
                           'does not verify' % here)


def check_cms(data):
    oid, content = children(data, 'cms')
    _, _, _, start, end = header(oid, 0, 'cms')
    if oid[start:end] == bytes.fromhex('2a864886f70d010702'):
        check_signed_data(children(content, 'cms/content')[0],
                          'cms/signedData')
    elif oid[start:end] != bytes.fromhex('2a864886f70d010703'):
        raise DerError('cms: neither SignedData nor EnvelopedData')


def check_file(name, kind):
    with open(name, 'rb') as f:
        data = f.read()
    elems = walk(data)
    if len(elems) != 1:
        raise DerError('%d top-level elements (trailing bytes?)' %
                       len(elems))
    if kind == 'cert':
        x509.load_der_x509_certificate(data)
    elif kind == 'csr':
        check_csr(data)
    elif kind == 'cms':
        check_cms(data)
    elif kind in ('crl', 'crl-no-revoked'):
        x509.load_der_x509_crl(data)
    if kind == 'crl-no-revoked':
        _, _, _, start, end = header(data, 0, '')
        tbs = walk(data[start:end])[0]
        _, _, _, start, end = header(tbs, 0, '')
        fields = walk(tbs[start:end])
        # version, signature, issuer, thisUpdate, [nextUpdate]
        pos = 4 if fields[0][0] == 0x02 else 3
        if len(fields) > pos and fields[pos][0] in (0x17, 0x18):
            pos += 1
        if len(fields) > pos and fields[pos][0] == 0x30:
            raise DerError('revokedCertificates present (%d bytes)' %
                           len(fields[pos]))


def main(argv):
    kind = 'any'
    failed = 0
    files = 0
    for arg in argv:
        if arg in ('--cert', '--crl', '--any', '--crl-no-revoked', '--csr',
                   '--cms'):
            kind = arg[2:]
            continue
        files += 1
        try:
            check_file(arg, kind)
            print('%s: DER ok (%s)' % (arg, kind))
        except Exception as e:
            print('%s: NOT DER (%s): %s' % (arg, kind, e))
            failed += 1
    if not files:
        print('usage: der-check.py [--cert|--crl|--crl-no-revoked|--csr|'
              '--cms|--any] FILE...')
        return 2
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
