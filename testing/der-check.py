#!/usr/bin/python3
#
# der-check.py [--cert|--crl|--crl-no-revoked|--any] FILE...: fail on any
# deviation from DER (X.690 clause 10/11) in what getcertd emits.
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
# not empty, when nothing is revoked). Exit status 0 if all files are
# clean, 1 otherwise.

import re
import sys

from cryptography import x509

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


def check_file(name, kind):
    with open(name, 'rb') as f:
        data = f.read()
    elems = walk(data)
    if len(elems) != 1:
        raise DerError('%d top-level elements (trailing bytes?)' %
                       len(elems))
    if kind == 'cert':
        x509.load_der_x509_certificate(data)
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
        if arg in ('--cert', '--crl', '--any', '--crl-no-revoked'):
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
        print('usage: der-check.py [--cert|--crl|--crl-no-revoked|--any] '
              'FILE...')
        return 2
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
