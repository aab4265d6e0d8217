#!/usr/bin/python3
#
# split.py HEADERS BODY DIR: split a multipart/mixed /serverkeygen answer
# (curl -D HEADERS -o BODY) into DIR/key.der (first part) and DIR/certs.der
# (second part), base64 decoded; print the parts' Content-Types, comma
# separated. Fails unless there are exactly two parts, each base64.

import email
import email.policy
import os
import sys

ctype = None
for line in open(sys.argv[1], 'rb').read().decode('latin-1').splitlines():
    if line.lower().startswith('content-type:'):
        ctype = line.split(':', 1)[1].strip()
if not ctype or not ctype.startswith('multipart/mixed'):
    sys.exit('not multipart/mixed: %s' % ctype)
msg = email.message_from_bytes(b'Content-Type: ' + ctype.encode() +
                               b'\r\n\r\n' + open(sys.argv[2], 'rb').read(),
                               policy=email.policy.compat32)
parts = msg.get_payload()
if not isinstance(parts, list) or len(parts) != 2:
    sys.exit('not two parts')
os.makedirs(sys.argv[3], exist_ok=True)
types = []
for part, name in zip(parts, ('key.der', 'certs.der')):
    if part.get('Content-Transfer-Encoding', '').lower() != 'base64':
        sys.exit('part not base64')
    with open(os.path.join(sys.argv[3], name), 'wb') as f:
        f.write(part.get_payload(decode=True))
    types.append(part.get('Content-Type'))
print(','.join(types))
