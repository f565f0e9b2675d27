import { describe, expect, it } from 'vitest';
import { renderHistoryPlot } from '../../../src/cli/output/history-plot.js';
import { styleFor } from '../../../src/cli/output/style.js';

const style = styleFor({ isTTY: false }, {});

describe('renderHistoryPlot', () => {
  it('draws every trial and the best-so-far line, labelled by value and trial number', () => {
    const points = [
      { number: 0, value: 10 },
      { number: 1, value: 4 },
      { number: 2, value: 7 },
      { number: 3, value: 0 },
    ];
    const lines = renderHistoryPlot(points, { direction: 'minimize', width: 20, height: 6, style });
    expect(lines).toHaveLength(6 + 3);
    expect(lines[0]).toMatch(/^10 ┤/);
    expect(lines[5]).toMatch(/^ 0 ┤.*━+$/); // the best line ends at the minimum
    expect(lines[7]).toMatch(/trial 0\s+trial 3$/);
    expect(lines.join('\n')).toContain('•'); // trial 2 (7) is never the best: drawn as a point
  });

  it('follows the maximum for maximised objectives', () => {
    const lines = renderHistoryPlot(
      [
        { number: 0, value: 1 },
        { number: 5, value: 9 },
      ],
      { direction: 'maximize', width: 10, height: 4, style },
    );
    expect(lines[0]).toMatch(/━$/);
  });

  it('says so when there is nothing to plot, and leaves non-finite values out', () => {
    expect(renderHistoryPlot([], { direction: 'minimize', width: 20, height: 6, style })).toEqual(['(no complete trials to plot)']);
    const lines = renderHistoryPlot(
      [
        { number: 0, value: Infinity },
        { number: 1, value: 2 },
      ],
      { direction: 'minimize', width: 20, height: 6, style },
    );
    expect(lines.join('\n')).not.toContain('Infinity');
  });
});
