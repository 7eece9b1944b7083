import { neuronConformance } from '../testing/conformance.js';
import { neuronsRegistry } from '../testing/registry.js';

// Every registered neuron plugin, on the reference cpu backend and on wasm
// (elementwise ops only, so no training kernels are needed).
neuronConformance(() => neuronsRegistry());
