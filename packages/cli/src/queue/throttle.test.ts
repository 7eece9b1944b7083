import { describe, expect, it } from 'vitest';
import { throttledErrors } from './throttle.js';

describe('connection errors while Redis is away', () => {
  it('are said once, then at most every 30 s with the count of those kept quiet', () => {
    let t = 0;
    const lines: string[] = [];
    const onError = throttledErrors(
      'worker w',
      (l) => lines.push(l),
      () => t,
    );
    for (t = 0; t < 65_000; t += 5_000) onError(new Error('connect ECONNREFUSED 127.0.0.1:6390'));
    expect(lines).toEqual([
      'warning: worker w: connect ECONNREFUSED 127.0.0.1:6390; retrying',
      'warning: worker w: connect ECONNREFUSED 127.0.0.1:6390 (5 more since the last report); retrying',
      'warning: worker w: connect ECONNREFUSED 127.0.0.1:6390 (5 more since the last report); retrying',
    ]);
  });

  it('say a different error at once', () => {
    const lines: string[] = [];
    const onError = throttledErrors(
      'worker w',
      (l) => lines.push(l),
      () => 0,
    );
    onError(new Error('connect ECONNREFUSED 127.0.0.1:6390'));
    onError(new Error('connect ECONNREFUSED 127.0.0.1:6390'));
    onError(new Error('Missing key for job 7. moveToFinished'));
    expect(lines).toEqual([
      'warning: worker w: connect ECONNREFUSED 127.0.0.1:6390; retrying',
      'warning: worker w: Missing key for job 7. moveToFinished; retrying',
    ]);
  });
});
