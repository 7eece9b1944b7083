import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createFullRegistry } from '@spikedistill/cli';
import { parseExperimentConfig, saveModule, tf } from '@spikedistill/core';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * `spikedistill report` on small ablations, opened in headless Chromium
 * (Debian's `chromium`; `.ci/run` installs it): the table shows the runs'
 * numbers, every chart drew, the images load, nothing is fetched. Needs the
 * packages built (`pnpm build`). Screenshots: test/artifacts/.
 */
const root = resolve(import.meta.dirname, '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const artifacts = join(root, 'test', 'artifacts');
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.SPIKEDISTILL_REQUIRE_CHROMIUM) {
  throw new Error(`${CHROMIUM} is missing (apt-get install -y chromium)`);
}

function cli(args: string[], cwd = root) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sampleStd = (v: number[]) => {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
const readJson = <T>(path: string) => JSON.parse(readFileSync(path, 'utf8')) as T;

interface Scores {
  set: string;
  images: number;
  model: Record<string, number>;
  input: Record<string, number>;
}

/** What the page shows, read in the browser. */
interface PageState {
  rows: Array<{ role: string; label: string; cells: Record<string, number | null> }>;
  charts: Array<{ id: string; points: number; coloured: number }>;
  panels: string[];
  images: number[];
  text: string;
}

async function openReport(context: BrowserContext, html: string, screenshot: string) {
  const page = await context.newPage();
  const external: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(html).href);
  await page.waitForFunction(() => document.body.dataset.charts !== undefined);
  const state = await page.evaluate(async (): Promise<PageState> => {
    const rows = [...document.querySelectorAll<HTMLTableRowElement>('#results tbody tr')].map(
      (tr) => ({
        role: tr.dataset.role!,
        label: tr.dataset.label!,
        cells: Object.fromEntries(
          [...tr.querySelectorAll<HTMLTableCellElement>('td[data-key]')].map((td) => [
            td.dataset.key!,
            td.dataset.value === undefined ? null : Number(td.dataset.value),
          ]),
        ),
      }),
    );
    const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } })
      .Chart;
    const charts = [...document.querySelectorAll('canvas')].map((canvas) => {
      const chart = Chart.getChart(canvas) as
        | { data: { datasets: Array<{ data: unknown[] }> } }
        | undefined;
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      // Axes and text are grey: count the coloured pixels the data drew.
      let coloured = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b, a] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!, pixels[i + 3]!];
        if (a > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
      }
      return {
        id: canvas.id,
        points: chart ? chart.data.datasets.reduce((n, d) => n + d.data.length, 0) : 0,
        coloured,
      };
    });
    const panels = [...document.querySelectorAll<HTMLElement>('.panel')].map(
      (p) => `${p.dataset.role}:${p.querySelector('figcaption')!.textContent}`,
    );
    // Decode every inlined image: each panel's picture must load.
    const urls = [...document.querySelectorAll<HTMLElement>('.panel .full')].map((el) =>
      getComputedStyle(el).backgroundImage.slice(5, -2),
    );
    const images = await Promise.all(
      urls.map(
        (src) =>
          new Promise<number>((done) => {
            const img = new Image();
            img.onload = () => done(img.naturalWidth);
            img.onerror = () => done(0);
            img.src = src;
          }),
      ),
    );
    return { rows, charts, panels, images, text: document.body.textContent ?? '' };
  });
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`report screenshot: ${screenshot}`);
  await page.close();
  return { state, external, errors };
}

describe.skipIf(!haveChromium)('spikedistill report in headless Chromium', () => {
  let context: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    profile = mkdtempSync(join(tmpdir(), 'sd-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('a real 2 × 2-seed ablation: the table holds the runs’ scores, every chart drew', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-report-abl-'));
    const config = join(dir, 'tiny.yaml');
    writeFileSync(
      config,
      [
        'name: tiny',
        'backend: cpu',
        `output: ${dir}`,
        'data: { name: procedural-denoise, options: { sigma: 25, patch: 16, testImages: 2, testSize: 24 } }',
        'student: { name: spiking-unet, options: { timesteps: 1, widths: [2, 4, 4] } }',
        'train: { steps: 3, batch: 2, lr: 0.001, logEvery: 1 }',
        'ablate: { student.options.timesteps: [1, 2], seed: [1, 2] }',
      ].join('\n'),
    );
    const ablate = cli(['ablate', config]);
    expect(ablate.code, ablate.err).toBe(0);
    const folder = join(dir, 'tiny');
    const report = cli(['report', folder, '--images', '1']);
    expect(report.code, report.err).toBe(0);
    expect(report.out).toContain(join(folder, 'report.html'));

    // Expected: each variant's summary.json, grouped by T, mean and sample std over seeds.
    const summaries = [1, 2].map((t) =>
      [1, 2].map(
        (seed) =>
          readJson<{ eval: Scores[] }>(
            join(folder, `student.options.timesteps=${t},seed=${seed}`, 'summary.json'),
          ).eval[0]!,
      ),
    );
    const { state, external, errors } = await openReport(
      context,
      join(folder, 'report.html'),
      join(artifacts, 'report-real-ablation.png'),
    );
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    const students = state.rows.filter((r) => r.role === 'student');
    expect(students.map((r) => r.label)).toEqual([
      'student.options.timesteps=1',
      'student.options.timesteps=2',
    ]);
    students.forEach((row, i) => {
      for (const metric of ['psnr', 'ssim']) {
        const values = summaries[i]!.map((s) => s.model[metric]!);
        expect(row.cells[`procedural/${metric}`]).toBeCloseTo(mean(values), 9);
      }
    });
    const input = state.rows.find((r) => r.role === 'input')!;
    expect(input.cells['procedural/psnr']).toBeCloseTo(
      mean(summaries.flat().map((s) => s.input.psnr!)),
      9,
    );
    expect(state.charts.length).toBeGreaterThan(0);
    for (const chart of state.charts) {
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.coloured, chart.id).toBeGreaterThan(20);
    }
  });

  it('an ablation in the documented run-folder format: teacher, energy, firing rates, images', async () => {
    const folder = writeFixtureAblation();
    const report = cli(['report', folder, '--images', '2']);
    expect(report.code, report.err).toBe(0);
    expect(report.out).toMatch(/warning: .*loss\.jsonl: skipped its torn last line 11/);
    const { state, external, errors } = await openReport(
      context,
      join(folder, 'report.html'),
      join(artifacts, 'report-ablation.png'),
    );
    expect(errors).toEqual([]);
    expect(external).toEqual([]);

    const [teacher, input, ...students] = state.rows;
    expect(teacher!.role).toBe('teacher');
    expect(input!.role).toBe('input');
    expect(students.map((r) => r.label)).toEqual(['strategy.name=none', 'strategy.name=output-kd']);
    const teacherScores = readJson<{ parameters: number; eval: Scores[] }>(
      join(folder, 'none-s1', 'teacher.json'),
    );
    expect(teacher!.cells['procedural/psnr']).toBeCloseTo(teacherScores.eval[0]!.model.psnr!, 9);
    expect(input!.cells['procedural/psnr']).toBeCloseTo(FIXTURE_INPUT_PSNR, 9);
    const energyOf = (dir: string, role: string, estimator: string) =>
      readJson<{
        models: Array<{
          role: string;
          parameters: number;
          estimates: Array<{ estimator: string; microjoules: number }>;
        }>;
      }>(join(folder, dir, 'energy.json'))
        .models.find((m) => m.role === role)!
        .estimates.find((e) => e.estimator === estimator)!.microjoules;
    students.forEach((row, g) => {
      const strategy = STRATEGIES[g]!;
      const psnr = SEEDS.map((seed) => fixturePsnr(g, seed));
      expect(row.cells['procedural/psnr']).toBeCloseTo(mean(psnr), 9);
      expect(row.cells.params).toBe(FIXTURE.studentParams);
      expect(row.cells.params_ratio).toBeCloseTo(FIXTURE.teacherParams / FIXTURE.studentParams, 9);
      for (const estimator of ['mac-ac-45nm', 'memory-aware']) {
        const uj = SEEDS.map((seed) => energyOf(`${strategy}-s${seed}`, 'student', estimator));
        const teacherUj = energyOf(`${strategy}-s1`, 'teacher', estimator);
        expect(row.cells[`energy/${estimator}`]).toBeCloseTo(mean(uj), 12);
        expect(row.cells[`energy_ratio/${estimator}`]).toBeCloseTo(teacherUj / mean(uj), 6);
      }
    });
    // mean ± std as printed
    const none = SEEDS.map((seed) => fixturePsnr(0, seed));
    expect(state.text).toContain(`${mean(none).toFixed(2)} ± ${sampleStd(none).toFixed(2)}`);
    expect(state.text).toContain('eMac = 4.6 pJ, eAc = 0.9 pJ');
    expect(state.text).toContain('Lemaire');

    // loss (total, l1, output-kd's term), PSNR and SSIM vs step, firing rates: all drawn
    expect(state.charts.map((c) => c.id)).toEqual([
      'loss-0',
      'loss-1',
      'loss-2',
      'eval-0',
      'eval-1',
      'firing',
    ]);
    for (const chart of state.charts) {
      expect(chart.points, chart.id).toBeGreaterThan(0);
      expect(chart.coloured, chart.id).toBeGreaterThan(20);
    }
    // 2 images × clean | noisy | teacher | 2 students, every one decoded at its size
    expect(state.panels.filter((p) => p.startsWith('student:'))).toHaveLength(4);
    expect(state.panels).toHaveLength(10);
    expect(state.images).toEqual(Array(10).fill(24));
    expect(existsSync(join(folder, 'report.md'))).toBe(true);
    expect(readFileSync(join(folder, 'report.csv'), 'utf8').split('\n')[0]).toMatch(
      /^row,label,strategy\.name,seeds,/,
    );
  });

  it('says what is wrong, with a code and exit status 1, for a folder that is not a run', () => {
    const empty = mkdtempSync(join(tmpdir(), 'sd-not-a-run-'));
    const r = cli(['report', empty]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error E_NOT_A_RUN: .*neither a run folder/);
  });
});

// --- a fixture ablation in the documented format ---------------------------------------

const STRATEGIES = ['none', 'output-kd'] as const;
const SEEDS = [1, 2];
const FIXTURE_INPUT_PSNR = 20.5;
const FIXTURE = { studentParams: 0, teacherParams: 0 };
const fixturePsnr = (group: number, seed: number) => 24 + 1.5 * group + 0.37 * seed;

/**
 * Two strategies × two seeds, as the trainer writes them: config.json,
 * run.json, loss.jsonl (one with a torn last line), metrics.jsonl with
 * firing rates, summary.json, ablation.json; made-up scores and losses, but
 * real (untrained) student weights so the report can rebuild the models.
 */
function writeFixtureAblation(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sd-report-fixture-'));
  const variants = [];
  for (const [g, strategy] of STRATEGIES.entries()) {
    for (const seed of SEEDS) {
      const config = parseExperimentConfig({
        name: 'fixture',
        seed,
        backend: 'cpu',
        data: {
          name: 'procedural-denoise',
          options: { sigma: 25, patch: 16, testImages: 2, testSize: 24 },
        },
        teacher: { name: 'dncnn', options: { depth: 3, width: 8 } },
        student: { name: 'spiking-unet', options: { timesteps: 2, widths: [2, 4, 4] } },
        strategy: { name: strategy },
        train: { steps: 10, batch: 2, lr: 0.001 },
      });
      const dir = `${strategy}-s${seed}`;
      const runDir = join(folder, dir);
      mkdirSync(runDir, { recursive: true });
      const registry = createFullRegistry(seed);
      const student = registry.createFrom('backbone', config.student, 'student');
      const teacher = registry.createFrom('backbone', config.teacher!, 'teacher');
      FIXTURE.studentParams = student.parameterCount();
      FIXTURE.teacherParams = teacher.parameterCount();
      saveModule(student, join(runDir, 'student.safetensors'), { step: '10' });
      student.dispose();
      teacher.dispose();
      const values = { 'strategy.name': strategy, seed };
      const label = `strategy.name=${strategy},seed=${seed}`;
      const line = (v: unknown) => `${JSON.stringify(v)}\n`;
      writeFileSync(join(runDir, 'config.json'), JSON.stringify(config, null, 2));
      writeFileSync(
        join(runDir, 'run.json'),
        JSON.stringify({
          name: label,
          seed,
          startedAt: '2026-12-01T00:00:00Z',
          label,
          values,
          params: FIXTURE.studentParams,
          teacherParams: FIXTURE.teacherParams,
          backend: 'cpu',
        }),
      );
      const terms = (step: number) => ({
        l1: 0.2 / step + 0.01 * seed,
        ...(strategy === 'output-kd' ? { 'output-kd': 0.1 / step } : {}),
      });
      let losses = '';
      for (let step = 1; step <= 10; step++) {
        const t = terms(step);
        const loss = Object.values(t).reduce((a, b) => a + b, 0);
        losses += line({ step, loss, terms: t, lr: 0.001, msPerStep: 50 });
      }
      // A run killed while appending: the last line is torn.
      if (g === 1 && seed === 2) losses += '{"step": 11, "loss": 0.0';
      writeFileSync(join(runDir, 'loss.jsonl'), losses);
      const scores = (step: number): Scores => ({
        set: 'procedural',
        images: 2,
        model: { psnr: fixturePsnr(g, seed) - (10 - step) * 0.2, ssim: 0.6 + 0.01 * g },
        input: { psnr: FIXTURE_INPUT_PSNR, ssim: 0.5 },
      });
      const rates = (step: number) => ({
        'enc1.neuron': 0.1 + 0.01 * step,
        'enc2.neuron': 0.2,
        'latent.neuron': 0.15 + 0.05 * g,
        'dec2.neuron': 0.12,
        'dec1.neuron': 0.08 + 0.01 * seed,
      });
      writeFileSync(
        join(runDir, 'metrics.jsonl'),
        [5, 10].map((step) => line({ step, ...scores(step), firingRates: rates(step) })).join(''),
      );
      writeFileSync(
        join(runDir, 'summary.json'),
        JSON.stringify({
          steps: 10,
          startStep: 0,
          seconds: 1.5,
          finalLoss: 0.05,
          eval: [scores(10)],
          runDir,
        }),
      );
      variants.push({ label, dir, values, seed, status: 'done' });
    }
  }
  writeFileSync(
    join(folder, 'ablation.json'),
    JSON.stringify({ name: 'fixture', axes: ['strategy.name', 'seed'], variants }, null, 2),
  );
  return folder;
}
