import { describe, expect, it } from 'vitest';
import { compileColumn } from '../../src/roster/columnSpec.js';

const row = (cells: Record<string, string>) => (header: string) => cells[header] ?? '';

describe('compileColumn (source.columns value recipes)', () => {
  it('a plain header reads that cell; an empty cell has no value', () => {
    const c = compileColumn('title');
    expect(c.headers).toEqual(['title']);
    expect(c.valueOf(row({ title: 'Analyst' }))).toBe('Analyst');
    expect(c.valueOf(row({}))).toBeUndefined();
  });

  it('a template fills placeholders and transforms, and has no value when a placeholder is empty', () => {
    const c = compileColumn({ template: '{first_name}.{last_name}@example.com', transform: ['lowercase'] });
    expect(c.headers).toEqual(['first_name', 'last_name']);
    expect(c.valueOf(row({ first_name: 'Ada', last_name: 'Lovelace' }))).toBe('ada.lovelace@example.com');
    expect(c.valueOf(row({ first_name: 'Ada' }))).toBeUndefined();
  });

  it('a value map turns HR codes into SCIM values, case-insensitively, and leaves others as they are', () => {
    const c = compileColumn({ column: 'is_manager', map: { Y: true, N: false } });
    expect(c.valueOf(row({ is_manager: 'y' }))).toBe(true);
    expect(c.valueOf(row({ is_manager: 'N' }))).toBe(false);
    expect(c.valueOf(row({ is_manager: 'maybe' }))).toBe('maybe');
  });

  it('split turns a ;-separated cell into a list, dropping empty parts', () => {
    expect(compileColumn({ column: 'roles', split: ';' }).valueOf(row({ roles: 'Author; Accountant;;' }))).toEqual(['Author', 'Accountant']);
  });
});

describe('compileColumn firstOf', () => {
  it('takes the first alternative with a value (preferred name, else first name), reading both headers', () => {
    const c = compileColumn({ firstOf: ['Preferred Name', 'First Name'] });
    expect(c.headers).toEqual(['Preferred Name', 'First Name']);
    expect(c.valueOf(row({ 'Preferred Name': 'Addie', 'First Name': 'Ada' }))).toBe('Addie');
    expect(c.valueOf(row({ 'First Name': 'Ada' }))).toBe('Ada');
    expect(c.valueOf(row({}))).toBeUndefined();
  });

  it('alternatives may be recipes, and the outer transform applies to the one chosen', () => {
    const c = compileColumn({ firstOf: ['Work Email', { template: '{first}.{last}@example.com' }], transform: ['lowercase'] });
    expect(c.valueOf(row({ first: 'Ada', last: 'Lovelace' }))).toBe('ada.lovelace@example.com');
    expect(c.valueOf(row({ 'Work Email': 'ADA@Example.com', first: 'x', last: 'y' }))).toBe('ada@example.com');
  });
});
