/** Small labelled images kept as 8-bit HWC samples (CIFAR-10 in full is 150 MB this way, 600 MB as floats). */
export interface LabeledImages {
  /** count × height × width × channels, row-major HWC. */
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
  height: number;
  width: number;
  channels: number;
}
