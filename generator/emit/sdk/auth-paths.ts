/**
 * What differs between service styles as far as the SDK is concerned: page parameters and list envelope
 * types (must match the OpenAPI emitter's page schemas), success-body unwrapping and auth paths.
 * The runtime half (iterate, error parsing) is generic and needs no per-style code.
 */
import type { ServiceNode, ServiceStyle } from '../../ir/index.ts';

export interface WireStyle {
  /** Members of a list query that select the page. */
  readonly pageQuery: readonly string[];
  /** Body of a page type given the item type name. */
  pageType(item: string): string;
  /** platform wraps success bodies in `{success, data, request_id}`; the SDK returns `data`. */
  readonly unwrap: boolean;
}

export const WIRE_STYLES: Record<ServiceStyle, WireStyle> = {
  // DRF PageNumberPagination (seed 000).
  drf: {
    pageQuery: ['page?: number', 'page_size?: number'],
    pageType: (item) => `{\n  count: number;\n  next: string | null;\n  previous: string | null;\n  results: ${item}[];\n}`,
    unwrap: false,
  },
  // Keyset pages `{data, next_cursor}`, `?limit=&cursor=` (openapi/style-conventions.ts).
  roomloop: {
    pageQuery: ['cursor?: string', 'limit?: number'],
    pageType: (item) => `{\n  data: ${item}[];\n  /** Cursor of the next page; null on the last page. */\n  next_cursor?: string | null;\n}`,
    unwrap: false,
  },
  // `{success, data: {results, total, next_cursor}, request_id}`; the SDK hands back `data`.
  platform: {
    pageQuery: ['cursor?: string', 'limit?: number', 'offset?: number'],
    pageType: (item) => `{\n  results: ${item}[];\n  total: number;\n  /** Cursor of the next page; null on the last page. */\n  next_cursor?: string | null;\n}`,
    unwrap: true,
  },
};

/**
 * Login/refresh/logout paths for services that issue JWTs: the catalogue's `auth` module actions when
 * declared, else seed 000's `auth/login/`, `auth/refresh/`, `auth/logout/`.
 */
export function authPaths(service: ServiceNode): { login: string; refresh: string; logout: string } | null {
  if (!service.auth.includes('jwt')) return null;
  const slash = service.trailingSlash ? '/' : '';
  const path = (name: string) =>
    service.actions.find((a) => a.on === 'module' && a.name === name && a.path.startsWith('auth/'))?.path ?? `auth/${name}${slash}`;
  return { login: path('login'), refresh: path('refresh'), logout: path('logout') };
}
