import { describe, expect, it } from 'vitest';
import { createEvents } from './events.js';

describe('Events', () => {
  it('delivers typed events to subscribers until they unsubscribe', () => {
    const events = createEvents();
    const seen: number[] = [];
    const off = events.on('step', (e) => seen.push(e.step));
    const step = { totalSteps: 3, loss: 1, terms: {}, lr: 1e-3, msPerStep: 5 };
    events.emit('step', { step: 1, ...step });
    events.emit('step', { step: 2, ...step });
    off();
    events.emit('step', { step: 3, ...step });
    expect(seen).toEqual([1, 2]);
  });
});
