import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel, encodeSafetensors, saveModule, tf } from '@spikedistill/core';
import { createFullRegistry } from '../packages.js';
import { describe, expect, it } from 'vitest';
import { aggregate, loadReportData, resultTable, stat, writeReport } from './index.js';
import { renderMarkdown } from './render-markdown.js';
import { detailWindow } from './samples.js';
import { readTernaryCounts } from './ternary.js';

const json = (v: unknown) => JSON.stringify(v);

/** One run folder in the documented format, with made-up but known numbers. */
function writeRun(dir: string, o: { seed: number; psnr: number; params: number; uj?: number }) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'run.json'),
    json({ name: 'r', seed: o.seed, params: o.params, teacherParams: 1000 }),
  );
  writeFileSync(
    join(dir, 'loss.jsonl'),
    [1, 2, 3]
      .map((step) => json({ step, loss: 1 / step + o.seed, terms: { l1: 0.5 / step } }))
      .join('\n') + '\n',
  );
  const scores = { set: 'A', images: 2, model: { psnr: o.psnr }, input: { psnr: 20 } };
  writeFileSync(
    join(dir, 'metrics.jsonl'),
    `${json({ step: 3, ...scores, firingRates: { 'enc1.neuron': 0.1 * o.seed } })}\n`,
  );
  writeFileSync(
    join(dir, 'summary.json'),
    json({ steps: 3, startStep: 0, seconds: 1, finalLoss: 1, eval: [scores] }),
  );
  if (o.uj !== undefined) {
    const estimate = (uj: number) => ({
      estimator: 'mac-ac-45nm',
      source: 'Horowitz 2014',
      constants: { eMac: 4.6, eAc: 0.9 },
      bits: {},
      microjoules: uj,
    });
    writeFileSync(
      join(dir, 'energy.json'),
      json({
        measuredOn: { set: 'A', images: 1, shape: [8, 8, 1] },
        models: [
          {
            role: 'teacher',
            model: 't',
            spiking: false,
            timesteps: 1,
            parameters: 1000,
            firingRate: null,
            neurons: [],
            estimates: [estimate(50)],
          },
          {
            role: 'student',
            model: 's',
            spiking: true,
            timesteps: 2,
            parameters: o.params,
            firingRate: 0.2,
            neurons: [],
            estimates: [estimate(o.uj)],
          },
        ],
      }),
    );
  }
}

function writeAblation(): string {
  const root = mkdtempSync(join(tmpdir(), 'sd-report-'));
  const variants = [
    { t: 1, seed: 1, psnr: 25, uj: 2 },
    { t: 1, seed: 2, psnr: 27, uj: 4 },
    { t: 2, seed: 1, psnr: 30, uj: 5 },
  ].map((v) => {
    const dir = `t${v.t}-s${v.seed}`;
    writeRun(join(root, dir), { seed: v.seed, psnr: v.psnr, params: 10, uj: v.uj });
    return {
      label: `T=${v.t},seed=${v.seed}`,
      dir,
      values: { T: v.t, seed: v.seed },
      seed: v.seed,
      status: 'done',
    };
  });
  variants.push({
    label: 'T=2,seed=2',
    dir: 'missing',
    values: { T: 2, seed: 2 },
    seed: 2,
    status: 'failed',
  });
  writeFileSync(join(root, 'ablation.json'), json({ name: 'abl', axes: ['T', 'seed'], variants }));
  return root;
}

describe('report data', () => {
  it('stat: mean and sample std (n − 1), none for no values', () => {
    const s = stat([25, 27])!;
    expect(s.mean).toBe(26);
    expect(s.std).toBeCloseTo(Math.SQRT2, 12);
    expect(stat([3])!.std).toBeUndefined();
    expect(stat([])).toBeUndefined();
  });

  it('groups variants that differ only in seed: mean ± std, params and energy ratios vs the teacher', () => {
    const data = loadReportData(writeAblation());
    const agg = aggregate(data);
    expect(agg.groups.map((g) => [g.label, g.seeds, g.failed])).toEqual([
      ['T=1', [1, 2], 0],
      ['T=2', [1], 1],
    ]);
    const table = resultTable(agg);
    expect(table.axes).toEqual(['T']);
    const [teacher, input, t1, t2] = table.rows;
    expect(teacher!.cells['A/psnr']!.text).toBe('—'); // no teacher.json: not scored
    expect(teacher!.cells['energy/mac-ac-45nm']!.mean).toBe(50);
    expect(input!.cells['A/psnr']!.mean).toBe(20);
    expect(t1!.cells['A/psnr']).toMatchObject({ mean: 26, text: '26.00 ± 1.41' });
    expect(t1!.cells.params_ratio).toMatchObject({ mean: 100, text: '100×' });
    expect(t1!.cells['energy/mac-ac-45nm']!.mean).toBe(3);
    // the spread to the mean's last digit (2 and 4 µJ: 3.00 ± 1.41)
    expect(t1!.cells['energy/mac-ac-45nm']!.text).toBe('3.00 ± 1.41');
    expect(t1!.cells['energy_ratio/mac-ac-45nm']!.mean).toBeCloseTo(50 / 3, 12);
    expect(t2!.cells['A/psnr']).toMatchObject({ mean: 30, text: '30.00' });
    expect(agg.groups[0]!.layerRates['enc1.neuron']!.mean).toBeCloseTo(0.15, 12);
    // total loss and the l1 term; T=1 has a band (two seeds): 1/step + seed
    expect(agg.lossCurves.map((c) => c.title)).toEqual(['total loss', 'loss term l1']);
    expect(agg.lossCurves[0]!.series[0]!.points[0]).toEqual({
      step: 1,
      mean: 2.5,
      min: 2,
      max: 3,
      n: 2,
    });
  });

  it('writes html, md and csv; the csv has a column per swept setting and mean/std pairs', async () => {
    const root = writeAblation();
    const files = await writeReport(root);
    const csv = readFileSync(files.csv, 'utf8').trim().split('\n');
    expect(csv[0]!.split(',').slice(0, 6)).toEqual([
      'row',
      'label',
      'T',
      'seeds',
      'A/psnr',
      'A/psnr_std',
    ]);
    expect(csv[3]!.split(',').slice(0, 6)).toEqual([
      'student',
      'T=1',
      '1',
      '2',
      '26',
      String(Math.SQRT2),
    ]);
    const html = readFileSync(files.html, 'utf8');
    expect(html).toContain('data-key="A/psnr" data-value="26"');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing fetched at view time
    expect(html).toContain('Chart.js v4');
    const md = readFileSync(files.md, 'utf8');
    expect(md).toContain('| T=1 | 2 | 26.00 ± 1.41 |');
    expect(md).toContain('failed');
    // variant folders relative to the report: no path of this machine is published
    expect(md).toContain('| T=1,seed=1 | 1 | done | t1-s1 |');
    expect(md).not.toContain(root);
    expect(html).not.toContain(root);
  });
});

describe('report folders', () => {
  it('skips a torn last line of loss.jsonl with a warning', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sd-torn-'));
    writeRun(root, { seed: 1, psnr: 25, params: 10 });
    writeFileSync(
      join(root, 'loss.jsonl'),
      `${json({ step: 1, loss: 1, terms: {} })}\n{"step": 2, "lo`,
    );
    const files = await writeReport(root);
    expect(files.warnings.join('\n')).toMatch(/loss\.jsonl: skipped its torn last line 2/);
    expect(loadReportData(root).variants[0]!.run!.losses).toHaveLength(1);
  });

  it('refuses a damaged line before the last, and folders that are not runs, with codes', () => {
    const root = mkdtempSync(join(tmpdir(), 'sd-bad-'));
    writeRun(root, { seed: 1, psnr: 25, params: 10 });
    writeFileSync(
      join(root, 'loss.jsonl'),
      `{"step": 1, "lo\n${json({ step: 2, loss: 1, terms: {} })}\n`,
    );
    expect(() => loadReportData(root)).toThrow(expect.objectContaining({ code: 'E_IO' }));
    const empty = mkdtempSync(join(tmpdir(), 'sd-empty-'));
    expect(() => loadReportData(empty)).toThrow(
      expect.objectContaining({
        code: 'E_NOT_A_RUN',
        message: expect.stringMatching(/neither a run folder/),
      }),
    );
    expect(() => loadReportData(join(empty, 'nope'))).toThrow(
      expect.objectContaining({ code: 'E_NOT_A_RUN' }),
    );
  });

  it('a grid still running: variants not trained yet are pending, not failed, and the report says it is partial', () => {
    const root = writeAblation();
    const file = JSON.parse(readFileSync(join(root, 'ablation.json'), 'utf8'));
    file.variants[3].status = 'pending'; // T=2, seed 2: no folder yet
    writeFileSync(join(root, 'ablation.json'), json(file));
    const data = loadReportData(root);
    expect(data.variants.map((v) => v.status)).toEqual(['done', 'done', 'done', 'pending']);
    expect(data.variants[3]!.error).toBeUndefined();
    expect(data.warnings).toEqual([
      '1 of 4 variants not trained yet (pending): the ablation is still running or was stopped, so this report is partial',
    ]);
    const agg = aggregate(data);
    expect(agg.groups.map((g) => [g.label, g.failed, g.pending])).toEqual([
      ['T=1', 0, 0],
      ['T=2', 0, 1],
    ]);
    const md = renderMarkdown(data, agg, resultTable(agg));
    expect(md).toContain('| T=2 | 1 (+1 pending) |');
    expect(md).toMatch(/\| T=2,seed=2 \| 2 \| pending \|/);
  });

  it('reads an older ablation.json (labels only): values and seeds from the labels', () => {
    const root = mkdtempSync(join(tmpdir(), 'sd-legacy-'));
    for (const seed of [1, 2])
      writeRun(join(root, `strategy.name=hint_seed=${seed}`), { seed, psnr: 20 + seed, params: 5 });
    writeFileSync(
      join(root, 'ablation.json'),
      json([1, 2].map((seed) => ({ label: `strategy.name=hint,seed=${seed}`, scores: [] }))),
    );
    const data = loadReportData(root);
    expect(data.variants.map((v) => [v.values, v.seed])).toEqual([
      [{ 'strategy.name': 'hint', seed: 1 }, 1],
      [{ 'strategy.name': 'hint', seed: 2 }, 2],
    ]);
    expect(aggregate(data).groups.map((g) => g.label)).toEqual(['strategy.name=hint']);
  });
});

describe('image grids', () => {
  it('zoom on the most detailed window of the clean image', async () => {
    await tf.setBackend('cpu');
    // 32×32, flat except a checkerboard in the bottom-right 8×8 corner.
    const values = Array.from({ length: 32 * 32 }, (_, i) => {
      const [y, x] = [Math.floor(i / 32), i % 32];
      return y >= 24 && x >= 24 ? (x + y) % 2 : 0.5;
    });
    const image = tf.tensor4d(values, [1, 32, 32, 1]);
    // windows of 16 (a quarter of 32 is 8, at least 16) every 8 px: only (16, 16) holds the corner
    expect(detailWindow(image)).toEqual({ x: 16, y: 16, size: 16 });
    image.dispose();
  });
});

/** A classification run: accuracy logged twice, per-class accuracy, and a ternary student file. */
function writeClassifierRun(
  dir: string,
  o: { seed: number; accuracy: number[]; perClass: Record<string, number>; codes?: number[] },
) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), json({ name: 'c', seed: o.seed, params: 6 }));
  writeFileSync(join(dir, 'loss.jsonl'), `${json({ step: 2, loss: 1, terms: {} })}\n`);
  const scores = (accuracy: number) => ({
    set: 'digits/test',
    images: 10,
    model: { accuracy },
    input: {},
  });
  writeFileSync(
    join(dir, 'metrics.jsonl'),
    o.accuracy.map((a, i) => json({ step: i + 1, ...scores(a) })).join('\n') + '\n',
  );
  const last = { ...scores(o.accuracy.at(-1)!), perClass: o.perClass };
  writeFileSync(
    join(dir, 'summary.json'),
    json({ steps: 2, startStep: 0, seconds: 1, finalLoss: 1, eval: [last] }),
  );
  if (o.codes) {
    const tensors = new Map([
      ['conv.weight', { shape: [o.codes.length], data: Int8Array.from(o.codes) }],
      ['norm.weight', { shape: [2], data: Float32Array.from([1, 1]) }],
    ]);
    writeFileSync(
      join(dir, 'student.safetensors'),
      encodeSafetensors(tensors, { ternary: json({ 'conv.weight': 0.25 * o.seed }) }),
    );
  }
}

describe('classification and ternary students', () => {
  function writeClassifierAblation(): string {
    const root = mkdtempSync(join(tmpdir(), 'sd-classes-'));
    const runs = [
      // codes: seed 1 → 2×(−1), 1×0, 3×(+1); seed 2 → 1×(−1), 3×0, 2×(+1)
      {
        q: 'ternary',
        seed: 1,
        accuracy: [0.5, 0.8],
        perClass: { '0': 0.7, '10': 0.9, '2': 0.8 },
        codes: [-1, -1, 0, 1, 1, 1],
      },
      {
        q: 'ternary',
        seed: 2,
        accuracy: [0.6, 0.9],
        perClass: { '0': 0.9, '10': 0.9, '2': 0.9 },
        codes: [-1, 0, 0, 0, 1, 1],
      },
      { q: 'null', seed: 1, accuracy: [0.7, 0.95], perClass: { '0': 1, '10': 0.9, '2': 0.95 } },
    ];
    const variants = runs.map((r) => {
      const label = `strategy=tna+hint,student.quantizer=${r.q},seed=${r.seed}`;
      writeClassifierRun(join(root, label), r);
      return {
        label,
        dir: label,
        values: {
          strategy: { name: 'compose', options: { terms: ['tna', 'hint'] } },
          'student.quantizer': r.q === 'null' ? null : r.q,
          seed: r.seed,
        },
        seed: r.seed,
        status: 'done',
      };
    });
    writeFileSync(
      join(root, 'ablation.json'),
      json({ name: 'c', axes: ['strategy', 'student.quantizer', 'seed'], variants }),
    );
    return root;
  }

  it('counts −Δ, 0, +Δ in the saved codes; refuses codes other than −1, 0, 1', () => {
    const root = mkdtempSync(join(tmpdir(), 'sd-ternary-'));
    writeClassifierRun(root, { seed: 2, accuracy: [0.5], perClass: {}, codes: [1, 0, 0, -1, 1] });
    expect(readTernaryCounts(join(root, 'student.safetensors'))).toEqual([
      { name: 'conv.weight', scale: 0.5, negative: 1, zero: 2, positive: 2 },
    ]);
    writeClassifierRun(root, { seed: 1, accuracy: [0.5], perClass: {}, codes: [1, 2] });
    expect(() => readTernaryCounts(join(root, 'student.safetensors'))).toThrow(
      expect.objectContaining({ code: 'E_WEIGHTS', message: expect.stringMatching(/code 2/) }),
    );
    expect(readTernaryCounts(join(root, 'none.safetensors'))).toEqual([]);
  });

  it('groups are named by the variants’ labels; accuracy curves, per-class accuracy and ternary counts over seeds', () => {
    const data = loadReportData(writeClassifierAblation());
    const agg = aggregate(data);
    expect(agg.groups.map((g) => g.label)).toEqual([
      'strategy=tna+hint, student.quantizer=ternary',
      'strategy=tna+hint, student.quantizer=null',
    ]);
    const [ternary, full] = agg.groups;
    expect(agg.evalCurves.map((c) => c.title)).toEqual(['digits/test ACCURACY vs step']);
    const [p1, p2] = agg.evalCurves[0]!.series[0]!.points;
    expect([p1!.step, p2!.step]).toEqual([1, 2]);
    expect(p1!.mean).toBeCloseTo(0.55, 12);
    expect(p2!.mean).toBeCloseTo(0.85, 12);
    expect(ternary!.perClass['digits/test']!['0']!.mean).toBeCloseTo(0.8, 12);
    expect(ternary!.perClass['digits/test']!['0']!.std).toBeCloseTo(Math.SQRT2 / 10, 12);
    expect(full!.ternary).toEqual([]);
    const [conv] = ternary!.ternary;
    expect(conv).toMatchObject({ name: 'conv.weight', size: 6 });
    expect([conv!.negative.mean, conv!.zero.mean, conv!.positive.mean]).toEqual([1.5, 2, 2.5]);
    expect(conv!.scale.mean).toBeCloseTo(0.375, 12);

    const md = renderMarkdown(data, agg, resultTable(agg));
    // classes in numeric order; accuracy to 4 decimals
    expect(md).toContain('|  | 0 | 2 | 10 |');
    // no input scores (classification): no noisy-input row
    expect(md).not.toContain('noisy input');
    expect(md).toContain(
      '| strategy=tna+hint, student.quantizer=ternary | 0.8000 ± 0.1414 | 0.8500 ± 0.0707 | 0.9000 ± 0.0000 |',
    );
    expect(md).toContain(
      '| conv.weight | 6 | 0.3750 ± 0.1768 | 1.5 ± 0.7 | 2.0 ± 1.4 | 2.5 ± 0.7 | 33.3 % |',
    );
    expect(md).toContain('| all ternary tensors | 6 |  | 1.5 | 2 | 2.5 | 33.3 % |');
    expect(md).toContain('| strategy=tna+hint, student.quantizer=ternary | 2 | 0.8500 ± 0.0707 |');
  });

  it('the html page has the per-class and ternary sections only when there is something to show', async () => {
    const html = readFileSync((await writeReport(writeClassifierAblation())).html, 'utf8');
    expect(html).toContain('id="classes-section"');
    expect(html).toContain('id="ternary-section"');
    const plain = readFileSync((await writeReport(writeAblation())).html, 'utf8');
    expect(plain).not.toContain('id="classes-section"');
    expect(plain).not.toContain('id="ternary-section"');
  });
});

describe('rebuilding a classifier run', () => {
  it('scores the teacher as a classifier (accuracy, per class) and draws no image grids', async () => {
    await tf.setBackend('cpu');
    const root = mkdtempSync(join(tmpdir(), 'sd-classifier-'));
    const registry = createFullRegistry(3);
    const net = { name: 'vgg', options: { widths: [2, 4], depth: 1 } };
    const config = {
      name: 'c',
      seed: 3,
      data: { name: 'mnist', options: { trainSize: 20, testSize: 30 } },
      teacher: net,
      student: net,
      loss: [{ name: 'cross-entropy' }],
      metrics: [{ name: 'accuracy' }],
    };
    writeClassifierRun(root, { seed: 3, accuracy: [0.1], perClass: { '0': 0.1 } });
    writeFileSync(join(root, 'config.json'), json(config));
    const { model } = buildModel(registry, net, 'student');
    saveModule(model, join(root, 'student.safetensors'));
    model.dispose();
    const files = await writeReport(root, { registry });
    expect(files.warnings).toEqual([]);
    const teacher = JSON.parse(readFileSync(join(root, 'teacher.json'), 'utf8'));
    expect(teacher.eval).toHaveLength(1);
    expect(teacher.eval[0].set).toMatch(/test/);
    // as many images as the student was scored on (its summary says 10)
    expect(teacher.eval[0].images).toBe(10);
    const accuracy = teacher.eval[0].model.accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0);
    expect(accuracy).toBeLessThanOrEqual(1);
    // per-class accuracies weighted by their images give the overall accuracy
    const correct = Object.entries(teacher.eval[0].perClass as Record<string, number>).reduce(
      (n, [k, a]) => n + a * teacher.eval[0].perClassImages[k],
      0,
    );
    expect(correct / 10).toBeCloseTo(accuracy, 9);
    expect(existsSync(join(root, 'samples'))).toBe(false);
    expect(existsSync(join(root, 'energy.json'))).toBe(true);
  });
});
