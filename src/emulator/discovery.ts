/**
 * The SCIM discovery documents (RFC 7643 §5–6) and the ListResponse envelope. They describe
 * what this emulator (in its current dialect) actually supports, so a client that reads them before
 * syncing — e.g. to size its pages from filter.maxResults — gets true answers.
 */
import { USER_SCHEMA } from './userResource.js';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export interface ListResponse<T> {
  schemas: string[];
  totalResults: number;
  startIndex: number;
  itemsPerPage?: number;
  Resources: T[];
}

/** `omitItemsPerPage` mimics services that leave it out; clients must not depend on it. */
export function listResponse<T>(resources: T[], totalResults: number, startIndex: number, omitItemsPerPage = false): ListResponse<T> {
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults,
    startIndex,
    ...(!omitItemsPerPage && { itemsPerPage: resources.length }),
    Resources: resources,
  };
}

export interface DiscoveryOptions {
  /** Default 'postman'. */
  dialect?: 'postman' | 'nintex' | 'generic';
  /** Default true (the generic dialect can turn PATCH off). */
  patchSupported?: boolean;
  /** Bulk as offered (generic dialect only); not offered when undefined. */
  bulk?: { maxOperations: number; maxPayloadSize: number };
}

const POSTMAN_DOCS = 'https://learning.postman.com/docs/administration/scim-provisioning/scim-provisioning-overview/';

export function serviceProviderConfig(baseUrl: string, maxPageSize: number, options: DiscoveryOptions = {}) {
  const dialect = options.dialect ?? 'postman';
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    // Only Postman's documentation address is known to us; the others leave it out (it's optional).
    ...(dialect === 'postman' && { documentationUri: POSTMAN_DOCS }),
    patch: { supported: options.patchSupported ?? true },
    bulk: options.bulk ? { supported: true, ...options.bulk } : { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    // maxResults is the page-size cap the server silently applies to `count`.
    filter: { supported: true, maxResults: maxPageSize },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication scheme using the OAuth Bearer Token Standard',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

/**
 * The User resource type. The generic dialect declares the enterprise extension (optional),
 * which it stores like any other attribute.
 */
export function userResourceType(baseUrl: string, options: DiscoveryOptions = {}) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_SCHEMA,
    ...(options.dialect === 'generic' && {
      schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }],
    }),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  };
}

/** The Group resource type (Postman and generic; Nintex has no /Groups). */
export function groupResourceType(baseUrl: string) {
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    description: 'Group',
    schema: 'urn:ietf:params:scim:schemas:core:2.0:Group',
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
  };
}
