#!/usr/bin/env python3
"""client-der's helpers on der-check.py's walker:

usage: client.py DER-CHECK envelope DIR N
       client.py DER-CHECK swap IN OUT csr|cms

  envelope: take the envelope out of the SignedData DIR/N.der, write it as
    N-envelope.der, decrypt it with python3-cryptography and compare with
    what the CA read (N-content.der)
  swap: swap the first two elements of the attributes of a request or of
    the signed attributes of a PKIMessage
"""
import importlib.util, sys
from cryptography import x509
from cryptography.hazmat.primitives.serialization import load_der_private_key
from cryptography.hazmat.primitives.serialization import pkcs7
spec = importlib.util.spec_from_file_location('dercheck', sys.argv[1])
dc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dc)
def signer_info(msg):
    sd = dc.children(dc.children(msg, 'm')[1], 'm')[0]
    return sd, dc.children(dc.children(sd, 'sd')[-1], 'sis')[0]
def envelope(d, n):
    msg = open('%s/%s.der' % (d, n), 'rb').read()
    sd, _ = signer_info(msg)
    encap = dc.children(dc.children(sd, 'sd')[2], 'encap')
    octets = dc.children(encap[1], 'encap')[0]
    _, _, _, start, end = dc.header(octets, 0, 'encap')
    env = octets[start:end]
    open('%s/%s-envelope.der' % (d, n), 'wb').write(env)
    cert = x509.load_der_x509_certificate(
        open(d + '/recipient.der', 'rb').read())
    key = load_der_private_key(
        open(d + '/recipient-key.der', 'rb').read(), None)
    plain = pkcs7.pkcs7_decrypt_der(env, cert, key, [])
    if plain != open('%s/%s-content.der' % (d, n), 'rb').read():
        sys.exit('%s: decrypted content differs' % n)
def swap(src, out, kind):
    data = open(src, 'rb').read()
    if kind == 'csr':
        info = dc.children(data, 'csr')[0]
        attrs = dc.children(info, 'info')[3]
    else:
        attrs = dc.children(signer_info(data)[1], 'si')[3]
    a, b = dc.children(attrs, 'set')[:2]
    at = data.index(a + b)
    open(out, 'wb').write(data[:at] + b + a + data[at + len(a) + len(b):])
globals()[sys.argv[2]](*sys.argv[3:])
