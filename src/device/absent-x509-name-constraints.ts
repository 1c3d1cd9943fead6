/**
 * Stands in for src/x509/name-constraints.ts in the Espruino bundle, which does not check
 * RFC 5280 name constraints (Mbed TLS 3.6, the reference device's stack, does not either).
 * It fails closed: Mbed TLS does not know the extension, so a critical one makes the
 * certificate unparseable (MBEDTLS_ERR_X509_INVALID_EXTENSIONS), as here; a non-critical
 * one Mbed TLS ignores, which would accept a chain its CA meant to refuse: here any path
 * through a certificate that carries one fails verification with BADCERT_OTHER.
 */
import { MicroTlsError } from '../errors.js';
import type { Certificate } from '../x509/certificate.js';
import type { DerNode } from '../x509/der.js';
import type { NameConstraints } from '../x509/extensions.js';

const NOT_CHECKED = 'nameConstraints: this build does not check name constraints (use the Node or XS build)';

export function parseNameConstraints(_v: DerNode, critical: boolean): NameConstraints {
  if (critical) throw new MicroTlsError('X509_INVALID_EXTENSIONS', `critical ${NOT_CHECKED}`);
  return { permitted: [], excluded: [] };
}

export function nameConstraintProblem(path: readonly Certificate[]): string | undefined {
  const c = path.find((x) => x.extensions.nameConstraints);
  return c && `'${c.subject.toString()}': ${NOT_CHECKED}`;
}
