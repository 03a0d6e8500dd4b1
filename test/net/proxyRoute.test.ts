import { describe, expect, it } from 'vitest';
import { proxyRouteFor, proxySetting } from '../../src/net/proxyRoute.js';
import { redactUrl } from '../../src/net/redactUrl.js';

describe('which proxy a request takes', () => {
  const route = (configured: string | undefined, env: Record<string, string>, url: string) => proxyRouteFor(proxySetting(configured, env), new URL(url));

  it('target.proxy wins over the environment, NO_PROXY included; none turns proxying off', () => {
    const env = { HTTPS_PROXY: 'http://env:1', NO_PROXY: 'api.example.com' };
    expect(route('http://cfg:3128', env, 'https://api.example.com/scim')).toMatchObject({ proxy: 'http://cfg:3128', from: 'target.proxy' });
    expect(route('none', env, 'https://api.example.com/scim')).toEqual({ why: 'target.proxy: none' });
  });

  it('reads the lower-case variable first, HTTP_PROXY for https when HTTPS_PROXY is unset, and NO_PROXY by host, subdomain and port', () => {
    expect(route(undefined, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' }, 'https://a.example.com')).toMatchObject({ from: 'https_proxy' });
    expect(route(undefined, { HTTP_PROXY: 'http://p:1' }, 'https://a.example.com')).toMatchObject({ proxy: 'http://p:1', from: 'HTTP_PROXY' });
    expect(route(undefined, { HTTPS_PROXY: 'http://p:1' }, 'http://a.example.com')).toEqual({ why: 'no HTTP_PROXY in the environment' });
    const env = { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.corp.example, localhost:8443' };
    expect(route(undefined, env, 'https://hr.corp.example/x')).toEqual({ why: 'NO_PROXY lists ".corp.example"' });
    expect(route(undefined, env, 'https://localhost:8443/x')).toEqual({ why: 'NO_PROXY lists "localhost:8443"' });
    expect(route(undefined, env, 'https://localhost:9443/x')).toMatchObject({ proxy: 'http://p:1' });
    expect(route(undefined, { ...env, NO_PROXY: '*' }, 'https://anything.example')).toEqual({ why: 'NO_PROXY lists "*"' });
  });

  it('shows a proxy URL without its credentials, and secret query values redacted', () => {
    expect(redactUrl('http://user:p%40ss@proxy:3128')).toBe('http://[credentials removed]@proxy:3128');
    expect(redactUrl('https://hr.example.com/report?format=csv&api_key=abc')).toBe('https://hr.example.com/report?format=csv&api_key=redacted');
    expect(redactUrl('not a url with secret')).toBe('(not a valid URL; not shown)');
  });
});
