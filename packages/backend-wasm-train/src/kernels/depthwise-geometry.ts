import { tf } from '@spikedistill/core';

/** Shapes and offsets shared by the two depthwise backprop kernels. */
export interface DepthwiseGeometry {
  batch: number;
  inH: number;
  inW: number;
  channels: number;
  multiplier: number;
  outH: number;
  outW: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  top: number;
  left: number;
}

export function depthwiseGeometry(
  inputShape: number[],
  filterShape: number[],
  attrs: {
    strides: number | [number, number];
    dilations: number | [number, number];
    pad: unknown;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
  },
): DepthwiseGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    attrs.dilations,
    attrs.pad as 'same',
    attrs.dimRoundingMode,
    true,
  );
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    channels: info.inChannels,
    multiplier: info.outChannels / info.inChannels,
    outH: info.outHeight,
    outW: info.outWidth,
    fh: info.filterHeight,
    fw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    dh: info.dilationHeight,
    dw: info.dilationWidth,
    top: info.padInfo.top,
    left: info.padInfo.left,
  };
}

/**
 * Calls `visit(xBase, yBase, fBase)` for every (output pixel, filter tap)
 * pair that lands inside the input: element offsets of channel 0 in x
 * [N,H,W,C], dy [N,Ho,Wo,C·m] and the filter [fh,fw,C,m].
 */
export function forEachTap(
  g: DepthwiseGeometry,
  visit: (xBase: number, yBase: number, fBase: number) => void,
): void {
  const cm = g.channels * g.multiplier;
  for (let n = 0; n < g.batch; n++) {
    for (let oh = 0; oh < g.outH; oh++) {
      for (let ow = 0; ow < g.outW; ow++) {
        const yBase = ((n * g.outH + oh) * g.outW + ow) * cm;
        for (let kh = 0; kh < g.fh; kh++) {
          const ih = oh * g.sh + kh * g.dh - g.top;
          if (ih < 0 || ih >= g.inH) continue;
          for (let kw = 0; kw < g.fw; kw++) {
            const iw = ow * g.sw + kw * g.dw - g.left;
            if (iw < 0 || iw >= g.inW) continue;
            visit(((n * g.inH + ih) * g.inW + iw) * g.channels, yBase, (kh * g.fw + kw) * cm);
          }
        }
      }
    }
  }
}
