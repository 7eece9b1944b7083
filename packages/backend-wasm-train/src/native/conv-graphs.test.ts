import { describe, expect, it } from 'vitest';
import {
  type ConvGeometry,
  filterGradGraph,
  forwardGraph,
  inputGradGraph,
  onnxAgrees,
} from './conv-graphs.js';

const geometry = (over: Partial<ConvGeometry> = {}): ConvGeometry => ({
  batch: 2,
  inHeight: 8,
  inWidth: 8,
  inChannels: 16,
  outHeight: 8,
  outWidth: 8,
  outChannels: 32,
  filterHeight: 3,
  filterWidth: 3,
  strideHeight: 1,
  strideWidth: 1,
  dilationHeight: 1,
  dilationWidth: 1,
  pad: { top: 1, bottom: 1, left: 1, right: 1 },
  ...over,
});
const ops = (graph: ReturnType<typeof forwardGraph>) =>
  graph!.nodes.map((n) => (n.domain ? `${n.domain}:${n.op}` : n.op));

describe('conv pass graphs', () => {
  it('agree with tfjs on the output size, or are not built', () => {
    expect(onnxAgrees(geometry())).toBe(true);
    // ceil rounding: one more row than ONNX's floor gives
    const ceil = geometry({
      outHeight: 5,
      strideHeight: 2,
      pad: { top: 0, bottom: 0, left: 1, right: 1 },
    });
    expect(onnxAgrees(ceil)).toBe(false);
    expect(forwardGraph(ceil)).toBeUndefined();
    expect(inputGradGraph(ceil)).toBeUndefined();
    expect(filterGradGraph(ceil)).toBeUndefined();
    expect(onnxAgrees(geometry({ pad: { top: -1, bottom: 1, left: 1, right: 1 } }))).toBe(false);
  });

  it('use the blocked kernels when the block divides both channel counts', () => {
    expect(ops(forwardGraph(geometry(), 16))).toEqual([
      'Reshape',
      'Transpose',
      'Reshape',
      'com.microsoft.nchwc:ReorderInput',
      'com.microsoft.nchwc:Conv',
      'com.microsoft.nchwc:ReorderOutput',
    ]);
    expect(ops(forwardGraph(geometry(), 0))).toEqual([
      'Transpose',
      'Transpose',
      'Conv',
      'Transpose',
    ]);
    expect(ops(forwardGraph(geometry({ inChannels: 12 }), 16))).toContain('Conv');
    expect(ops(forwardGraph(geometry({ inChannels: 12 }), 16))).not.toContain(
      'com.microsoft.nchwc:Conv',
    );
    expect(ops(inputGradGraph(geometry(), 16))).toContain('com.microsoft.nchwc:Conv');
  });

  it('take dx of strided layers through ConvTranspose with the rows the forward pass skipped', () => {
    // 'valid', stride 2 on 9 rows: 4 output rows read rows 0–8 … the 9th too; on 10 rows row 9 is unread
    const g = geometry({
      inHeight: 10,
      inWidth: 10,
      outHeight: 4,
      outWidth: 4,
      strideHeight: 2,
      strideWidth: 2,
      pad: { top: 0, bottom: 0, left: 0, right: 0 },
    });
    const graph = inputGradGraph(g, 16)!;
    const convT = graph.nodes.find((n) => n.op === 'ConvTranspose')!;
    expect(convT.attrs?.output_padding).toEqual([1, 1]);
  });

  it('build dW from one GEMM per filter tap, over strided windows', () => {
    const g = geometry({
      outHeight: 4,
      outWidth: 4,
      strideHeight: 2,
      strideWidth: 2,
      pad: { top: 0, bottom: 1, left: 0, right: 1 },
    });
    const graph = filterGradGraph(g)!;
    expect(graph.nodes.filter((n) => n.op === 'MatMul')).toHaveLength(9);
    const last = graph.constants!.find((c) => c.name === 'to2_2');
    // window of tap (2, 2): rows 2, 4, 6, 8 → end 9
    expect(last && 'int64' in last && last.int64).toEqual([9, 9]);
  });
});
