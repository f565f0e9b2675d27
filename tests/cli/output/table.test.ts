import { describe, expect, it } from 'vitest';
import { styleFor } from '../../../src/cli/output/style.js';
import { clip, renderTable } from '../../../src/cli/output/table.js';

const plain = styleFor({ isTTY: false }, {});
const coloured = styleFor({ isTTY: true }, {});
const strip = (s: string) => s.replace(/\u001b\[\d+m/g, '');

describe('renderTable', () => {
  const rows = [
    { name: 'a-very-long-study-name-that-goes-on-and-on', n: 3 },
    { name: 'short', n: 12345 },
  ];
  const columns = [
    { header: 'NAME', value: (r: (typeof rows)[0]) => r.name, maxWidth: 12 },
    { header: 'N', value: (r: (typeof rows)[0]) => String(r.n), align: 'right' as const },
  ];

  it('aligns columns, right-aligns numbers and clips long cells with an ellipsis', () => {
    expect(renderTable(columns, rows, { style: plain })).toEqual(['NAME              N', 'a-very-long…      3', 'short         12345']);
  });

  it('shrinks the widest column to fit the terminal', () => {
    const lines = renderTable(columns, rows, { style: plain, terminalWidth: 14 });
    expect(lines.every((l) => l.length <= 14)).toBe(true);
    expect(lines[1]).toBe('a-very…      3');
  });

  it('colours without changing what the columns look like', () => {
    const lines = renderTable(columns, rows, { style: coloured });
    expect(lines[0]).not.toBe(strip(lines[0]));
    expect(lines.map(strip)).toEqual(renderTable(columns, rows, { style: plain }));
  });
});

describe('clip', () => {
  it('keeps short text and marks the cut of long text', () => {
    expect(clip('abc', 3)).toBe('abc');
    expect(clip('abcdef', 4)).toBe('abc…');
  });
});

describe('styleFor', () => {
  it('colours only on a terminal, and never with NO_COLOR', () => {
    expect(styleFor({ isTTY: false }, {}).enabled).toBe(false);
    expect(styleFor({ isTTY: true }, {}).enabled).toBe(true);
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }).enabled).toBe(false);
    expect(styleFor({ isTTY: false }, { FORCE_COLOR: '1' }).enabled).toBe(true);
    expect(styleFor({ isTTY: false }, { FORCE_COLOR: '' }).enabled).toBe(false);
  });
});
