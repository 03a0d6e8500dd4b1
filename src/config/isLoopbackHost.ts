import { BlockList, isIP } from 'node:net';

/**
 * Whether a URL's host is this machine, so plain http there sends the token nowhere. Decided on
 * the parsed address, never on how the name starts: "127.attacker.example" and
 * "127.0.0.1.evil.example" are names anyone can point anywhere.
 */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6'); // BlockList also matches IPv4-mapped ::ffff:127.x.x.x against the /8

/** `hostname` as URL gives it (lower case, IPv6 in brackets, IPv4 shorthand like 127.1 expanded). */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const address = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(address);
  if (family === 0) return false;
  return LOOPBACK.check(address, family === 6 ? 'ipv6' : 'ipv4');
}
