import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from './program.js';

function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  return buildProgram((l) => lines.push(l))
    .exitOverride()
    .parseAsync(['node', 'spikedistill', ...args])
    .then(() => lines);
}

describe('spikedistill CLI', () => {
  it('lists the registered kinds, backends included', async () => {
    const [table] = await run(['plugins']);
    expect(stripVTControlCharacters(table!)).toMatch(/backend\s*│\s*cpu, tensorflow, wasm/);
  });

  it('describes one plugin with its defaults', async () => {
    const [text] = await run(['plugins', 'backend', 'tensorflow']);
    expect(text).toContain('backend/tensorflow');
    expect(text).toContain('"device": "auto"');
  });

  it('demo selects a backend and says which and why', async () => {
    const lines = await run(['demo', '--backend', 'cpu']);
    expect(lines.join('\n')).toContain('selected backend: cpu — requested');
  });

  it('check reports an unknown plugin with its config path and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-cli-'));
    const file = join(dir, 'e.yaml');
    writeFileSync(file, 'data: { name: nope }\nstudent: { name: nada }\n');
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    const code = await main(['node', 'spikedistill', 'check', file]);
    spy.mockRestore();
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/E_UNKNOWN_PLUGIN: Unknown dataset plugin 'nope' at data\./);
  });
});
