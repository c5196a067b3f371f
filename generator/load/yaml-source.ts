/**
 * A parsed YAML file that remembers where every key and value came from, so a diagnostic about
 * `resources.services.fields.name.type` can point at line and column of that exact token.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import type { SourceLocation } from '../ir/source-location.ts';

export type YamlPath = readonly (string | number)[];

export interface YamlSource {
  /** Relative to the project root, POSIX separators. */
  readonly file: string;
  /** Plain JS value of the document (null for an empty file). */
  readonly data: unknown;
  /**
   * Location of the node at `path`: its key (`part: 'key'`, the default, for map entries) or its value.
   * Falls back to the deepest existing ancestor, so a missing key points at the object that lacks it.
   */
  locate(path: YamlPath, part?: 'key' | 'value'): SourceLocation;
}

export function parseYamlSource(file: string, text: string): { source: YamlSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const loc = at(e.pos[0]);
    diagnostics.push(
      e.code === 'DUPLICATE_KEY'
        ? diagnostic('yaml-duplicate-key', loc, { name: keyText(text, e.pos[0]) })
        : diagnostic('yaml-syntax', loc, { detail: firstLine(e.message) }),
    );
  }
  const data = doc.errors.length ? null : doc.toJS({ maxAliasCount: 100 });
  return { source: { file, data, locate: (path, part = 'key') => locateIn(doc, path, part, at) }, diagnostics };
}

function locateIn(doc: Document, path: YamlPath, part: 'key' | 'value', at: (offset: number) => SourceLocation): SourceLocation {
  let node: unknown = doc.contents;
  // The best position so far: the key of the last map entry we walked through, else the node itself.
  let best: Node | null = isNode(node) ? node : null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === seg);
      if (!pair) break;
      if (last && part === 'key' && isNode(pair.key)) return nodeLoc(pair.key, at);
      best = isNode(pair.key) ? pair.key : best;
      node = pair.value;
      if (isNode(node)) best = last ? node : best;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (!isNode(item)) break;
      node = item;
      best = item;
    } else {
      break;
    }
  }
  return best ? nodeLoc(best, at) : { file: at(0).file, line: 1, column: 1 };
}

function isNode(x: unknown): x is Node {
  return typeof x === 'object' && x !== null && 'range' in x && Array.isArray((x as Node).range);
}

function nodeLoc(n: Node, at: (offset: number) => SourceLocation): SourceLocation {
  return at(n.range![0]);
}

/** The key starting at `offset` (up to its colon), unquoted. */
function keyText(text: string, offset: number): string {
  return text
    .slice(offset)
    .split(/[:\n]/)[0]!
    .trim()
    .replace(/^["']|["']$/g, '');
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
