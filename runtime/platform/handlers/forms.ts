/** Handlers of spec/platform/forms.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { formActions } from '../forms/form-actions.ts';
import { listChildren } from '../records/child-records.ts';
import { T } from '../tables.ts';

export const formsHandlers = {
  'forms.duplicateForm': formActions.duplicateForm,
  'forms.exportFormSubmissions': formActions.exportFormSubmissions,
  'forms.getFormAnalytics': formActions.getFormAnalytics,
  'forms.getPublicForm': formActions.getPublicForm,
  'forms.listFormSubmissions': listChildren(
    { kind: 'form_submissions', parent: { param: 'form_id' }, parentTable: T.forms },
    'submissions',
  ),
  'forms.submitPublicForm': formActions.submitPublicForm,
} satisfies Partial<PlatformHandlers>;
