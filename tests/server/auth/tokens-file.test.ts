import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { TokensFileError, loadTokensFile, parseTokensFile } from '../../../src/server/auth/tokens-file.js';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');
const PLAIN = 'plain-secret-0123456789';
const HASHED = 'hashed-secret-9876543210';

function errorOf(text: string): TokensFileError {
  try {
    parseTokensFile(text, 'tokens.txt');
  } catch (error) {
    if (error instanceof TokensFileError) return error;
    throw error;
  }
  throw new Error('expected a TokensFileError');
}

describe('parseTokensFile', () => {
  it('reads name:scope:secret lines, plain or sha256:, skipping comments and blank lines', () => {
    const entries = parseTokensFile(
      ['# team tokens', '', `ci:read:${PLAIN}`, `  pool:worker:sha256:${sha256Hex(HASHED)}  `, `alice:admin:sha256:${sha256Hex('x'.repeat(20)).toUpperCase()}`].join(
        '\n',
      ),
      'tokens.txt',
    );
    expect(entries.map(({ name, scope }) => `${name}:${scope}`)).toEqual(['ci:read', 'pool:worker', 'alice:admin']);
    expect(entries[0].sha256.toString('hex')).toBe(sha256Hex(PLAIN));
    expect(entries[1].sha256.toString('hex')).toBe(sha256Hex(HASHED));
    expect(entries[2].sha256.toString('hex')).toBe(sha256Hex('x'.repeat(20)));
  });

  it('keeps no secret in what it returns, only digests', () => {
    const entries = parseTokensFile(`ci:read:${PLAIN}\r\n`, 'tokens.txt');
    expect(JSON.stringify(entries)).not.toContain(PLAIN);
    expect(Object.keys(entries[0]).sort()).toEqual(['name', 'scope', 'sha256']);
  });

  it.each([
    ['no colons', 'just-a-line', 'expected name:scope:secret'],
    ['one colon', 'ci:read', 'expected name:scope:secret'],
    ['an empty name', `:read:${PLAIN}`, 'token name must be'],
    ['a name with spaces', `c i:read:${PLAIN}`, 'token name must be'],
    ['an unknown scope', `ci:root:${PLAIN}`, 'unknown scope "root"'],
    ['a short plain secret', 'ci:read:short', 'at least 16 characters'],
    ['a secret with a space', 'ci:read:abcdefgh ijklmnopq', 'may hold only'],
    ['a sha256 digest that is not 64 hex digits', 'ci:read:sha256:abc123', '64 hexadecimal digits'],
  ])('rejects %s with the file and line number', (_, line, message) => {
    const error = errorOf(`# header\n\n${line}\n`);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.line).toBe(3);
    expect(error.message).toContain('tokens.txt:3: ');
    expect(error.message).toContain(message);
    expect(error.field).toBe('--tokens-file');
  });

  it('rejects a repeated name and a repeated secret, naming the first line', () => {
    expect(errorOf(`a:read:${PLAIN}\nb:read:${HASHED}\na:admin:${'z'.repeat(16)}`).message).toMatch(/tokens.txt:3: .*already used on line 1/);
    expect(errorOf(`a:read:${PLAIN}\nb:admin:sha256:${sha256Hex(PLAIN)}`).message).toMatch(/tokens.txt:2: .*same secret as line 1/);
  });

  it('rejects a file without tokens', () => {
    expect(errorOf('# nothing here\n\n').message).toContain('no tokens');
  });

  it('never repeats a secret in an error message', () => {
    const secrets = ['ci:root:' + PLAIN, 'c i:read:' + PLAIN, `a:read:${PLAIN}\nb:read:${PLAIN}`, 'ci:read:sha256:' + PLAIN];
    for (const text of secrets) expect(errorOf(text).message).not.toContain(PLAIN);
  });
});

describe('loadTokensFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hpo-tokens-'));

  it('warns when plain secrets are readable by others, and not when the file is private or hashed', async () => {
    const open = join(dir, 'open.txt');
    writeFileSync(open, `ci:read:${PLAIN}\n`);
    chmodSync(open, 0o644);
    expect((await loadTokensFile(open)).warnings).toEqual([expect.stringContaining('chmod 600')]);

    const closed = join(dir, 'closed.txt');
    writeFileSync(closed, `ci:read:${PLAIN}\n`);
    chmodSync(closed, 0o600);
    expect((await loadTokensFile(closed)).warnings).toEqual([]);

    const hashed = join(dir, 'hashed.txt');
    writeFileSync(hashed, `ci:read:sha256:${sha256Hex(PLAIN)}\n`);
    chmodSync(hashed, 0o644);
    expect((await loadTokensFile(hashed)).warnings).toEqual([]);
  });

  it('names the flag and the path when the file cannot be read', async () => {
    await expect(loadTokensFile(join(dir, 'missing.txt'))).rejects.toThrow(/--tokens-file: cannot read .*missing\.txt: ENOENT/);
  });
});
