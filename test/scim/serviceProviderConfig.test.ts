import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { readServiceProviderConfig } from '../../src/scim/serviceProviderConfig.js';
import { gatedClient } from '../support/gatedClient.js';

const TOKEN = 'spc-test-token';

describe('readServiceProviderConfig', () => {
  let emulator: RunningEmulator;
  let connection: ReturnType<typeof gatedClient>;
  afterEach(async () => {
    await connection.close();
    await emulator.close();
  });

  const answering = async (body: unknown) => {
    emulator = await startEmulator({
      token: TOKEN,
      faults: { rules: [{ pathPattern: 'ServiceProviderConfig$', action: { type: 'reply', status: 200, body } }] },
    });
    connection = gatedClient(emulator.url, TOKEN);
    return readServiceProviderConfig(connection.client);
  };

  it('booleans sent as strings ("true", "True") count as supported; the page cap is read as a number', async () => {
    const capabilities = await answering({ patch: { supported: 'true' }, filter: { supported: 'True', maxResults: '50' }, bulk: { supported: 'false' } });
    expect(capabilities).toEqual({ patch: true, filter: { supported: true, maxResults: 50 }, bulk: false, etag: false });
  });

  it('a feature the service does not mention counts as unsupported (the RFC default)', async () => {
    expect(await answering({})).toEqual({ patch: false, filter: { supported: false, maxResults: undefined }, bulk: false, etag: false });
  });
});
