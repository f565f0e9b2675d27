import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every file under `dir`, as paths relative to it. */
function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** The `out:` folders of buf.gen.yaml (src/generated, and any other copy such as the SDK's). */
function generatedFolders(): string[] {
  const template = readFileSync(join(ROOT, 'buf.gen.yaml'), 'utf8');
  return [...template.matchAll(/^\s*out:\s*(\S+)\s*$/gm)].map((m) => m[1]);
}

describe('committed generated code', () => {
  // `buf generate --output` prefixes every plugin's out folder, so the real template runs into a temp dir.
  const tmp = mkdtempSync(join(tmpdir(), 'hpo-proto-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('is exactly what `npm run proto` generates from proto/ (run it and commit the result if this fails)', () => {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'buf'), ['generate', '--output', tmp], { cwd: ROOT, stdio: 'pipe' });
    const folders = generatedFolders();
    expect(folders).toContain('src/generated');
    for (const folder of folders) {
      const fresh = join(tmp, folder);
      const committed = join(ROOT, folder);
      expect(listFiles(committed), `files in ${folder}`).toEqual(listFiles(fresh));
      for (const file of listFiles(fresh)) {
        expect(readFileSync(join(committed, file), 'utf8'), `${folder}/${file} is stale`).toBe(readFileSync(join(fresh, file), 'utf8'));
      }
    }
  });
});
