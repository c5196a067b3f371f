/**
 * Tables of the LOOP core catalogue (spec/loop/core.yaml) that the identity runtime reads and writes,
 * named by the generated resource descriptors so a catalogue rename reaches this code through `build`.
 */
import {
  apiClientAppResource,
  auditLogResource,
  blacklistedTokenResource,
  companyResource,
  companySubscriptionResource,
  developerProfileResource,
  internalApiKeyResource,
  invitationResource,
  membershipResource,
  passwordResetResource,
  productAccessResource,
  productResource,
  refreshTokenResource,
  roleResource,
  subscriptionPlanResource,
  userResource,
  workspaceResource,
} from '../../../generated/loop/server/core.ts';

export const T = {
  users: userResource.table,
  companies: companyResource.table,
  workspaces: workspaceResource.table,
  memberships: membershipResource.table,
  developerProfiles: developerProfileResource.table,
  roles: roleResource.table,
  products: productResource.table,
  subscriptionPlans: subscriptionPlanResource.table,
  companySubscriptions: companySubscriptionResource.table,
  productAccess: productAccessResource.table,
  internalApiKeys: internalApiKeyResource.table,
  apiClientApps: apiClientAppResource.table,
  auditLogs: auditLogResource.table,
  refreshTokens: refreshTokenResource.table,
  tokenBlacklist: blacklistedTokenResource.table,
  passwordResets: passwordResetResource.table,
  invitations: invitationResource.table,
} as const;

/** Subscription statuses that open a product; `trialing` only until its end date. */
export const OPEN_SUBSCRIPTION_STATUSES = ['active', 'trialing'] as const;
