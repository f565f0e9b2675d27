import { InvalidArgumentError } from '../../core/errors.js';
import { isLoopbackHost } from '../loopback-address.js';

export type AuthModeName = 'none' | 'tokens';

export type AuthMode =
  | { readonly mode: 'none'; /** True when chosen by default (loopback), not by `--auth none`. */ readonly byDefault: boolean }
  | { readonly mode: 'tokens'; readonly tokensFile: string };

/**
 * Decides `--auth` from the flags and the listen host. Auth off is an explicit choice, the default only on a
 * loopback host: on any other host without `--auth` the server refuses to start rather than guess, because a
 * guess either way is wrong for someone (open port on a shared cluster, or a surprise refusal of every call).
 * `--tokens-file` alone implies `--auth tokens`.
 */
export function resolveAuthMode(input: { auth?: string; tokensFile?: string; host: string }): AuthMode {
  const { auth, host } = input;
  const tokensFile = input.tokensFile === '' ? undefined : input.tokensFile;
  if (auth !== undefined && auth !== '' && auth !== 'none' && auth !== 'tokens')
    throw new InvalidArgumentError('--auth', `must be "none" or "tokens", got "${auth}"`);
  if (auth === 'none') {
    if (tokensFile !== undefined)
      throw new InvalidArgumentError('--tokens-file', 'given with --auth none; drop one of them (HPO_AUTH / HPO_TOKENS_FILE)');
    return { mode: 'none', byDefault: false };
  }
  if (auth === 'tokens' || tokensFile !== undefined) {
    if (tokensFile === undefined)
      throw new InvalidArgumentError('--tokens-file', '--auth tokens needs --tokens-file FILE (or HPO_TOKENS_FILE)');
    return { mode: 'tokens', tokensFile };
  }
  if (isLoopbackHost(host)) return { mode: 'none', byDefault: true };
  throw new InvalidArgumentError(
    '--auth',
    `listening on ${host}, which other machines can reach, needs an explicit choice: ` +
      '--auth tokens --tokens-file FILE to require bearer tokens, or --auth none to accept every caller (HPO_AUTH, HPO_TOKENS_FILE)',
  );
}
