/** loopgen's version: in every generated file's header and `loopgen --version` (a module of its own, so the CLI starts without loading the emitters). */
export const LOOPGEN_VERSION = '0.1.0';
