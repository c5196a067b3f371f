/**
 * Generated `mountRoutes` mounts one router per catalogue module without a path (`r.use(booking.router(rt))`),
 * so Express walks every route of every earlier module — path-to-regexp on ~1,500 LOOP routes for a module
 * late in the alphabet — before it reaches the one that answers. Each module router here is given a guard
 * that skips it unless the request's first path segment is one its routes start with. A module with a route
 * whose first segment is a parameter or a pattern keeps no guard, so the routes that answer, and their order,
 * are exactly what they were; only routers that could not match are no longer entered (docs/performance.md).
 */
import type { RequestHandler, Router } from 'express';

interface LayerLike {
  route?: { path?: unknown };
  handle?: RequestHandler & { stack?: LayerLike[] };
}

/** The literal first segments a router's routes start with (lower case: Express routing ignores case), or null when any route could match more. */
function firstSegments(stack: readonly LayerLike[]): Set<string> | null {
  const out = new Set<string>();
  for (const layer of stack) {
    const path = layer.route?.path;
    if (typeof path !== 'string') return null;
    const seg = path.split('/')[1] ?? '';
    if (!/^[A-Za-z0-9_.~-]+$/.test(seg)) return null;
    out.add(seg.toLowerCase());
  }
  return out;
}

function firstSegmentOf(path: string): string {
  const end = path.indexOf('/', 1);
  return (end === -1 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

export function dispatchByFirstSegment(routes: Router): void {
  for (const layer of routes.stack as LayerLike[]) {
    const inner = layer.handle;
    if (layer.route || !inner || !Array.isArray(inner.stack)) continue;
    const segments = firstSegments(inner.stack);
    if (!segments || segments.size === 0) continue;
    const guarded: RequestHandler = (req, res, next) => (segments.has(firstSegmentOf(req.path)) ? inner(req, res, next) : next());
    // The route table (route-table.ts: 405 and path parameters) reads the router's stack through the layer.
    layer.handle = Object.assign(guarded, { stack: inner.stack });
  }
}
