import { BadOptionsError } from '@spikedistill/core';

export function checkTimesteps(encoder: string, timesteps: number): void {
  if (!Number.isInteger(timesteps) || timesteps < 1) {
    throw new BadOptionsError(
      `encoder '${encoder}'`,
      `timesteps must be a positive integer, got ${timesteps}`,
    );
  }
}
