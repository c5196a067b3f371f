/**
 * What the app's routes say about a path, read from Express's own router stack: the methods the path
 * answers (for `405 Method Not Allowed` with `Allow`) and the path parameters it binds (so a refused
 * path can name its parameter). Only consulted for requests that already failed, so walking the
 * stack costs nothing on the hot path.
 */

type Match = false | { readonly path: string; readonly params: Readonly<Record<string, unknown>> };

interface LayerLike {
  readonly slash?: boolean;
  readonly matchers?: readonly ((path: string) => Match)[];
  readonly route?: { readonly methods: Readonly<Record<string, boolean>> };
  readonly handle?: { readonly stack?: readonly LayerLike[] };
}

export interface PathRoutes {
  /** Upper-case methods the path answers (HEAD with GET); empty when no route matches. */
  readonly methods: ReadonlySet<string>;
  /** Some route answers every method (`router.all`). */
  readonly anyMethod: boolean;
  /** The parameters each matching route binds, decoded. */
  readonly params: readonly Readonly<Record<string, unknown>>[];
}

function matchOf(layer: LayerLike, path: string): Match {
  for (const m of layer.matchers ?? []) {
    try {
      const hit = m(path);
      if (hit) return hit;
    } catch {
      // A malformed %-escape in the path: this layer does not match it.
    }
  }
  return false;
}

function walk(
  stack: readonly LayerLike[],
  path: string,
  out: { methods: Set<string>; anyMethod: boolean; params: Record<string, unknown>[] },
  depth: number,
) {
  if (depth > 16) return;
  for (const layer of stack) {
    if (layer.route) {
      const hit = matchOf(layer, path);
      if (!hit) continue;
      out.params.push({ ...hit.params });
      for (const [method, on] of Object.entries(layer.route.methods)) {
        if (!on) continue;
        if (method === '_all') out.anyMethod = true;
        else out.methods.add(method.toUpperCase());
      }
      continue;
    }
    const nested = layer.handle?.stack;
    if (!Array.isArray(nested)) continue;
    // A router mounted without a path (`use(router)`) sees the whole path; one mounted on a prefix, the rest.
    let rest = path;
    if (!layer.slash) {
      const hit = matchOf(layer, path);
      if (!hit) continue;
      rest = path.slice(hit.path.length);
      if (!rest.startsWith('/')) rest = `/${rest}`;
    }
    walk(nested, rest, out, depth + 1);
  }
}

/** The routes of `stack` (an Express app's `app.router.stack`) that match `path`. */
export function routesFor(stack: readonly unknown[], path: string): PathRoutes {
  const out = { methods: new Set<string>(), anyMethod: false, params: [] as Record<string, unknown>[] };
  walk(stack as readonly LayerLike[], path, out, 0);
  if (out.methods.has('GET')) out.methods.add('HEAD');
  return out;
}

/** The `Allow` header for a path's methods; OPTIONS is always answered (Express answers it for every route). */
export function allowHeader(methods: ReadonlySet<string>): string {
  return [...new Set([...methods, 'OPTIONS'])].sort().join(', ');
}
