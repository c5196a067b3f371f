/**
 * The IdP's browser posts the SAML response form-encoded (HTTP-POST binding), a body the app does not
 * parse (it reads JSON and, inside actions, multipart). This mounts a urlencoded parser for the ACS
 * path only, ahead of the generated route, which then validates `SAMLResponse` / `RelayState` as usual.
 */
import express, { type Application } from 'express';

/** SAML responses with certificates and attributes stay well under this. */
const LIMIT = '2mb';

export function mountSamlForm(app: Application, base: string): void {
  app.post(`${base}/auth/saml/:provider/acs`, express.urlencoded({ extended: false, limit: LIMIT }));
}
