import { EventEmitter } from 'node:events';

/** Training progress, as the trainer reports it and the CLI and reports consume it. */
export interface TrainingEvents {
  'run:start': { run: string; totalSteps: number; startStep: number };
  step: {
    step: number;
    totalSteps: number;
    loss: number;
    /** Each weighted term of the loss, by name. */
    terms: Record<string, number>;
    lr: number;
    msPerStep: number;
  };
  eval: { step: number; metrics: Record<string, number> };
  checkpoint: { step: number; path: string };
  'run:end': { run: string; steps: number; seconds: number };
  log: { level: 'debug' | 'info' | 'warn'; message: string };
}

type Handler<E extends keyof TrainingEvents> = (event: TrainingEvents[E]) => void;

/** A typed event bus over Node's EventEmitter. `on` returns its own unsubscribe. */
export class Events {
  private readonly emitter = new EventEmitter();

  on<E extends keyof TrainingEvents>(type: E, handler: Handler<E>): () => void {
    this.emitter.on(type, handler);
    return () => this.emitter.off(type, handler);
  }

  emit<E extends keyof TrainingEvents>(type: E, event: TrainingEvents[E]): void {
    this.emitter.emit(type, event);
  }
}

export function createEvents(): Events {
  return new Events();
}
