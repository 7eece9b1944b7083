import { SpikedistillError } from '@spikedistill/core';
import { describe, expect, it } from 'vitest';
import { describeError } from './errors.js';

describe('describeError', () => {
  it('keeps the toolkit’s codes, maps file-system and allocation failures, and marks the rest internal', () => {
    expect(describeError(new SpikedistillError('E_CONFIG', 'bad'))).toEqual({
      code: 'E_CONFIG',
      message: 'bad',
    });
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
    });
    expect(describeError(full)).toEqual({ code: 'E_IO', message: full.message });
    const denied = Object.assign(new Error("EACCES: permission denied, open '/x'"), {
      code: 'EACCES',
    });
    expect(describeError(denied).code).toBe('E_IO');
    expect(describeError(new RangeError('Array buffer allocation failed')).code).toBe('E_MEMORY');
    const other = describeError(new TypeError('x is not a function'));
    expect(other.code).toBe('E_INTERNAL');
    expect(other.message).toMatch(/x is not a function .*--debug/);
  });
});
