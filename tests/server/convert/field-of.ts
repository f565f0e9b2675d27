import { expect } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';

/** The field named by the InvalidArgumentError `run` throws (fails the test when it throws nothing else). */
export function fieldOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).field;
  }
  throw new Error('expected an InvalidArgumentError');
}
