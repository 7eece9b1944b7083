// Shared by both sides of the benchmark: the conv layers timed pass by pass
// (the convolutions of the two nets) and small helpers.

/** x is NHWC; all 3×3, 'same' padding. */
export const convCases = [
  { name: 'dncnn 32→32, 8×64²', x: [8, 64, 64, 32], cout: 32, stride: 1 },
  { name: 'sunet enc-dec 32→16, 32×64²', x: [32, 64, 64, 32], cout: 16, stride: 1 },
  { name: 'sunet down 16→32 s2, 32×64²', x: [32, 64, 64, 16], cout: 32, stride: 2 },
  { name: 'sunet mid 32→32, 32×32²', x: [32, 32, 32, 32], cout: 32, stride: 1 },
];

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function parseArgs(argv) {
  const args = { threads: 1, reps: 10, convReps: 10, batch: 8, only: undefined, nativeConv: 'off' };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    const value = argv[i + 1];
    if (key === 'only') args.only = value.split(',');
    else if (key === 'nativeConv') args.nativeConv = value;
    else if (key in args) args[key] = Number(value);
    i++;
  }
  return args;
}
