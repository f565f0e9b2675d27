import { describe, expect, it } from 'vitest';
import { csvField, renderCsv } from '../../../src/cli/output/csv.js';

describe('CSV', () => {
  it('quotes fields with commas, quotes, newlines or edge spaces (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
  });

  it('writes a header and one line per row', () => {
    expect(renderCsv(['a', 'b'], [['1', 'x,y']])).toBe('a,b\n1,"x,y"\n');
  });
});
