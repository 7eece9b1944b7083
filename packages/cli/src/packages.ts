import * as wasmTrain from '@spikedistill/backend-wasm-train';
import * as classification from '@spikedistill/classification';
import { corePackage, createRegistry, type PluginPackage, type Registry } from '@spikedistill/core';
import * as datasets from '@spikedistill/plugins-datasets';
import * as energy from '@spikedistill/energy';
import * as hints from '@spikedistill/hints';
import * as neurons from '@spikedistill/neurons';
import * as restoration from '@spikedistill/restoration';

/** Every package the CLI ships, in dependency order (later ones may override earlier plugins). */
export const bundledPackages: PluginPackage[] = [
  corePackage,
  { name: neurons.packageName, register: neurons.register },
  { name: hints.packageName, register: hints.register },
  { name: restoration.packageName, register: restoration.register },
  { name: classification.packageName, register: classification.register },
  { name: energy.packageName, register: energy.register },
  { name: datasets.packageName, register: datasets.register },
  { name: wasmTrain.packageName, register: wasmTrain.register },
];

/** Every bundled package, then `extra` ones (third-party plugin packages), in a registry of its own. */
export function createFullRegistry(seed?: number, extra: readonly PluginPackage[] = []): Registry {
  return createRegistry({ packages: [...bundledPackages, ...extra], seed });
}
