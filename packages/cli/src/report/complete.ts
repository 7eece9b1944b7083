import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Backbone,
  evaluate,
  type ExperimentConfig,
  buildModel,
  parseRunConfig,
  type Registry,
} from '@spikedistill/core';
import { measureConfigEnergy } from '../commands/energy.js';
import type { ReportData, RunData, TeacherFile } from './load.js';
import { writeSamples } from './samples.js';

export interface CompleteOptions {
  registry: Registry;
  /** Test images to draw per run (0: none). */
  images: number;
  /** Score the teacher where teacher.json is missing. */
  scoreTeacher: boolean;
  log: (line: string) => void;
}

/**
 * Fills in what the report shows but training does not write, by rebuilding
 * the run's models from its `config.json` and `student.safetensors`:
 * `samples/` (image grids), `teacher.json` (the teacher's scores, once per
 * distinct teacher, data and test size) and `energy.json`. Files already
 * there are kept, so this runs once per folder. Needs an active backend.
 */
export async function completeRuns(data: ReportData, options: CompleteOptions): Promise<void> {
  const teacherScores = new Map<string, TeacherFile>();
  for (const variant of data.variants) {
    const run = variant.run;
    if (variant.status !== 'done' || !run) continue;
    if (!run.config || !run.hasWeights) {
      const missing = !run.config ? 'config.json' : 'student.safetensors';
      data.warnings.push(`${variant.label}: no ${missing}, so no images, teacher row or energy`);
      continue;
    }
    if (run.samples && run.energy && (run.teacher || !run.config.teacher || !options.scoreTeacher))
      continue;
    const config = parseRunConfig(options.registry, run.config, run.dir);
    try {
      await completeRun(run, config, teacherScores, options);
    } catch (err) {
      data.warnings.push(
        `${variant.label}: could not rebuild its models (${(err as Error).message})`,
      );
    }
  }
}

async function completeRun(
  run: RunData,
  config: ExperimentConfig,
  teacherScores: Map<string, TeacherFile>,
  { registry, images, scoreTeacher, log }: CompleteOptions,
): Promise<void> {
  const weights = join(run.dir, 'student.safetensors');
  if (!run.energy) {
    log(`${run.dir}: measuring energy`);
    run.energy = (await measureConfigEnergy(registry, config, weights)).file;
    writeFileSync(join(run.dir, 'energy.json'), JSON.stringify(run.energy, null, 2));
  }
  const data = registry.createFrom('dataset', config.data, 'data');
  const needTeacher = scoreTeacher && config.teacher && !run.teacher;
  // Image grids show restored images; a classifier's output is logits.
  const needSamples = images > 0 && !run.samples && data.task === 'restoration';
  if (!needTeacher && !needSamples) {
    data.close?.();
    return;
  }
  const models: Backbone[] = [];
  const build = (role: 'student' | 'teacher', file: string | undefined) => {
    const ref = role === 'student' ? config.student : config.teacher!;
    const { model } = buildModel(registry, ref, role, file);
    models.push(model);
    return model;
  };
  try {
    const metrics = config.metrics.map((ref, i) =>
      registry.createFrom('metric', ref, `metrics.${i}`),
    );
    const teacher = config.teacher ? build('teacher', config.teacher.weights) : undefined;
    if (needTeacher && teacher) {
      // The teacher is scored on as many images of each set as the student was.
      const limit = Math.max(0, ...(run.summary?.eval ?? []).map((s) => s.images)) || undefined;
      const key = JSON.stringify([config.teacher, config.data, config.metrics, limit]);
      let scores = teacherScores.get(key);
      if (!scores) {
        log(`${run.dir}: scoring the teacher ${config.teacher!.name}`);
        scores = {
          model: config.teacher!.name,
          parameters: teacher.parameterCount(),
          eval: await evaluate(teacher, data.evalSets(), metrics, {
            limit,
            task: data.task,
            classNames: data.classNames,
          }),
        };
        teacherScores.set(key, scores);
      }
      run.teacher = scores;
      writeFileSync(join(run.dir, 'teacher.json'), JSON.stringify(scores, null, 2));
    }
    const set = data.evalSets()[0];
    if (needSamples && set) {
      log(`${run.dir}: drawing ${images} test image(s)`);
      run.samples = await writeSamples({
        runDir: run.dir,
        set,
        student: build('student', weights),
        teacher,
        psnr: metrics.find((m) => m.name === 'psnr'),
        count: images,
      });
    }
  } finally {
    for (const m of models) m.dispose();
    data.close?.();
  }
}
