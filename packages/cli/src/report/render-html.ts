import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import type { Aggregate, Curve } from './aggregate.js';
import { convergenceTables } from './convergence.js';
import { type DetailTable, perClassTables, ternaryTables } from './detail-tables.js';
import { type ReportData, type RunData, shownFolder } from './load.js';
import type { SampleImage } from './samples.js';
import { constantsText, type ResultTable } from './table.js';

/** Chart.js's UMD bundle, inlined so the page needs no network (its package exports only ESM/CJS entries). */
function chartJsBundle(): string {
  const entry = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8').replace(
    /\/\/# sourceMappingURL=.*$/m,
    '',
  );
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
];

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** JSON that is safe inside a <script> element. */
const scriptJson = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028|\u2029/g, ' ');

/** What the page's script turns into Chart.js charts. */
export type ChartSpec =
  | {
      id: string;
      kind: 'line';
      title: string;
      x: string;
      y: string;
      series: Array<{
        label: string;
        color: string;
        points: Array<{ x: number; y: number; lo: number; hi: number }>;
        band: boolean;
      }>;
    }
  | {
      id: string;
      kind: 'bar';
      title: string;
      y: string;
      labels: string[];
      datasets: Array<{ label: string; color: string; data: Array<number | null> }>;
    };

/** Chart specs for the report's curves and firing rates, colours by group. */
export function chartSpecs(agg: Aggregate): ChartSpec[] {
  const color = (group: string) =>
    PALETTE[agg.groups.findIndex((g) => g.label === group) % PALETTE.length] ?? PALETTE[0]!;
  const line = (c: Curve, i: number, prefix: string): ChartSpec => ({
    id: `${prefix}-${i}`,
    kind: 'line',
    title: c.title,
    x: 'step',
    y: c.y,
    series: c.series.map((s) => ({
      label: s.group,
      color: color(s.group),
      points: s.points.map((p) => ({ x: p.step, y: p.mean, lo: p.min, hi: p.max })),
      band: s.points.some((p) => p.n > 1),
    })),
  });
  const specs = [
    ...agg.lossCurves.map((c, i) => line(c, i, 'loss')),
    ...agg.evalCurves.map((c, i) => line(c, i, 'eval')),
  ];
  if (agg.layers.length) {
    specs.push({
      id: 'firing',
      kind: 'bar',
      title: 'firing rate per neuron layer (spikes per neuron per step)',
      y: 'firing rate',
      labels: agg.layers,
      datasets: agg.groups
        .filter((g) => Object.keys(g.layerRates).length)
        .map((g) => ({
          label: g.label,
          color: color(g.label),
          data: agg.layers.map((l) => g.layerRates[l]?.mean ?? null),
        })),
    });
  }
  return specs;
}

function resultsHtml(table: ResultTable, agg: Aggregate): string {
  const head = ['', 'seeds', ...table.columns.map((c) => c.title)];
  const rows = table.rows.map((row) => {
    const cells = table.columns.map((c) => {
      const cell = row.cells[c.key];
      const value = cell?.mean === undefined ? '' : ` data-value="${cell.mean}"`;
      const std = cell?.std === undefined ? '' : ` data-std="${cell.std}"`;
      return `<td data-key="${esc(c.key)}"${value}${std}>${esc(cell?.text ?? '—')}</td>`;
    });
    const seeds =
      row.seeds === undefined
        ? ''
        : `${row.seeds}${row.failed ? ` <span class="bad">(+${row.failed} failed)</span>` : ''}${row.pending ? ` (+${row.pending} pending)` : ''}`;
    return `<tr class="row-${row.role}" data-role="${row.role}" data-label="${esc(row.label)}"><th scope="row">${esc(row.label)}</th><td>${seeds}</td>${cells.join('')}</tr>`;
  });
  const constants = agg.estimators.length
    ? `<h3>Energy estimators</h3><ul class="constants">${agg.estimators
        .map(
          (e) =>
            `<li><b>${esc(e.estimator)}</b>: ${esc(constantsText(e))}.<br><span class="src">${esc(e.source)}</span></li>`,
        )
        .join(
          '',
        )}</ul><p class="note">Energy is per image, measured on one test image (firing rates depend on the data): a ratio is the teacher's amount over the row's, under the same estimator and constants.</p>`
    : '<p class="note">No energy data: run <code>spikedistill energy &lt;config&gt; --out &lt;run folder&gt;</code>, or <code>spikedistill report</code> without <code>--no-run</code>.</p>';
  return `<table id="results"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="note">Students: mean ± sample standard deviation over seeds (variants that differ only in <code>seed</code>). Teacher and noisy input: scored on the same test images.</p>${constants}`;
}

function detailHtml(tables: DetailTable[], note: string): string {
  return `${tables
    .map(
      (t) =>
        `<h3>${esc(t.title)}</h3><table class="detail"><thead><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${t.rows
          .map(
            (r) =>
              `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`,
          )
          .join('')}</tbody></table>`,
    )
    .join('')}<p class="note">${note}</p>`;
}

/** Image grids: per sample image, clean | noisy | teacher | each group's student, each with its zoomed crop. */
function imagesHtml(agg: Aggregate): { html: string; css: string } {
  const withSamples = agg.groups
    .map((g) => ({
      group: g,
      run: g.variants.find((v) => v.status === 'done' && v.run?.samples?.images.length)?.run,
    }))
    .filter((x): x is { group: typeof x.group; run: RunData } => x.run !== undefined);
  const first = withSamples[0]?.run;
  if (!first?.samples) {
    return {
      html: '<p class="note">No sample images: the run folders have no <code>samples/</code> (written by <code>spikedistill report</code> from <code>config.json</code> and <code>student.safetensors</code>).</p>',
      css: '',
    };
  }
  const css: string[] = [];
  const imageClass = new Map<string, string>();
  const classFor = (run: RunData, file: string) => {
    const path = join(run.dir, 'samples', file);
    let cls = imageClass.get(path);
    if (!cls) {
      cls = `img${imageClass.size}`;
      imageClass.set(path, cls);
      const b64 = readFileSync(path).toString('base64');
      css.push(`.${cls}{background-image:url(data:image/png;base64,${b64})}`);
    }
    return cls;
  };
  const panel = (run: RunData, image: SampleImage, role: string, label: string) => {
    const p = image.panels.find((x) => x.role === role);
    if (!p) return '';
    const cls = classFor(run, p.file);
    const w = 200;
    const h = Math.round((w * image.height) / image.width);
    const { x, y, size } = image.crop;
    const zoom = size ? 200 / size : 1;
    const box = size
      ? `<div class="box" style="left:${(100 * x) / image.width}%;top:${(100 * y) / image.height}%;width:${(100 * size) / image.width}%;height:${(100 * size) / image.height}%"></div>`
      : '';
    const psnr = p.psnr === undefined ? '' : ` · ${p.psnr.toFixed(2)} dB`;
    return `<figure class="panel" data-role="${role}"><div class="full ${cls}" style="width:${w}px;height:${h}px">${box}</div><div class="zoom ${cls}" style="background-size:${image.width * zoom}px ${image.height * zoom}px;background-position:-${x * zoom}px -${y * zoom}px"></div><figcaption>${esc(label)}${psnr}</figcaption></figure>`;
  };
  const blocks = first.samples.images.map((image, i) => {
    const panels = [
      panel(first, image, 'clean', 'clean'),
      panel(first, image, 'noisy', 'noisy input'),
      panel(first, image, 'teacher', 'teacher'),
      ...withSamples.map(({ group, run }) => {
        const own = run.samples!.images[i];
        return own ? panel(run, own, 'student', group.label) : '';
      }),
    ];
    return `<div class="sample"><h3>${esc(first.samples!.set)} · ${esc(image.name)}</h3><div class="grid">${panels.join('')}</div></div>`;
  });
  return {
    html: `<p class="note">Each panel: the whole image (the square marks the zoomed window, the most detailed part of the clean image) above an enlarged crop of it; PSNR of that image. Students: the first seed of each variant.</p>${blocks.join('')}`,
    css: css.join('\n'),
  };
}

function configHtml(data: ReportData): string {
  const firstConfig = data.variants.find((v) => v.run?.config)?.run?.config;
  const rows = data.variants
    .map(
      (v) =>
        `<tr><td>${esc(v.label)}</td><td>${v.seed ?? ''}</td><td class="${v.status === 'failed' ? 'bad' : ''}">${v.status === 'failed' ? `failed: ${esc(v.error ?? '')}` : v.status}</td><td><code>${esc(shownFolder(data, v))}</code></td></tr>`,
    )
    .join('');
  const config = firstConfig
    ? `<h3>Resolved config${data.variants.length > 1 ? ' (first variant; the others differ in the swept settings above)' : ''}</h3><pre id="config">${esc(JSON.stringify(firstConfig, null, 2))}</pre>`
    : '<p class="note">No config.json in the run folder(s).</p>';
  return `<table class="variants"><thead><tr><th>variant</th><th>seed</th><th>status</th><th>folder</th></tr></thead><tbody>${rows}</tbody></table>${config}`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}
nav a{margin-right:14px}.meta{color:#666}.note{color:#555;font-size:13px}.bad{color:#b00}.warn{background:#fff6d6;border:1px solid #e8d48a;padding:8px 12px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:right;white-space:nowrap}
th[scope=row],.variants td{text-align:left}thead th{background:#f4f4f4;text-align:center;white-space:normal}
tr.row-teacher{background:#f3f7ff}tr.row-input{background:#f8f8f8;color:#555}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}.chart{border:1px solid #e3e3e3;padding:8px;height:320px;position:relative}
pre{background:#f7f7f7;padding:12px;overflow:auto;max-height:480px;font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:10px}.panel{margin:0;width:200px}.panel figcaption{font-size:12px;text-align:center;word-break:break-word}
.full,.zoom{background-repeat:no-repeat;image-rendering:pixelated;position:relative;border:1px solid #ccc}.full{background-size:100% 100%}
.zoom{width:200px;height:200px;margin-top:4px}.box{position:absolute;border:2px solid #ff2d55;box-sizing:border-box}
.constants li{margin-bottom:6px}.src{color:#666;font-size:12px}
`;

/** The page's own script: one Chart.js chart per spec, no animation, bands as filled min–max areas. */
const CLIENT = `
(function(){
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  function alpha(hex, a){var n=parseInt(hex.slice(1),16);return 'rgba('+(n>>16&255)+','+(n>>8&255)+','+(n&255)+','+a+')';}
  specs.forEach(function(s){
    var canvas = document.getElementById(s.id);
    var datasets, scales, type;
    if (s.kind === 'line') {
      type = 'line';
      datasets = [];
      s.series.forEach(function(se){
        if (se.band) {
          datasets.push({label: se.label+' min', data: se.points.map(function(p){return {x:p.x,y:p.lo};}), borderWidth:0, pointRadius:0, fill:false, band:true});
          datasets.push({label: se.label+' max', data: se.points.map(function(p){return {x:p.x,y:p.hi};}), borderWidth:0, pointRadius:0, fill:'-1', backgroundColor: alpha(se.color,0.18), band:true});
        }
        datasets.push({label: se.label, data: se.points.map(function(p){return {x:p.x,y:p.y};}), borderColor: se.color, backgroundColor: se.color, borderWidth:2, pointRadius: se.points.length < 30 ? 2.5 : 0, fill:false});
      });
      scales = {x:{type:'linear', title:{display:true,text:s.x}}, y:{title:{display:true,text:s.y}}};
    } else {
      type = 'bar';
      datasets = s.datasets.map(function(d){return {label:d.label, data:d.data, backgroundColor: d.color};});
      scales = {y:{beginAtZero:true, title:{display:true,text:s.y}}};
    }
    new Chart(canvas, {
      type: type,
      data: s.kind === 'bar' ? {labels: s.labels, datasets: datasets} : {datasets: datasets},
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: s.kind === 'bar',
        plugins: {
          title: {display:true, text:s.title},
          legend: {labels: {filter: function(item, data){return !data.datasets[item.datasetIndex].band;}}},
          tooltip: {filter: function(item){return !item.dataset.band;}}
        },
        scales: scales
      }
    });
  });
  document.body.dataset.charts = String(specs.length);
})();
`;

/** The whole page: one file, scripts and styles inlined, images as data URIs. */
export function renderHtml(data: ReportData, agg: Aggregate, table: ResultTable): string {
  const specs = chartSpecs(agg);
  const images = imagesHtml(agg);
  const canvases = (prefix: string) =>
    specs
      .filter((s) => s.id.startsWith(prefix))
      .map(
        (s) =>
          `<div class="chart"><canvas id="${s.id}" data-chart="${esc(s.title)}"></canvas></div>`,
      )
      .join('');
  const section = (id: string, title: string, body: string) =>
    `<section id="${id}"><h2>${esc(title)}</h2>${body}</section>`;
  const none = (what: string) => `<p class="note">No ${what} in the run folder(s).</p>`;
  const warnings = data.warnings.length
    ? `<div class="warn"><b>Warnings</b><ul>${data.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`
    : '';
  const title = `${data.kind === 'ablation' ? 'Ablation' : 'Run'} report: ${data.name}`;
  // Sections that only some experiments have: classification's classes, ternary students.
  const convergence = convergenceTables(agg);
  const perClass = perClassTables(agg);
  const ternary = ternaryTables(agg);
  const optional = [
    convergence.length
      ? section(
          'convergence-section',
          'Convergence',
          detailHtml(
            convergence,
            'Per seed: the first evaluation step whose validation score reaches the final score of the strategy=none run with the same seed and the same other settings (and that step as a fraction of the budget); "not reached" gives the gap left at the end.',
          ),
        )
      : '',
    perClass.length
      ? section(
          'classes-section',
          'Accuracy per class',
          detailHtml(perClass, 'Final evaluation; mean ± sample standard deviation over seeds.'),
        )
      : '',
    ternary.length
      ? section(
          'ternary-section',
          'Ternary weights',
          detailHtml(
            ternary,
            'Counted in the saved student.safetensors (int8 codes −1, 0, +1 and each tensor’s Δ): what the deployed student holds. Mean ± sample standard deviation over seeds.',
          ),
        )
      : '',
  ].join('');
  const links = [
    convergence.length ? '<a href="#convergence-section">Convergence</a>' : '',
    perClass.length ? '<a href="#classes-section">Classes</a>' : '',
    ternary.length ? '<a href="#ternary-section">Ternary weights</a>' : '',
  ].join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}
${images.css}</style></head>
<body>
<header><h1>${esc(title)}</h1><div class="meta">${esc(basename(data.dir))} · ${data.variants.length} run(s) · generated ${new Date().toISOString()}</div>
<nav><a href="#results-section">Results</a><a href="#loss-section">Loss</a><a href="#eval-section">Evaluation</a><a href="#firing-section">Firing rates</a>${links}<a href="#images-section">Images</a><a href="#config-section">Config</a></nav></header>
${warnings}
${section('results-section', 'Results', resultsHtml(table, agg))}
${section('loss-section', 'Training loss', canvases('loss-') ? `<div class="charts">${canvases('loss-')}</div><p class="note">Lines: mean over seeds; shaded: min–max over seeds.</p>` : none('loss.jsonl'))}
${section('eval-section', 'Evaluation during training', canvases('eval-') ? `<div class="charts">${canvases('eval-')}</div>` : none('evaluations'))}
${section('firing-section', 'Firing rates', canvases('firing') ? `<div class="charts">${canvases('firing')}</div>` : none('firing rates'))}
${optional}
${section('images-section', 'Images', images.html)}
${section('config-section', 'Variants and config', configHtml(data))}
<script>${chartJsBundle()}</script>
<script type="application/json" id="chart-data">${scriptJson(specs)}</script>
<script>${CLIENT}</script>
</body></html>
`;
}
