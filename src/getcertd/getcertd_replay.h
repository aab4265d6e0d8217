/*
 * Copyright (C) 2026 getcert developers
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version.  See <http://www.fsf.org/copyleft/gpl.txt>.
 *
 * This program is distributed in the hope that it will be useful, but
 * WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
 * or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License
 * for more details.
 */

/**
 * @defgroup getcertd_replay getcertd_replay
 * @{ @ingroup getcertd
 */

#ifndef GETCERTD_REPLAY_H_
#define GETCERTD_REPLAY_H_

#include <library.h>
#include <credentials/certificates/certificate.h>

/**
 * Digest identifying a SCEP request for the detection of retransmissions:
 * what the CSR asks for (its certificationRequestInfo: subject, key and
 * attributes, not its signature, which ECDSA makes different each time)
 * and, for a request signed with a certificate ca issued (a renewal, or a
 * PKCSReq with an expired one), that certificate: a request signed by
 * another of ours is another request. Any other signer is left out:
 * clients such as pki --scep make it afresh for every run, with a
 * notBefore of the current second, so a retransmission of the same
 * request in a later second carries another one.
 *
 * @param csr			PKCS#10 request
 * @param signer		certificate the request is signed with
 * @param ca			our CA certificate
 * @return				allocated SHA-256 digest, chunk_empty on failure
 */
chunk_t getcertd_replay_request_id(certificate_t *csr, certificate_t *signer,
								   certificate_t *ca);

#endif /** GETCERTD_REPLAY_H_ @}*/
