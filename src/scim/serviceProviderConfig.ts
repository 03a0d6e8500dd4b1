import type { ScimClient } from './scimClient.js';

/** What a service says it supports (RFC 7643 §5), reduced to what scim-sync uses. */
export interface ServiceCapabilities {
  patch: boolean;
  filter: { supported: boolean; maxResults?: number };
  bulk: boolean;
  /** What the service advertises for Bulk (RFC 7643 §5), when it supports it. */
  bulkLimits?: BulkLimits;
  etag: boolean;
  /** True when the service gave no ServiceProviderConfig and these are assumptions. */
  assumed?: boolean;
}

export interface BulkLimits {
  /** Most operations one Bulk request may carry. */
  maxOperations: number;
  /** Largest Bulk request body, in bytes. */
  maxPayloadSize: number;
}

/** `GET /ServiceProviderConfig`. Missing fields count as "not supported" (the RFC's default). */
export async function readServiceProviderConfig(client: ScimClient): Promise<ServiceCapabilities> {
  const { body } = await client.get('/ServiceProviderConfig');
  const spc = (body ?? {}) as Record<string, { supported?: unknown; maxResults?: unknown; maxOperations?: unknown; maxPayloadSize?: unknown } | undefined>;
  const maxResults = Number(spc.filter?.maxResults);
  const bulk = isTrue(spc.bulk?.supported);
  const maxOperations = Number(spc.bulk?.maxOperations);
  const maxPayloadSize = Number(spc.bulk?.maxPayloadSize);
  // Bulk without usable limits can't be sized safely: treated as not offered.
  const bulkLimits =
    bulk && Number.isInteger(maxOperations) && maxOperations > 0 && Number.isFinite(maxPayloadSize) && maxPayloadSize > 0
      ? { maxOperations, maxPayloadSize: Math.floor(maxPayloadSize) }
      : undefined;
  return {
    patch: isTrue(spc.patch?.supported),
    filter: { supported: isTrue(spc.filter?.supported), maxResults: Number.isFinite(maxResults) && maxResults > 0 ? maxResults : undefined },
    bulk,
    ...(bulkLimits && { bulkLimits }),
    etag: isTrue(spc.etag?.supported),
  };
}

/** `true`, or the string "true" in any case: some services serialise booleans as strings. */
function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}
