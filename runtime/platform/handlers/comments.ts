/** Handlers of spec/platform/comments.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { childCrud } from '../records/child-records.ts';
import { T } from '../tables.ts';

const comments = childCrud(
  { kind: 'comments', parent: { param: 'object_id' }, child: 'comment_id', parentTable: T.objects, authorOnly: 'comment' },
  true,
);

export const commentsHandlers = {
  'comments.createComment': comments.create,
  'comments.deleteComment': comments.remove,
  'comments.listComments': comments.list,
  'comments.updateComment': comments.update,
} satisfies Partial<PlatformHandlers>;
