import { SpikedistillError } from '@spikedistill/core';

/** A file that cannot be read or decoded; `path` names it. */
export class ImageReadError extends SpikedistillError {
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super('E_IO', `Cannot read image ${path}: ${detail}`, options);
  }
}

/** A data set that is missing, incomplete or unusable; the message says where and what was expected. */
export class DatasetError extends SpikedistillError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_DATASET', message, options);
  }
}
