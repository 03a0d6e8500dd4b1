import { describe, expect, it } from 'vitest';
import { dateFormatProblem, roundTrips } from '../../src/config/validateDates.js';

describe('source.dateFormat checks', () => {
  it('the default format, which a config load accepts without probing, does round-trip', () => {
    expect(roundTrips('yyyy-MM-dd')).toBe(true);
    expect(dateFormatProblem('yyyy-MM-dd')).toBeUndefined();
  });

  it('other formats are probed: day-first and month-first pass, minutes for months or a missing part fail', () => {
    expect(dateFormatProblem('dd.MM.yyyy')).toBeUndefined();
    expect(dateFormatProblem('MM/dd/yyyy')).toBeUndefined();
    expect(dateFormatProblem('yyyy-mm-dd')).toMatch(/a date format with year, month and day/);
    expect(dateFormatProblem('MM/yyyy')).toMatch(/a date format with year, month and day/);
  });
});
