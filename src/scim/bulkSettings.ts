import type { BulkLimits, ServiceCapabilities } from './serviceProviderConfig.js';

/** `target.bulk`: use Bulk when advertised, never, or at most this many operations per request. */
export type BulkSetting = 'auto' | 'off' | number;

/**
 * The limits Bulk requests of this run are built to, or undefined when writes go one request
 * each: Bulk is off, or the service doesn't advertise it (with usable limits). A number set in
 * the config only ever lowers what the service advertises.
 */
export function bulkBatchLimits(setting: BulkSetting, capabilities: ServiceCapabilities): BulkLimits | undefined {
  const advertised = capabilities.bulkLimits;
  if (setting === 'off' || !capabilities.bulk || !advertised) return undefined;
  const maxOperations = setting === 'auto' ? advertised.maxOperations : Math.min(setting, advertised.maxOperations);
  return { maxOperations, maxPayloadSize: advertised.maxPayloadSize };
}
