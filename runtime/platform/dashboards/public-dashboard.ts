/** A dashboard shared read-only by its share token (GET /v1/dashboards/public/:share_token, no key). */
import type { ActionHandler } from '../../runtime-api.ts';
import { notFound } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { asObject, param } from '../http/action-context.ts';

export const publicDashboardActions = {
  getPublicDashboard: async (a) => {
    const token = param(a, 'share_token');
    const d = await a.trx(T.dashboards).where({ share_token: token, is_public: true }).first();
    if (!d) throw notFound('No public dashboard has this share link.');
    const widgets = await a
      .trx(T.records)
      .where({ company_id: d.company_id, kind: 'widgets', parent_id: d.id })
      .orderBy(['created_at', 'id'])
      .select('id', 'data');
    return {
      body: {
        id: d.id,
        name: d.name,
        description: d.description,
        layout_json: d.layout_json ?? null,
        widgets: widgets.map((w) => ({ id: w.id, ...asObject(w.data) })),
        read_only: true,
      },
    };
  },
} satisfies Record<string, ActionHandler>;
