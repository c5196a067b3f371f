/**
 * RSA signing key pairs with self-signed X.509 certificates (@peculiar/x509 over node's WebCrypto),
 * for a SAML service provider that was given no key of its own: the certificate goes into the SP
 * metadata, the private key signs AuthnRequests. PEM in, PEM out.
 */
// @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface SigningPair {
  readonly privateKeyPem: string;
  readonly certificatePem: string;
}

/** A new key pair and a certificate for `commonName`, valid for `years` from now. */
export async function newSigningPair(commonName: string, years = 10): Promise<SigningPair> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: `CN=${commonName.replace(/[,+="<>#;\\]/g, ' ').slice(0, 64)}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + years * YEAR_MS),
    signingAlgorithm: ALG,
    keys: keys as unknown as CryptoKeyPair,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
  return { privateKeyPem, certificatePem: cert.toString('pem') };
}

/** The base64 body of a PEM certificate (what SAML metadata and most IdP consoles show), or a bare base64 certificate as given. */
export function certificateBody(pemOrBase64: string): string {
  return pemOrBase64.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** Whether the text is an X.509 certificate (PEM or bare base64 DER) that node can read. */
export function isCertificate(text: string): boolean {
  try {
    new x509.X509Certificate(Buffer.from(certificateBody(text), 'base64'));
    return true;
  } catch {
    return false;
  }
}
