import { SpikedistillError } from '@spikedistill/core';

/** Errors about weights name the file and, where there is one, the tensor. */
export class WeightsError extends SpikedistillError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_WEIGHTS', message, options);
  }
}
