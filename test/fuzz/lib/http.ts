/**
 * Sends one case over node:http (fetch refuses TRACE and rewrites some bodies) and renders the
 * request as a `curl` line that reproduces it against the same server.
 */
import http from 'node:http';

export interface WireRequest {
  readonly method: string;
  /** Absolute URL with the query string. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

export interface WireResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
  readonly ms: number;
}

/** `extra` headers are sent but are no part of the request as reported (the fuzzer's case id). */
export function send(req: WireRequest, extra: Record<string, string> = {}, timeoutMs = 30_000): Promise<WireResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers, ...extra };
    if (req.body) headers['content-length'] = req.body.byteLength;
    const r = http.request(req.url, { method: req.method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
      res.on('error', reject);
    });
    r.on('timeout', () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    if (req.body) r.write(req.body);
    r.end();
  });
}

/** Multipart fields (sent to the fuzzer as JSON text) → a real multipart body made by FormData. */
export async function multipart(fieldsJson: string): Promise<{ contentType: string; body: Uint8Array }> {
  let fields: Record<string, unknown> = {};
  try {
    const v = JSON.parse(fieldsJson) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) fields = v as Record<string, unknown>;
  } catch {
    // not JSON: no fields
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) continue;
    if (k === 'file' || k === 'files' || v === 'fuzz-bytes')
      form.append(k, new Blob(['fuzz upload\n'], { type: 'text/plain' }), 'fuzz.txt');
    else form.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
  }
  const res = new Response(form);
  return { contentType: res.headers.get('content-type')!, body: new Uint8Array(await res.arrayBuffer()) };
}

/** Shell-quotes with `$'…'` so NUL, CR/LF and quotes survive copy and paste. */
function shq(s: string): string {
  if (/^[A-Za-z0-9_./:=@%?&,+-]*$/.test(s)) return `'${s}'`;
  return `$'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/**
 * A curl line for the request. Credentials are shown as `$TOKEN` / `$API_KEY`: the fuzzer's own
 * are gone with its server; sign in as the harness does (test/fuzz/lib/targets.ts) to get fresh ones.
 */
export function curl(req: WireRequest): string {
  const parts = ['curl', '-sS', '-i', '-X', req.method, shq(req.url)];
  for (const [k, v] of Object.entries(req.headers)) {
    const shown = /^authorization$/i.test(k) ? 'Bearer $TOKEN' : /api-key/i.test(k) ? '$API_KEY' : v;
    parts.push('-H', shown.includes('$') ? `"${k}: ${shown}"` : shq(`${k}: ${shown}`));
  }
  if (req.body) {
    const text = Buffer.from(req.body).toString('utf8');
    const run = /(.)\1{199,}/s.exec(text);
    if (!run) parts.push('--data-binary', shq(text));
    else {
      // A long run of one character (the over-long string cases) is spelled out by the shell.
      const [prefix, suffix] = [text.slice(0, run.index), text.slice(run.index + run[0].length)];
      parts.push(
        '--data-binary',
        `@<(printf '%s' ${shq(prefix)}; head -c ${run[0].length} /dev/zero | tr '\\0' ${shq(run[1]!)}; printf '%s' ${shq(suffix)})`,
      );
    }
  }
  return parts.join(' ');
}
