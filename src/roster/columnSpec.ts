import type { ValueSpec } from '../config/schema.js';
import type { AttrValue } from '../domain/attributePaths.js';

/**
 * A compiled `source.columns` entry: which CSV headers it reads, and how it turns a record into
 * a value. Compiled once per file so each of a million rows costs only the work itself.
 */
export interface CompiledColumn {
  /** Headers this value is read from (for the "missing header" check). */
  headers: string[];
  /** The value for a record, or undefined when the cells are empty. `cellAt` returns the trimmed cell for a header. */
  valueOf(cellAt: (header: string) => string): AttrValue | undefined;
}

const PLACEHOLDER = /\{([^{}]+)\}/g;

export function compileColumn(spec: ValueSpec): CompiledColumn {
  if (typeof spec === 'string') {
    return { headers: [spec], valueOf: (cellAt) => emptyToUndefined(cellAt(spec)) };
  }
  const transforms = spec.transform ?? [];
  const apply = (value: string): string =>
    transforms.reduce((v, t) => (t === 'trim' ? v.trim() : t === 'lowercase' ? v.toLowerCase() : v.toUpperCase()), value);
  const mapValue = (value: string): AttrValue => {
    if (!spec.map) return value;
    const hit = Object.entries(spec.map).find(([from]) => from.toLowerCase() === value.toLowerCase());
    return hit ? hit[1] : value;
  };
  /** The recipe's text, transformed and mapped (or split into a list); undefined when it is empty. */
  const finish = (raw: string | undefined): AttrValue | undefined => {
    if (raw === undefined || raw === '') return undefined;
    if (spec.split !== undefined) {
      const parts = raw
        .split(spec.split)
        .map((p) => apply(p.trim()))
        .filter((p) => p !== '');
      return parts.length > 0 ? parts : undefined;
    }
    return emptyToUndefined(mapValue(apply(raw)));
  };

  if (spec.firstOf !== undefined) {
    // "Preferred name, else legal first name": the first alternative with a value wins; the
    // outer transform/map/split then apply to it (a list or a mapped value is taken as it is).
    const alternatives = spec.firstOf.map(compileColumn);
    return {
      headers: [...new Set(alternatives.flatMap((a) => a.headers))],
      valueOf: (cellAt) => {
        for (const alternative of alternatives) {
          const value = alternative.valueOf(cellAt);
          if (value !== undefined) return typeof value === 'string' ? finish(value) : value;
        }
        return undefined;
      },
    };
  }

  if (spec.template !== undefined) {
    const template = spec.template;
    const headers = [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
    return {
      headers,
      // A template with any empty placeholder has no value: "{first}.{last}@x" must not become ".smith@x".
      valueOf: (cellAt) => {
        let missing = false;
        const text = template.replace(PLACEHOLDER, (_, header: string) => {
          const cell = cellAt(header);
          if (cell === '') missing = true;
          return cell;
        });
        return missing ? undefined : mapValue(apply(text));
      },
    };
  }

  const column = spec.column!;
  return { headers: [column], valueOf: (cellAt) => finish(cellAt(column)) };
}

function emptyToUndefined(value: AttrValue): AttrValue | undefined {
  return value === '' ? undefined : value;
}
