import { selectBackend } from '@spikedistill/core';
import { createFullRegistry } from '../packages.js';
import { pluginsCommand } from './plugins.js';

export interface DemoOptions {
  backend: string;
  log: (line: string) => void;
}

/**
 * The README's first command. For now a smoke run: build the registry from
 * every bundled package, pick the backend, and show what is registered.
 */
export async function demoCommand({ backend, log }: DemoOptions): Promise<void> {
  const registry = createFullRegistry(1);
  registry.events.on('log', (e) => log(e.message));
  const selected = await selectBackend(registry, backend);
  log(`selected backend: ${selected.name} — ${selected.reason}`);
  log(pluginsCommand(registry));
}
