import type { TrialState } from '@hpo/client';
import { InvalidArgumentError, Option } from 'commander';
import { styleFor, type Style } from './output/style.js';

const TRIAL_STATES: readonly TrialState[] = ['WAITING', 'RUNNING', 'COMPLETE', 'PRUNED', 'FAIL'];

/** `--format` limited to the given choices. */
export function formatOption(choices: readonly string[], defaultValue = choices[0]): Option {
  return new Option('--format <format>', 'output format').choices(choices).default(defaultValue);
}

/** `--state complete,pruned` (any case, comma-separated, repeatable) as trial states. */
export function parseStates(value: string, previous: TrialState[] = []): TrialState[] {
  const states = value
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  for (const s of states)
    if (!TRIAL_STATES.includes(s as TrialState))
      throw new InvalidArgumentError(`${JSON.stringify(s.toLowerCase())} is not a trial state (${TRIAL_STATES.join(', ').toLowerCase()}).`);
  return [...previous, ...(states as TrialState[])];
}

/** A whole number >= min from a flag (commander reports a bad one as a usage error naming the flag). */
export function parseCount(min = 0): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min) throw new InvalidArgumentError(`Must be a whole number >= ${min}.`);
    return Number(value);
  };
}

/** Where tables go, with colours only on a terminal and widths fitted to it. */
export function terminal(): { style: Style; terminalWidth: number | undefined; write: (lines: readonly string[]) => void } {
  const out = process.stdout;
  return {
    style: styleFor(out),
    terminalWidth: out.isTTY ? out.columns : undefined,
    write: (lines) => void out.write(lines.map((l) => `${l}\n`).join('')),
  };
}

/** Stable, pretty JSON with a final newline. */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
