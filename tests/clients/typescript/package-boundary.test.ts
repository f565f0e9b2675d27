import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SDK = join(ROOT, 'clients', 'typescript');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the SDK package', () => {
  it('imports nothing from the server: only its own files, node: built-ins and its declared dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const allowed = new Set(Object.keys(pkg.dependencies));
    const offending: string[] = [];
    for (const file of filesUnder(join(SDK, 'src'))) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '') // TSDoc examples import '@hpo/client' by design
        .replace(/^\s*\/\/.*$/gm, '');
      for (const [, spec] of code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        if (spec.startsWith('node:')) continue;
        if (spec.startsWith('.')) {
          if (relative(join(SDK, 'src'), join(file, '..', spec)).startsWith('..')) offending.push(`${relative(ROOT, file)} -> ${spec}`);
          continue;
        }
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (!allowed.has(name)) offending.push(`${relative(ROOT, file)} -> ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("keeps its generated client identical to the server's (both come from one `npm run proto`)", () => {
    const ours = filesUnder(join(SDK, 'src', 'generated')).map((f) => relative(join(SDK, 'src', 'generated'), f)).sort();
    const theirs = filesUnder(join(ROOT, 'src', 'generated')).map((f) => relative(join(ROOT, 'src', 'generated'), f)).sort();
    expect(ours).toEqual(theirs);
    for (const file of ours)
      expect(readFileSync(join(SDK, 'src', 'generated', file), 'utf8'), `${file} differs: run npm run proto`).toBe(
        readFileSync(join(ROOT, 'src', 'generated', file), 'utf8'),
      );
  });
});
