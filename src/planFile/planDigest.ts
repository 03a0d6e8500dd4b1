import { createHash } from 'node:crypto';
import canonicalizeModule from 'canonicalize';
import type { SavedPlan } from '../domain/savedPlan.js';

/**
 * The digest a plan file carries: SHA-256 of the RFC 8785 canonical JSON (canonicalize) of
 * everything but the digest. Canonical, so re-indenting the file or an editor reordering keys
 * doesn't count as a change, while any change of a value, an operation or a request does.
 */
// canonicalize is CommonJS (`module.exports = serialize`) but types itself as an ES default export.
const canonicalize = canonicalizeModule as unknown as (input: unknown) => string | undefined;

export function planDigest(plan: Omit<SavedPlan, 'digest'> | Record<string, unknown>): string {
  const { digest: _digest, ...content } = plan as Record<string, unknown>;
  return createHash('sha256')
    .update(canonicalize(content) ?? '')
    .digest('hex');
}
