import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { resolveAuthMode } from '../../../src/server/auth/auth-mode.js';

describe('resolveAuthMode', () => {
  it('turns auth off by default on loopback only', () => {
    expect(resolveAuthMode({ host: '127.0.0.1' })).toEqual({ mode: 'none', byDefault: true });
    expect(resolveAuthMode({ host: 'localhost', auth: '' })).toEqual({ mode: 'none', byDefault: true });
    expect(() => resolveAuthMode({ host: '0.0.0.0' })).toThrow(InvalidArgumentError);
    expect(() => resolveAuthMode({ host: '10.1.2.3' })).toThrow(/--auth: listening on 10\.1\.2\.3.*--auth tokens --tokens-file FILE.*--auth none/);
  });

  it('accepts --auth none anywhere as an explicit choice', () => {
    expect(resolveAuthMode({ host: '0.0.0.0', auth: 'none' })).toEqual({ mode: 'none', byDefault: false });
  });

  it('needs a tokens file for --auth tokens, and takes a tokens file alone as --auth tokens', () => {
    expect(resolveAuthMode({ host: '0.0.0.0', auth: 'tokens', tokensFile: '/etc/hpo/tokens' })).toEqual({
      mode: 'tokens',
      tokensFile: '/etc/hpo/tokens',
    });
    expect(resolveAuthMode({ host: '::', tokensFile: 't.txt' })).toEqual({ mode: 'tokens', tokensFile: 't.txt' });
    expect(() => resolveAuthMode({ host: '127.0.0.1', auth: 'tokens' })).toThrow(/--tokens-file: --auth tokens needs/);
  });

  it('rejects contradictions and unknown modes, naming the flag', () => {
    expect(() => resolveAuthMode({ host: '127.0.0.1', auth: 'none', tokensFile: 't.txt' })).toThrow(/--tokens-file: given with --auth none/);
    expect(() => resolveAuthMode({ host: '127.0.0.1', auth: 'mtls' })).toThrow(/--auth: must be "none" or "tokens"/);
  });
});
