import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('writes one JSON object per line in json format, honouring the level', () => {
    const out = sink();
    const logger = createLogger({ level: 'info', format: 'json', destination: out.stream });
    logger.debug('hidden');
    logger.info({ port: 50051 }, 'hpo listening');
    const lines = out.text().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'hpo listening', port: 50051 });
    expect(typeof lines[0].time).toBe('string');
  });

  it('writes a readable line per entry in pretty format, with the stack of an error below it', () => {
    const out = sink();
    const logger = createLogger({ level: 'info', format: 'pretty', destination: out.stream });
    logger.info({ address: '127.0.0.1:50051', store: 'embedded' }, 'hpo listening');
    logger.error({ err: new Error('boom') }, 'could not start');
    const [first, second, ...stack] = out.text().trim().split('\n');
    expect(first).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  hpo listening address=127\.0\.0\.1:50051 store=embedded$/);
    expect(second).toMatch(/ERROR could not start$/);
    expect(stack[0]).toContain('Error: boom');
    expect(out.text()).not.toContain('\u001b['); // not a terminal: no colours
  });
});
