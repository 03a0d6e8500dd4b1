import { readFileSync } from 'node:fs';
import type { SavedPlan } from '../domain/savedPlan.js';
import { planDigest } from './planDigest.js';
import { PlanFileError } from './PlanFileError.js';
import { planFileShapeProblem } from './planFileSchema.js';

/** A plan file as read: its content, and the digest of that content as it is now (not as it claims). */
export interface ReadPlan {
  plan: SavedPlan;
  actualDigest: string;
}

/** Reads and shape-checks a plan file; judging it (digest, age, config) is planFileProblem's job. */
export function readPlanFile(file: string): ReadPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanFileError(file, code === 'ENOENT' ? 'does not exist' : `can't be read (${code})`, { cause: error });
  }
  const value = parsePlanJson(file, text);
  const shape = planFileShapeProblem(value);
  if (shape) throw new PlanFileError(file, `is not a scim-sync plan file this version can apply: ${shape}`);
  // The digest is of the content as read, unknown keys included: the schema check above must not have dropped any.
  return { plan: value as SavedPlan, actualDigest: planDigest(value as Record<string, unknown>) };
}

export function parsePlanJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PlanFileError(file, `is not valid JSON (${(error as Error).message}); was it cut short or edited?`, { cause: error });
  }
}
