/**
 * LOOP brand assets (docs/api/loop-api.txt, "Brand Assets"): the PNGs under /assets/, the favicon redirects,
 * and /api/assets/, a manifest with absolute URLs for apps and docs.
 * The images are drawn by scripts/make-brand-assets.ts and committed.
 */
import express, { type Application as Express } from 'express';
import { join } from 'node:path';

const ASSETS_DIR = join(import.meta.dirname, 'assets');

const MANIFEST = {
  brand: {
    logo: '/assets/brand/loop-logo.png',
    logo_transparent: '/assets/brand/loop-logo-transparent.png',
    wordmark_transparent: '/assets/brand/loop-wordmark-transparent.png',
    favicon_mark: '/assets/brand/loop-favicon-mark.png',
  },
  icons: {
    favicon: '/assets/icons/favicon.ico',
    apple_touch_icon: '/assets/icons/apple-touch-icon.png',
  },
} as const;

function absolute(base: string, tree: Record<string, Record<string, string>>) {
  return Object.fromEntries(
    Object.entries(tree).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).map(([n, p]) => [n, base + p]))]),
  );
}

export function mountBrandAssets(app: Express): void {
  app.use('/assets', express.static(ASSETS_DIR, { index: false, maxAge: '7d', fallthrough: true }));
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/assets/icons/favicon.ico'));
  app.get('/apple-touch-icon.png', (_req, res) => res.redirect(301, '/assets/icons/apple-touch-icon.png'));
  app.get('/api/assets/', (req, res) => {
    const base = `${req.protocol}://${req.get('host')}`;
    res.json(absolute(base, MANIFEST));
  });
}
