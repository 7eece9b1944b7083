import type { Registry } from '@spikedistill/core';
import Table from 'cli-table3';

/** `spikedistill plugins [kind] [name]`: what is registered, or one plugin's options. */
export function pluginsCommand(registry: Registry, kind?: string, name?: string): string {
  if (kind && name) {
    const d = registry.describe(kind, name);
    const lines = [
      `${d.kind}/${d.name}${d.version ? `@${d.version}` : ''}  (from ${d.source})`,
      d.description ?? '',
      '',
      'options (JSON schema):',
      JSON.stringify(d.schema, null, 2),
    ];
    if (d.defaults !== undefined) lines.push('', 'defaults:', JSON.stringify(d.defaults, null, 2));
    if (d.meta) lines.push('', 'meta:', JSON.stringify(d.meta, null, 2));
    return lines.join('\n');
  }
  const kinds = kind ? [kind] : registry.kinds();
  const table = new Table({ head: ['kind', 'plugins'], wordWrap: true, colWidths: [12, 80] });
  for (const k of kinds) table.push([k, registry.list(k).join(', ') || '(none)']);
  return table.toString();
}
