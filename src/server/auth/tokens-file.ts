import { readFile, stat } from 'node:fs/promises';
import { InvalidArgumentError } from '../../core/errors.js';
import { type Scope, isScope, SCOPES } from './scope.js';
import { hashToken } from './token-hash.js';

/** One line of a tokens file, with the secret already reduced to its SHA-256 digest. */
export interface TokenEntry {
  /** Who holds the token; the only thing about it that is ever logged. */
  readonly name: string;
  readonly scope: Scope;
  readonly sha256: Buffer;
}

/** A malformed tokens file. The message names the file and line, and never repeats the line (it holds a secret). */
export class TokensFileError extends InvalidArgumentError {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super('--tokens-file', `${file}:${line}: ${message}`);
  }
}

/** Token names are logged, so they are kept to characters that need no escaping anywhere. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const HASH_PREFIX = 'sha256:';
const HEX_DIGEST_PATTERN = /^[0-9a-fA-F]{64}$/;
/** A plain secret shorter than this is guessable; 16 random characters from a base64 alphabet are 96 bits. */
export const MIN_PLAIN_SECRET_LENGTH = 16;
/** Characters a bearer token may hold (RFC 6750 `b64token`), so that it survives an HTTP/2 header untouched. */
const SECRET_PATTERN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Parses a tokens file: one token per line as `name:scope:secret`, where secret is the token itself or
 * `sha256:<64 hex digits>` of it. Blank lines and lines starting with `#` are skipped. Names are unique, and so
 * are secrets (a shared secret would make the logged name a guess).
 *
 * @example
 * ```text
 * # name:scope:secret
 * ci-dashboard:read:sha256:48671461720c4f66fb223517fcca7521eab5a26fadef6eef50f7b8b463d64a8c
 * gpu-pool:worker:Zk3q8wVb1nR4tY6uI9oP2aSdF
 * alice:admin:sha256:2b73e41a91b80433e5411b90fbdd8b12ce658cf41401f364ce395fc936f9439c
 * ```
 */
export function parseTokensFile(text: string, file: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  const lineOfName = new Map<string, number>();
  const lineOfDigest = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (message: string): never => {
      throw new TokensFileError(file, lineNumber, message);
    };
    const firstColon = line.indexOf(':');
    const secondColon = firstColon < 0 ? -1 : line.indexOf(':', firstColon + 1);
    if (secondColon < 0) fail('expected name:scope:secret');
    const name = line.slice(0, firstColon).trim();
    const scope = line.slice(firstColon + 1, secondColon).trim();
    const secret = line.slice(secondColon + 1).trim();
    if (!NAME_PATTERN.test(name))
      fail(`token name must be 1..64 characters of letters, digits, ".", "_", "@", "-" (starting with a letter or digit)`);
    if (!isScope(scope)) fail(`token "${name}": unknown scope "${scope}"; expected one of ${SCOPES.join(', ')}`);
    const sha256 = secret.startsWith(HASH_PREFIX)
      ? digestOf(secret.slice(HASH_PREFIX.length), name, fail)
      : plainSecretDigest(secret, name, fail);
    const firstWithName = lineOfName.get(name);
    if (firstWithName !== undefined) fail(`token name "${name}" already used on line ${firstWithName}`);
    const digestKey = sha256.toString('hex');
    const firstWithDigest = lineOfDigest.get(digestKey);
    if (firstWithDigest !== undefined) fail(`token "${name}" has the same secret as line ${firstWithDigest}`);
    lineOfName.set(name, lineNumber);
    lineOfDigest.set(digestKey, lineNumber);
    entries.push({ name, scope: scope as Scope, sha256 });
  });
  if (entries.length === 0) throw new TokensFileError(file, lines.length, 'no tokens: every call would be refused');
  return entries;
}

function digestOf(hex: string, name: string, fail: (message: string) => never): Buffer {
  if (!HEX_DIGEST_PATTERN.test(hex)) fail(`token "${name}": a sha256: secret must be 64 hexadecimal digits`);
  return Buffer.from(hex, 'hex');
}

function plainSecretDigest(secret: string, name: string, fail: (message: string) => never): Buffer {
  if (secret.length < MIN_PLAIN_SECRET_LENGTH)
    fail(`token "${name}": secret must be at least ${MIN_PLAIN_SECRET_LENGTH} characters`);
  if (!SECRET_PATTERN.test(secret))
    fail(`token "${name}": secret may hold only letters, digits and - . _ ~ + / (then = padding)`);
  return hashToken(secret);
}

/** A tokens file as read from disk, with what the operator should hear about it. */
export interface LoadedTokens {
  readonly entries: readonly TokenEntry[];
  /** E.g. plain secrets in a file that others may read. Log them at warn. */
  readonly warnings: readonly string[];
}

/** Reads and parses a tokens file; the text is dropped once every secret is hashed. */
export async function loadTokensFile(path: string): Promise<LoadedTokens> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new InvalidArgumentError('--tokens-file', `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`, {
      cause,
    });
  }
  const entries = parseTokensFile(text, path);
  const warnings: string[] = [];
  const hasPlainSecrets = text.split(/\r?\n/).some((line) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return false;
    return !trimmed.split(':').slice(2).join(':').trim().startsWith(HASH_PREFIX);
  });
  // 0o077: any permission for group or others.
  if (hasPlainSecrets && process.platform !== 'win32' && ((await stat(path)).mode & 0o077) !== 0)
    warnings.push(`${path} holds plain secrets and is readable by other users; chmod 600 it, or store sha256: digests`);
  return { entries, warnings };
}
