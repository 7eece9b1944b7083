import type { Events } from '@spikedistill/core';
import { SingleBar } from 'cli-progress';

/**
 * Shows training progress: a live bar on a terminal, otherwise a line at
 * every tenth of the run (logs stay readable in CI). Returns a detach function.
 */
export function attachProgress(
  events: Events,
  log: (line: string) => void,
  tty = Boolean(process.stderr.isTTY),
): () => void {
  let bar: SingleBar | undefined;
  let every = 1;
  const offs = [
    events.on('run:start', ({ run, totalSteps, startStep }) => {
      every = Math.max(1, Math.round(totalSteps / 10));
      if (tty) {
        bar = new SingleBar({
          format: `${run} {bar} {value}/{total} | loss {loss} | {ms} ms/step | eta {eta_formatted}`,
          stream: process.stderr,
          hideCursor: true,
        });
        bar.start(totalSteps, startStep, { loss: '—', ms: '—' });
      } else {
        log(`${run}: training steps ${startStep + 1}..${totalSteps}`);
      }
    }),
    events.on('step', ({ step, totalSteps, loss, msPerStep }) => {
      if (bar) bar.update(step, { loss: loss.toFixed(4), ms: msPerStep.toFixed(0) });
      else if (step % every === 0 || step === totalSteps) {
        log(
          `  step ${step}/${totalSteps}  loss ${loss.toFixed(4)}  ${msPerStep.toFixed(0)} ms/step`,
        );
      }
    }),
    events.on('eval', ({ step, metrics }) => {
      const text = Object.entries(metrics)
        .map(([k, v]) => `${k} ${v.toFixed(3)}`)
        .join(', ');
      if (bar) bar.updateETA();
      if (!bar) log(`  eval @${step}: ${text}`);
    }),
    events.on('run:end', ({ seconds }) => {
      bar?.stop();
      bar = undefined;
      log(`  done in ${seconds.toFixed(1)} s`);
    }),
    events.on('log', ({ level, message }) => {
      if (level !== 'debug') log(`${level === 'warn' ? 'warning: ' : ''}${message}`);
    }),
  ];
  return () => {
    bar?.stop();
    for (const off of offs) off();
  };
}
