import type { Rng } from '@spikedistill/core';

/**
 * Chris Doty-Humphrey's SFC32 (Small Fast Counting) generator, passes
 * PractRand and BigCrush. Bulk noise draws millions of numbers per image;
 * seeding one of these from the caller's `Rng` keeps every result a function
 * of that stream's seed while costing a few nanoseconds per number.
 */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(rng: Rng) {
    const word = () => (rng.uniform() * 4294967296) >>> 0;
    this.a = word();
    this.b = word();
    this.c = word();
    this.d = word() | 1;
    for (let i = 0; i < 12; i++) this.int32();
  }

  /** A signed 32-bit integer. */
  int32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return (this.int32() >>> 0) / 4294967296;
  }
}
