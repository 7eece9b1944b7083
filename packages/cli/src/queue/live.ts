import { createLogUpdate } from 'log-update';
import { renderGridTable, type GridRow } from './table.js';

/**
 * On a terminal, the grid's table stays at the bottom of the screen and is
 * redrawn in place; log lines scroll above it. Elsewhere (CI, a file) lines
 * are printed as they come and the table once, at the end.
 */
export class LiveGrid {
  private readonly update?: ReturnType<typeof createLogUpdate>;
  private table = '';

  constructor(
    private readonly log: (line: string) => void,
    tty = Boolean(process.stderr.isTTY),
  ) {
    if (tty) this.update = createLogUpdate(process.stderr);
  }

  say(line: string): void {
    this.update?.clear();
    this.log(line);
    if (this.table) this.update?.(this.table);
  }

  show(rows: readonly GridRow[]): void {
    if (!this.update) return;
    this.table = renderGridTable(rows);
    this.update(this.table);
  }

  /** Leaves the last table on screen (a terminal) or prints it (elsewhere). */
  end(rows: readonly GridRow[]): void {
    if (this.update) {
      this.update.clear();
      this.update.done();
    }
    this.log(renderGridTable(rows));
  }
}
