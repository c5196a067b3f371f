/** oidc-provider ships no type declarations; the OIDC tests use only its constructor and `callback()`. */
declare module 'oidc-provider' {
  export default class Provider {
    constructor(issuer: string, configuration?: Record<string, unknown>);
    callback(): (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
  }
}
