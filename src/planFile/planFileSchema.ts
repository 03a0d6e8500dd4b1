import { z } from '../validation/zod.js';
import { PLAN_FILE_FORMAT, type SavedPlan } from '../domain/savedPlan.js';

/*
 * The shape a plan file must have to be read at all. The digest proves the content is what
 * scim-sync wrote; this proves it is a plan file of this version, so a report or a truncated
 * file passed to `apply` or `show` gets a message naming the field, not a crash.
 */

const attrValue = z.union([z.string(), z.boolean(), z.array(z.string())]);
const opKind = z.enum(['create', 'update', 'deactivate', 'reactivate']);

const request = z.object({
  method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']),
  path: z.string().startsWith('/'),
  body: z.record(z.string(), z.unknown()).optional(),
  applyToCurrent: z.array(z.tuple([z.string(), attrValue])).optional(),
});

const plannedAgainst = z.discriminatedUnion('account', [
  z.object({ account: z.literal('new'), userName: z.string(), externalId: z.string().optional(), holders: z.array(z.string()) }),
  z.object({ account: z.literal('existing'), id: z.string().min(1), attributes: z.record(z.string(), attrValue.nullable()) }),
]);

/** The planner's operation, as written: its kind must agree with the entry's, the rest is rebuilt and compared. */
const operation = z.looseObject({ kind: opKind });

const plannedOperation = z
  .object({
    resource: z.literal('User'),
    op: opKind,
    userName: z.string(),
    externalId: z.string().optional(),
    id: z.string().optional(),
    changes: z.string(),
    operation,
    requests: z.array(request).min(1),
    plannedAgainst,
  })
  .refine((o) => o.operation.kind === o.op, { message: 'operation.kind differs from op' })
  .refine((o) => (o.op === 'create') === (o.plannedAgainst.account === 'new'), { message: 'plannedAgainst does not fit the operation' });

export const planFileSchema = z.object({
  format: z.literal(PLAN_FILE_FORMAT),
  createdAt: z.iso.datetime(),
  runId: z.string(),
  config: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  roster: z.object({ file: z.string(), sha256: z.string(), users: z.number().int().min(0) }),
  service: z.object({ baseUrl: z.string(), provider: z.string() }),
  safety: z.object({ reason: z.string(), howToProceed: z.string() }).optional(),
  operations: z.array(plannedOperation),
  digest: z.string().regex(/^[0-9a-f]{64}$/),
});

/** Where a parsed value breaks the schema, as "operations[3].requests: …", or undefined when it is a plan file. */
export function planFileShapeProblem(value: unknown): string | undefined {
  const parsed = planFileSchema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  const where = issue.path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${String(key)}` : String(key)), '');
  return `${where || '(top level)'}: ${issue.message}`;
}

/** The schema's view agrees with the domain type (checked by the compiler, not at run time). */
export type CheckedSavedPlan = z.infer<typeof planFileSchema> & Pick<SavedPlan, 'operations'>;
