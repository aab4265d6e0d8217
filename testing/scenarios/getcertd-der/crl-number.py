#!/usr/bin/env python3
"""Print the CRLNumber of a DER CRL.

usage: crl-number.py CRL.der
"""

import sys
from cryptography import x509
c = x509.load_der_x509_crl(open(sys.argv[1], 'rb').read())
n = c.extensions.get_extension_for_class(x509.CRLNumber)
print(n.value.crl_number)
