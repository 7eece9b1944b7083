import { directEncoder } from './direct.js';
import { latencyEncoder } from './latency.js';
import { rateEncoder } from './rate.js';

export { directEncoder, latencyEncoder, rateEncoder };
export const encoderPlugins = [directEncoder, rateEncoder, latencyEncoder] as const;
