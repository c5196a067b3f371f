/**
 * Table and column names of the LOOP core catalogue (spec/loop/core.yaml) that the identity runtime
 * reads and writes. Names follow spec/README.md: table = snake(resource), ref `user` → `user_id`.
 * Kept in one place so a catalogue rename is a one-line change here.
 */
export const T = {
  users: 'users',
  companies: 'companies',
  workspaces: 'workspaces',
  memberships: 'memberships',
  developerProfiles: 'developer_profiles',
  roles: 'roles',
  permissions: 'permissions',
  products: 'products',
  subscriptionPlans: 'subscription_plans',
  companySubscriptions: 'company_subscriptions',
  productAccess: 'product_access',
  internalApiKeys: 'internal_api_keys',
  apiClientApps: 'api_client_apps',
  auditLogs: 'audit_logs',
  refreshTokens: 'refresh_tokens',
  tokenBlacklist: 'token_blacklist',
  passwordResets: 'password_resets',
  invitations: 'invitations',
  idempotencyKeys: 'idempotency_keys',
  outboxMessages: 'outbox_messages',
} as const;

/** Membership roles that hold every permission (`*`). */
export const ALL_POWERFUL_ROLES: ReadonlySet<string> = new Set(['owner', 'admin']);

/** Subscription statuses that open a product; `trialing` only until its end date. */
export const OPEN_SUBSCRIPTION_STATUSES = ['active', 'trialing'] as const;
