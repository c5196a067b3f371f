/**
 * What a connector is (the registry is connector.ts): it checks the integration's `config_json` —
 * naming what is missing, so the tenant knows what to set — and pulls or pushes records inside the
 * request's transaction.
 */
import type { Knex } from 'knex';
import type { FieldErrors } from '../../http/api-error.ts';

export interface SyncContext {
  readonly trx: Knex;
  readonly tenant: number;
  readonly integration: Record<string, any>;
  readonly config: Record<string, unknown>;
  readonly by: string | null;
}

export interface SyncOutcome {
  /** succeeded: every item written; partial: some items were refused (see errors). */
  readonly status: 'succeeded' | 'partial';
  readonly records_synced: number;
  readonly created: number;
  readonly updated: number;
  readonly failed: number;
  /** The first refused items and why. */
  readonly errors: readonly { external_id: string | null; error: string }[];
  readonly message: string;
}

export interface Connector {
  /** Provider names that select this connector (`provider` of the integration, case-insensitive). */
  readonly providers: readonly string[];
  readonly summary: string;
  /** What config_json lacks or gets wrong, keyed `config_json.<key>`; null when it can sync. */
  configErrors(config: Record<string, unknown>): FieldErrors | null;
  sync(ctx: SyncContext): Promise<SyncOutcome>;
}

/** A failure of the remote side (no answer, non-2xx, not JSON): answered 502 SYNC_FAILED. */
export class RemoteSyncError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RemoteSyncError';
  }
}
