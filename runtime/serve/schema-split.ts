/**
 * The OpenAPI document cut per catalogue module, so docs pages and the API root can work with one
 * module at a time (LOOP's whole document is ~3 MB: browsers freeze rendering it at once).
 * A module is an operation tag whose description reads "Module `name` …" (generator/emit/openapi).
 */
type Json = Record<string, unknown>;

export interface DocModule {
  /** Catalogue module name, e.g. `booking`. */
  readonly name: string;
  /** Its tag, e.g. `Booking`. */
  readonly tag: string;
  readonly operations: number;
  /** Paths (as in the document) whose GET lists a collection: no path parameters. */
  readonly collections: readonly string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(doc: Json): { path: string; method: string; op: Json }[] {
  const out: { path: string; method: string; op: Json }[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) if (item[method]) out.push({ path, method, op: item[method] as Json });
  }
  return out;
}

export function docModules(doc: unknown): DocModule[] {
  const d = doc as Json;
  const tags = ((d.tags ?? []) as { name: string; description?: string }[]).map((t) => ({
    tag: t.name,
    name: /Module `([^`]+)`/.exec(t.description ?? '')?.[1] ?? t.name.toLowerCase(),
  }));
  const ops = operations(d);
  return tags
    .map(({ tag, name }) => {
      const mine = ops.filter((o) => ((o.op.tags ?? []) as string[]).includes(tag));
      const collections = [...new Set(mine.filter((o) => o.method === 'get' && !o.path.includes('{')).map((o) => o.path))].sort();
      return { name, tag, operations: mine.length, collections };
    })
    .filter((m) => m.operations > 0)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The document restricted to one module's operations and the components they reach; null for an unknown module. */
export function moduleDocument(doc: unknown, module: string): Json | null {
  const d = doc as Json;
  const m = docModules(d).find((x) => x.name === module);
  if (!m) return null;
  const paths: Record<string, Json> = {};
  for (const [path, item] of Object.entries((d.paths ?? {}) as Record<string, Json>)) {
    const kept: Json = {};
    for (const [k, v] of Object.entries(item)) {
      if (!METHODS.includes(k)) kept[k] = v;
      else if (((v as Json).tags as string[] | undefined)?.includes(m.tag)) kept[k] = v;
    }
    if (Object.keys(kept).some((k) => METHODS.includes(k))) paths[path] = kept;
  }
  const components = (d.components ?? {}) as Record<string, Record<string, unknown>>;
  const used: Record<string, Record<string, unknown>> = {};
  // Security schemes are named by requirements, not $ref: keep them all (they are few).
  if (components.securitySchemes) used.securitySchemes = components.securitySchemes;
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/') && !seen.has(v)) {
        seen.add(v);
        const [, , kind, ...rest] = v.split('/');
        const name = rest.join('/').replace(/~1/g, '/').replace(/~0/g, '~');
        const target = components[kind!]?.[name];
        if (target !== undefined) {
          (used[kind!] ??= {})[name] = target;
          walk(target);
        }
      } else walk(v);
    }
  };
  walk(paths);
  const sorted: Record<string, Record<string, unknown>> = {};
  for (const kind of Object.keys(used).sort()) {
    sorted[kind] = Object.fromEntries(
      Object.keys(used[kind]!)
        .sort()
        .map((n) => [n, used[kind]![n]]),
    );
  }
  const { paths: _p, components: _c, tags, ...rest } = d;
  return {
    ...rest,
    info: { ...(d.info as Json), title: `${(d.info as Json | undefined)?.title ?? 'API'} — ${m.tag}` },
    tags: ((tags ?? []) as { name: string }[]).filter((t) => t.name === m.tag),
    paths,
    components: sorted,
  };
}
