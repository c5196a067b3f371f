/** Event names the platform emits (webhooks, automations, /events/stream). */
export const EVENT_TYPES = [
  'object.created', 'object.updated', 'object.deleted', 'object.restored', 'object.submitted', 'object.approved', 'object.rejected',
  'object_type.created', 'object_type.updated', 'object_type.deleted',
  'file.uploaded', 'file.updated', 'file.deleted', 'webhook.test',
  'user.created', 'user.updated', 'user.deleted', 'user.signed_in',
  'form.submitted', 'automation.run', 'custom',
] as const;
