import { basename } from 'node:path';
import type { Aggregate } from './aggregate.js';
import { convergenceTables } from './convergence.js';
import { type DetailTable, perClassTables, ternaryTables } from './detail-tables.js';
import { type ReportData, shownFolder } from './load.js';
import { constantsText, type ResultTable } from './table.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A markdown summary: the results table, energy constants, variants and warnings (charts and images are in the HTML). */
export function renderMarkdown(data: ReportData, agg: Aggregate, table: ResultTable): string {
  const out: string[] = [
    `# ${data.kind === 'ablation' ? 'Ablation' : 'Run'} report: ${data.name}`,
    '',
  ];
  out.push(
    `Folder: \`${basename(data.dir)}\` — charts and images: \`report.html\`; numbers: \`report.csv\`.`,
    '',
  );
  if (data.warnings.length) {
    out.push('Warnings:', '', ...data.warnings.map((w) => `- ${w}`), '');
  }
  out.push('## Results', '');
  out.push("Mean ± sample std over seeds; ratios are the teacher's amount over the row's.", '');
  const head = ['', 'seeds', ...table.columns.map((c) => c.title)];
  out.push(`| ${head.map(cell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`);
  for (const row of table.rows) {
    out.push(
      `| ${[
        row.label,
        row.seeds === undefined
          ? ''
          : `${row.seeds}${row.failed ? ` (+${row.failed} failed)` : ''}${row.pending ? ` (+${row.pending} pending)` : ''}`,
        ...table.columns.map((c) => row.cells[c.key]?.text ?? '—'),
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  out.push('');
  if (agg.estimators.length) {
    out.push('## Energy constants', '');
    for (const e of agg.estimators) {
      out.push(`- **${e.estimator}**: ${constantsText(e)}. Source: ${e.source}.`);
    }
    out.push('');
  }
  const detail = (title: string, tables: DetailTable[]) => {
    if (!tables.length) return;
    out.push(`## ${title}`, '');
    for (const t of tables) {
      out.push(`### ${t.title}`, '', `| ${t.head.map(cell).join(' | ')} |`);
      out.push(`|${t.head.map(() => '---').join('|')}|`);
      for (const r of t.rows) out.push(`| ${r.map(cell).join(' | ')} |`);
      out.push('');
    }
  };
  detail('Convergence', convergenceTables(agg));
  detail('Accuracy per class', perClassTables(agg));
  detail('Ternary weights (counted in the saved student)', ternaryTables(agg));
  out.push('## Variants', '', '| variant | seed | status | folder |', '|---|---|---|---|');
  for (const v of data.variants) {
    out.push(
      `| ${[
        v.label,
        v.seed === undefined ? '' : String(v.seed),
        v.status === 'failed' ? `failed: ${v.error ?? ''}` : v.status,
        shownFolder(data, v),
      ]
        .map(cell)
        .join(' | ')} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
