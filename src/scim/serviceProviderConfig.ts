import type { ScimClient } from './scimClient.js';

/** What a service says it supports (RFC 7643 §5), reduced to what scim-sync uses. */
export interface ServiceCapabilities {
  patch: boolean;
  filter: { supported: boolean; maxResults?: number };
  bulk: boolean;
  etag: boolean;
  /** True when the service gave no ServiceProviderConfig and these are assumptions. */
  assumed?: boolean;
}

/** `GET /ServiceProviderConfig`. Missing fields count as "not supported" (the RFC's default). */
export async function readServiceProviderConfig(client: ScimClient): Promise<ServiceCapabilities> {
  const { body } = await client.get('/ServiceProviderConfig');
  const spc = (body ?? {}) as Record<string, { supported?: unknown; maxResults?: unknown } | undefined>;
  const maxResults = Number(spc.filter?.maxResults);
  return {
    patch: isTrue(spc.patch?.supported),
    filter: { supported: isTrue(spc.filter?.supported), maxResults: Number.isFinite(maxResults) && maxResults > 0 ? maxResults : undefined },
    bulk: isTrue(spc.bulk?.supported),
    etag: isTrue(spc.etag?.supported),
  };
}

/** `true`, or the string "true" in any case: some services serialise booleans as strings. */
function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}
