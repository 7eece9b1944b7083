/** What a `backend` plugin creates: a way to check for and switch to one tfjs backend. */
export interface Backend {
  /** The name tfjs knows it by (`tensorflow`, `wasm`, `cpu`). */
  readonly tfName: string;
  /** Higher is preferred by `auto`. */
  readonly priority: number;
  /** Whether it can run here, without side effects on the active backend. */
  probe(): Promise<Availability>;
  /** Makes it the active tfjs backend (and registers any extra kernels). */
  activate(): Promise<void>;
}

export type Availability =
  | { available: true; detail?: string }
  | { available: false; reason: string; install?: string };
