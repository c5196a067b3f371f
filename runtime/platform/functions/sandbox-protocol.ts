/** Messages between the server and the sandbox host process (./sandbox.ts ⇄ ./sandbox-host.ts). */

export interface SandboxRequest {
  readonly id: number;
  /** The function body (`async function (input, context) { <code> }`). */
  readonly code: string;
  /** JSON text of the invocation's input and context: only text crosses into the isolate. */
  readonly input: string;
  readonly context: string;
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

export interface SandboxLog {
  readonly level: string;
  readonly message: string;
}

/**
 * ok: returned `output`; error: the function threw (`name`, `message`); syntax: the code does not
 * compile; timeout / memory: a limit ended it; output: the result was too large; crashed: the host died.
 */
export type SandboxOutcome = 'ok' | 'error' | 'syntax' | 'timeout' | 'memory' | 'output' | 'crashed';

export interface SandboxReply {
  readonly id: number;
  readonly kind: SandboxOutcome;
  readonly output?: unknown;
  readonly name?: string;
  readonly message?: string;
  readonly logs: readonly SandboxLog[] | readonly unknown[];
  readonly truncated: boolean;
  readonly durationMs: number;
}

/** Set in the host's environment: the module answers IPC requests only when it is the forked host. */
export const HOST_MARKER = 'LOOPGEN_SANDBOX_HOST';
