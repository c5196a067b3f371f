/** Shared bits of the platform HTTP tests: keys made through the operator function, JSON calls. */
import type { TestService } from '../helpers/test-service.ts';
import { createPlatformKey } from '../../runtime/platform/index.ts';

export interface Call {
  status: number;
  body: any;
}

export function client(svc: TestService, key: string) {
  return async (method: string, path: string, body?: unknown): Promise<Call> => {
    const res = await fetch(svc.api + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
}

export async function adminKey(svc: TestService, tenant: string): Promise<string> {
  return (await createPlatformKey(svc.db, { tenant })).key;
}
