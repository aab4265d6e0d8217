#!/usr/bin/python3
#
# csr.py KEY USER none|adki|foreign: a DER PKCS#10 request of the PEM RSA
# key KEY for USER's names, with an AsymmetricDecryptKeyIdentifier
# (1.2.840.113549.1.9.16.2.54, RFC 7030 4.4.1.2) naming the key itself
# (adki), another key (foreign), or none, on stdout. openssl req can only
# write string attributes, this one is an OCTET STRING.

import hashlib
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID, ObjectIdentifier

ADKI = ObjectIdentifier('1.2.840.113549.1.9.16.2.54')


def ski(public):
    """SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280
    4.2.1.2 method 1): the RSAPublicKey"""
    return hashlib.sha1(public.public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.PKCS1)).digest()


key = serialization.load_pem_private_key(open(sys.argv[1], 'rb').read(), None)
user, mode = sys.argv[2], sys.argv[3]
builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
    x509.NameAttribute(NameOID.COUNTRY_NAME, 'CH'),
    x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'getcert test'),
    x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, 'remote'),
    x509.NameAttribute(NameOID.COMMON_NAME, user),
])).add_extension(x509.SubjectAlternativeName(
    [x509.RFC822Name(user + '@strongswan.org')]), critical=False)
if mode == 'adki':
    builder = builder.add_attribute(ADKI, ski(key.public_key()),
                                    _tag=_ASN1Type.OctetString)
elif mode == 'foreign':
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = builder.add_attribute(ADKI, ski(other.public_key()),
                                    _tag=_ASN1Type.OctetString)
csr = builder.sign(key, hashes.SHA256())
sys.stdout.buffer.write(csr.public_bytes(serialization.Encoding.DER))
