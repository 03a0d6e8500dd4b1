import { describe, expect, it } from 'vitest';
import { escapeCsvCell } from '../../src/roster/escapeCsvCell.js';

describe('escapeCsvCell (for CSV reports opened in spreadsheets)', () => {
  it('prefixes cells a spreadsheet would run as a formula with a quote', () => {
    expect(escapeCsvCell('=HYPERLINK("http://evil.example")')).toBe(`"'=HYPERLINK(""http://evil.example"")"`);
    expect(escapeCsvCell('+Lovelace')).toBe("'+Lovelace");
    expect(escapeCsvCell('-Alan')).toBe("'-Alan");
    expect(escapeCsvCell('@Turing')).toBe("'@Turing");
    expect(escapeCsvCell('\tcmd')).toBe("'\tcmd");
  });

  it('quotes cells containing the delimiter, quotes or line breaks, doubling inner quotes', () => {
    expect(escapeCsvCell('Turing, Alan')).toBe('"Turing, Alan"');
    expect(escapeCsvCell('Robert "Bob" Smith')).toBe('"Robert ""Bob"" Smith"');
    expect(escapeCsvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(escapeCsvCell('a;b', ';')).toBe('"a;b"');
  });

  it('leaves ordinary values alone (a formula character later in the cell is harmless)', () => {
    expect(escapeCsvCell('ada.lovelace@example.com')).toBe('ada.lovelace@example.com');
    expect(escapeCsvCell('Smith-Jones')).toBe('Smith-Jones');
    expect(escapeCsvCell('')).toBe('');
  });
});
