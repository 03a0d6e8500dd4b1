import type { ScopeCondition, ValueSpec } from '../config/schema.js';

/**
 * Where the HR roster lives and how its columns map to SCIM attributes.
 * Kept apart from the reader so config code can import the shape without pulling in csv-parse.
 */
export interface RosterSource {
  /**
   * Absolute path of the CSV file; when the bytes come from elsewhere (readRoster's `from`), how
   * errors and the report name them: the URL without credentials, or "standard input".
   */
  path: string;
  /** Most bytes read before the roster counts as unusable (`source.maxBytes`); default: no limit. */
  maxBytes?: number;
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
  /** Conditions on columns every row must meet to be this sync's (`source.scope`); others are out of scope. */
  scope?: readonly ScopeCondition[];
  /** Column of the first working day; an empty cell means none. */
  startDate?: { column: string };
  /** Column of the last working day; an empty cell means none. */
  endDate?: { column: string };
  /** How the date cells are written (Luxon tokens); default `yyyy-MM-dd`. */
  dateFormat?: string;
  /** The IANA zone the dates are in, or the column holding each row's zone. Required with a date column. */
  timezone?: string | { column: string };
  /** `groups.from`: recipes that each yield zero or more group names for a row (see columnSpec.ts). */
  groups?: readonly ValueSpec[];
  /** Where the columns were configured, so a missing header's error can name the config line. */
  configuredAt?: { file: string; keyLines: Readonly<Record<string, number>> };
}
