import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bench/RESULTS.md, which the README quotes. */
export const RESULTS_PATH = fileURLToPath(new URL('../RESULTS.md', import.meta.url));

/**
 * Replaces (or appends) one named section of bench/RESULTS.md, between `<!-- BEGIN name -->` and
 * `<!-- END name -->`, so each benchmark rewrites only its own table.
 */
export function writeResultsSection(name: string, markdown: string, path = RESULTS_PATH): void {
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n\nWritten by the benchmarks in bench/; see bench/README.md for how to run them.\n';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text);
}
