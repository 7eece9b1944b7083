/**
 * Produces numbered items ahead of demand. Item i depends only on (i, size)
 * through `produce`, never on timing, so prefetching changes when work is
 * done but not what comes out: a run is reproducible with any depth.
 *
 * Work runs in `setImmediate` callbacks, one item per callback, so it fills
 * the gaps while the consumer awaits (I/O, a GPU, worker threads) without
 * blocking the event loop for long.
 */
export class Prefetcher<T> {
  private next = 0;
  private readonly queue: { index: number; size: number; item: Promise<T> }[] = [];
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly produce: (index: number, size: number) => T | Promise<T>,
    private readonly depth: number,
    private readonly ready: Promise<unknown> = Promise.resolve(),
  ) {}

  /** Index of the next item `take` returns. */
  get position(): number {
    return this.next;
  }

  async take(size: number): Promise<T> {
    if (this.closed) throw new Error('The data pipeline was closed');
    const index = this.next++;
    let head = this.queue.shift();
    if (head && (head.index !== index || head.size !== size)) {
      // The batch size changed: what was prefetched is for another size.
      this.queue.length = 0;
      head = undefined;
    }
    const item = head ? head.item : this.ready.then(() => this.produce(index, size));
    this.fill(size);
    return item;
  }

  /**
   * Continues at item `index`, as if `index` items had been taken: what was
   * prefetched is dropped (items are pure functions of their index, so
   * nothing else changes). Exact resume uses this.
   */
  seek(index: number): void {
    if (!Number.isInteger(index) || index < 0)
      throw new RangeError(`seek: expected a batch index >= 0, got ${index}`);
    this.next = index;
    this.queue.length = 0;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private fill(size: number): void {
    if (this.scheduled || this.closed || this.depth <= 0) return;
    this.scheduled = true;
    void this.ready.then(
      () =>
        setImmediate(() => {
          this.scheduled = false;
          if (this.closed || this.queue.length >= this.depth) return;
          const last = this.queue.at(-1);
          const index = last ? last.index + 1 : this.next;
          let item: Promise<T>;
          try {
            item = Promise.resolve(this.produce(index, size));
          } catch (err) {
            item = Promise.reject(err);
          }
          // Failures surface when the item is taken, not as unhandled rejections.
          item.catch(() => {});
          this.queue.push({ index, size, item });
          this.fill(size);
        }),
      () => {
        this.scheduled = false;
      },
    );
  }
}
