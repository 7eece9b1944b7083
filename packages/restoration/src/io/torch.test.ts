import {
  createRegistry,
  type DecodedSafetensors,
  decodeSafetensors,
  encodeSafetensors,
  Module,
  Rng,
  tf,
} from '@spikedistill/core';
import { Conv2d, ConvTranspose2x2, DepthwiseConv2d } from '@spikedistill/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { register } from '../index.js';
import { applyTorchWeights } from './torch.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Chw = number[][][];

/** PyTorch Conv2d (cross-correlation, zero padding) on CHW, weight OIHW, by loops. */
function torchConv(
  x: Chw,
  w: number[][][][],
  bias: number[] | null,
  stride: number,
  pad: number,
): Chw {
  const [c, h, wd] = [x.length, x[0]!.length, x[0]![0]!.length];
  const k = w[0]![0]!.length;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((wd + 2 * pad - k) / stride) + 1;
  return w.map((wo, o) =>
    Array.from({ length: oh }, (_, y) =>
      Array.from({ length: ow }, (_, xx) => {
        let s = bias ? bias[o]! : 0;
        for (let i = 0; i < c; i++)
          for (let dy = 0; dy < k; dy++)
            for (let dx = 0; dx < k; dx++) {
              const yy = y * stride + dy - pad;
              const xk = xx * stride + dx - pad;
              if (yy >= 0 && yy < h && xk >= 0 && xk < wd) s += x[i]![yy]![xk]! * wo[i]![dy]![dx]!;
            }
        return s;
      }),
    ),
  );
}

const map = (x: Chw, f: (v: number, c: number) => number): Chw =>
  x.map((plane, c) => plane.map((row) => row.map((v) => f(v, c))));

/** Deterministic values, different per tensor. */
const vals = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => Math.round(Math.sin(seed * 17 + i * 2.3) * 50) / 100);
const nest4 = (flat: number[], [a, b, c, d]: number[]) =>
  Array.from({ length: a! }, (_, i) =>
    Array.from({ length: b! }, (_, j) =>
      Array.from({ length: c! }, (_, k) =>
        flat.slice(((i * b! + j) * c! + k) * d!, ((i * b! + j) * c! + k + 1) * d!),
      ),
    ),
  );

function expectClose(got: Chw, want: Chw): void {
  const w = want.flat(2);
  expect(got.flat(2).length).toBe(w.length);
  got.flat(2).forEach((v, i) => {
    expect(v).toBeCloseTo(w[i]!, 5);
  });
}

function toNhwc(x: Chw): tf.Tensor4D {
  const [c, h, w] = [x.length, x[0]!.length, x[0]![0]!.length];
  const data: number[] = [];
  for (let y = 0; y < h; y++)
    for (let xx = 0; xx < w; xx++) for (let k = 0; k < c; k++) data.push(x[k]![y]![xx]!);
  return tf.tensor4d(data, [1, h, w, c]);
}
function fromNhwc(t: tf.Tensor): Chw {
  const a = (t.arraySync() as number[][][][])[0]!;
  const c = a[0]![0]!.length;
  return Array.from({ length: c }, (_, k) => a.map((row) => row.map((px) => px[k]!)));
}

function file(
  entries: Array<[string, number[], number[]]>,
  ints: Array<[string, number[]]> = [],
): DecodedSafetensors['tensors'] {
  return decodeSafetensors(
    encodeSafetensors([
      ...entries.map(([n, shape, data]) => [n, { shape, data: Float32Array.from(data) }] as const),
      ...ints.map(
        ([n, shape]) =>
          [n, { shape, data: new Int32Array(shape.reduce((a, b) => a * b, 1)) }] as const,
      ),
    ]),
    'torch.safetensors',
  ).tensors;
}

describe('PyTorch state_dict import', () => {
  it('dncnn: Sequential names, OIHW weights, BN statistics; output matches a direct computation', () => {
    const registry = createRegistry({ packages: [{ name: 'r', register }] });
    const model = registry.create('backbone', 'dncnn', { depth: 3, width: 2 });
    const w0 = vals(2 * 1 * 9, 1);
    const b0 = [0.1, -0.2];
    const w2 = vals(2 * 2 * 9, 2);
    const bn = { weight: [1.5, 0.5], bias: [0.05, -0.1], mean: [0.2, -0.3], var: [0.5, 2] };
    const w5 = vals(1 * 2 * 9, 3);
    const weights = file(
      [
        ['dncnn.0.weight', [2, 1, 3, 3], w0],
        ['dncnn.0.bias', [2], b0],
        ['dncnn.2.weight', [2, 2, 3, 3], w2],
        ['dncnn.3.weight', [2], bn.weight],
        ['dncnn.3.bias', [2], bn.bias],
        ['dncnn.3.running_mean', [2], bn.mean],
        ['dncnn.3.running_var', [2], bn.var],
        ['dncnn.5.weight', [1, 2, 3, 3], w5],
      ],
      [['dncnn.3.num_batches_tracked', []]],
    );
    applyTorchWeights(model, weights, 'torch.safetensors');

    const input: Chw = [
      Array.from({ length: 5 }, (_, y) =>
        Array.from({ length: 4 }, (_, x) => (((y * 4 + x) * 7) % 11) / 10),
      ),
    ];
    const relu = (v: number) => Math.max(0, v);
    let h = map(torchConv(input, nest4(w0, [2, 1, 3, 3]), b0, 1, 1), relu);
    h = torchConv(h, nest4(w2, [2, 2, 3, 3]), null, 1, 1);
    h = map(h, (v, c) =>
      relu(((v - bn.mean[c]!) / Math.sqrt(bn.var[c]! + 1e-4)) * bn.weight[c]! + bn.bias[c]!),
    );
    const noise = torchConv(h, nest4(w5, [1, 2, 3, 3]), null, 1, 1);
    const want = input.map((plane, c) =>
      plane.map((row, y) => row.map((v, x) => v - noise[c]![y]![x]!)),
    );

    const x = toNhwc(input);
    const got = fromNhwc(model.forward(x, { training: false }).output);
    expectClose(got, want);
    model.dispose();
  });

  it('stride-2 conv, 2×2 transposed conv and depthwise conv layouts', () => {
    class Twin extends Module {
      readonly down = this.child('down', new Conv2d(new Rng(1), 2, 3, { stride: 2 }));
      readonly up = this.child('up', new ConvTranspose2x2(new Rng(2), 3, 2));
      readonly dw = this.child('dw', new DepthwiseConv2d(new Rng(3), 2, { bias: true }));
    }
    const twin = new Twin();
    const wd = vals(3 * 2 * 9, 4);
    const bd = [0.1, 0.2, 0.3];
    const wu = vals(3 * 2 * 4, 5); // torch ConvTranspose2d: [in=3, out=2, 2, 2]
    const bu = [-0.1, 0.1];
    const ww = vals(2 * 9, 6); // torch depthwise: [C=2, 1, 3, 3]
    const bw = [0.01, 0.02];
    applyTorchWeights(
      twin,
      file([
        ['down.weight', [3, 2, 3, 3], wd],
        ['down.bias', [3], bd],
        ['up.weight', [3, 2, 2, 2], wu],
        ['up.bias', [2], bu],
        ['dw.weight', [2, 1, 3, 3], ww],
        ['dw.bias', [2], bw],
      ]),
      'twin.safetensors',
    );
    const input: Chw = [0, 1].map((c) =>
      Array.from({ length: 6 }, (_, y) =>
        Array.from({ length: 6 }, (_, x) => Math.cos(c + y * 0.7 + x * 0.3)),
      ),
    );
    const x = toNhwc(input);

    // PyTorch Conv2d(2, 3, 3, stride=2, padding=1)
    const down = torchConv(input, nest4(wd, [3, 2, 3, 3]), bd, 2, 1);
    const gotDown = fromNhwc(twin.down.forward(x));
    expectClose(gotDown, down);

    // PyTorch ConvTranspose2d(3, 2, 2, stride=2): out[o, 2y+i, 2x+j] += in[c, y, x]·W[c, o, i, j]
    const W = nest4(wu, [3, 2, 2, 2]);
    const up: Chw = [0, 1].map((o) =>
      Array.from({ length: 6 }, (_, yy) =>
        Array.from({ length: 6 }, (_, xx) => {
          let s = bu[o]!;
          for (let c = 0; c < 3; c++)
            s += down[c]![yy >> 1]![xx >> 1]! * W[c]![o]![yy & 1]![xx & 1]!;
          return s;
        }),
      ),
    );
    const gotUp = fromNhwc(twin.up.forward(toNhwc(down)));
    expectClose(gotUp, up);

    // PyTorch Conv2d(2, 2, 3, padding=1, groups=2)
    const Wd = nest4(ww, [2, 1, 3, 3]);
    const dw: Chw = [0, 1].map((c) => torchConv([input[c]!], [Wd[c]!], [bw[c]!], 1, 1)[0]!);
    const gotDw = fromNhwc(twin.dw.forward(x));
    expectClose(gotDw, dw);
    twin.dispose();
  });

  it('names the PyTorch tensor, our tensor and both layouts on a shape mismatch', () => {
    const registry = createRegistry({ packages: [{ name: 'r', register }] });
    const model = registry.create('backbone', 'dncnn', { depth: 3, width: 2, batchNorm: false });
    const good: Array<[string, number[], number[]]> = [
      ['dncnn.0.weight', [2, 1, 3, 3], vals(18, 1)],
      ['dncnn.0.bias', [2], [0, 0]],
      ['dncnn.2.weight', [2, 2, 3, 3], vals(36, 2)],
      ['dncnn.2.bias', [2], [0, 0]],
      ['dncnn.4.weight', [1, 2, 3, 3], vals(18, 3)],
    ];
    applyTorchWeights(model, file(good), 'ok.safetensors');
    const bad = good.map(([n, s, d]) =>
      n === 'dncnn.2.weight'
        ? ([n, [3, 3, 2, 2], d] as (typeof good)[0])
        : ([n, s, d] as (typeof good)[0]),
    );
    expect(() => applyTorchWeights(model, file(bad), 'bad.safetensors')).toThrow(
      "bad.safetensors: tensor 'dncnn.2.weight' has shape [3, 3, 2, 2], but 'conv2.weight' needs [2, 2, 3, 3] (OIHW; ours is HWIO [3, 3, 2, 2])",
    );
    expect(() => applyTorchWeights(model, file(good.slice(1)), 'less.safetensors')).toThrow(
      /less\.safetensors lacks 1 tensor\(s\).*dncnn\.0\.weight \(for conv1\.weight\)/,
    );
    expect(() =>
      applyTorchWeights(model, file([...good, ['fc.weight', [1], [1]]]), 'more.safetensors'),
    ).toThrow(/more\.safetensors has 1 tensor\(s\) the model does not use: fc\.weight/);
    model.dispose();
  });
});

describe("core's loadBackboneWeights", () => {
  it('loads a PyTorch file into a backbone through importWeights', async () => {
    const { loadBackboneWeights } = await import('@spikedistill/core');
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const registry = createRegistry({ packages: [{ name: 'r', register }] });
    const model = registry.create('backbone', 'dncnn', { depth: 3, width: 2, batchNorm: false });
    const dir = await mkdtemp(join(tmpdir(), 'core-load-'));
    const path = join(dir, 'pt.safetensors');
    const w2 = vals(36, 2);
    await writeFile(
      path,
      encodeSafetensors([
        ['dncnn.0.weight', { shape: [2, 1, 3, 3], data: Float32Array.from(vals(18, 1)) }],
        ['dncnn.0.bias', { shape: [2], data: Float32Array.from([0.5, -0.5]) }],
        ['dncnn.2.weight', { shape: [2, 2, 3, 3], data: Float32Array.from(w2) }],
        ['dncnn.2.bias', { shape: [2], data: Float32Array.from([0, 0]) }],
        ['dncnn.4.weight', { shape: [1, 2, 3, 3], data: Float32Array.from(vals(18, 3)) }],
      ]),
    );
    loadBackboneWeights(model, path);
    expect([...model.stateDict().get('conv1.bias')!.dataSync()]).toEqual([0.5, -0.5]);
    // OIHW [o=1, i=0, h=2, w=1] lands at HWIO [2, 1, 0, 1].
    const hwio = model.stateDict().get('conv2.weight')!.arraySync() as number[][][][];
    expect(hwio[2]![1]![0]![1]).toBeCloseTo(w2[((1 * 2 + 0) * 3 + 2) * 3 + 1]!, 6);
    await rm(dir, { recursive: true, force: true });
    model.dispose();
  });
});
