import { SpikedistillError } from '@spikedistill/core';

/** A model (or a part of it) that cannot be written as ONNX; the message says which and why. */
export class ExportError extends SpikedistillError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_EXPORT', message, options);
  }
}
