import type { Logger } from 'pino';
import { GoneError, RejectedError } from './errors.js';
import type { ScimClient } from './scimClient.js';
import { readServiceProviderConfig, type ServiceCapabilities } from './serviceProviderConfig.js';

/**
 * `GET /ServiceProviderConfig`, once per run (the daemon caches it). A service that doesn't
 * implement the endpoint (404, 501) is assumed to support PATCH and filters, the RFC's usual
 * ground; any other failure (401, 5xx after retries) stops the run like a failed page read.
 */
export async function discoverService(client: ScimClient, logger: Logger): Promise<ServiceCapabilities> {
  try {
    return await readServiceProviderConfig(client);
  } catch (error) {
    if (!(error instanceof GoneError || error instanceof RejectedError)) throw error;
    logger.warn({ httpStatus: error.httpStatus }, 'the service has no usable /ServiceProviderConfig; assuming PATCH and filters are supported');
    return { patch: true, filter: { supported: true }, bulk: false, etag: false, assumed: true };
  }
}
