import type { ValueSpec } from '../config/schema.js';

/**
 * Where the HR roster lives and how its columns map to SCIM attributes.
 * Kept apart from the reader so config code can import the shape without pulling in csv-parse.
 */
export interface RosterSource {
  /** Absolute path of the CSV file. */
  path: string;
  /** Field delimiter, one character; default ','. */
  delimiter?: string;
  /**
   * SCIM attribute path <- CSV header name (matched exactly, after trimming the header cell), or
   * a value recipe (template, transforms, value map, split; see columnSpec.ts). The four identity
   * attributes are required; further keys are canonical SCIM paths (`title`, `roles`, …).
   */
  columns: { externalId: ValueSpec; userName: ValueSpec; givenName: ValueSpec; familyName: ValueSpec; [path: string]: ValueSpec };
  /** Whether userName must look like an email address (Postman: yes; a Nintex login name: no). Default true. */
  userNameIsEmail?: boolean;
  /**
   * Which column says whether the person still works here. Values listed in `active` mean active
   * (compared case-insensitively after trim). Without `status` every row is active.
   */
  status?: { column: string; active: string[] };
  /** Where the columns were configured, so a missing header's error can name the config line. */
  configuredAt?: { file: string; keyLines: Readonly<Record<string, number>> };
}
