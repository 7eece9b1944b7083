#!/usr/bin/env bash
# Runs, or resumes, the whole DnCNN-teacher grid (issue 14) from the project
# root: the six ablations in the order the published results need them. With
# --resume, finished variants are skipped and an interrupted one continues
# from its checkpoint, so this can be run again in every sitting; each
# ablation writes its report into results/dncnn-teacher/<name>/ at its end.
set -euo pipefail
cd "$(dirname "$0")/../.."
for config in small large-ann large small-hint-timesteps small-ternary large-long; do
  node packages/cli/dist/bin.js ablate "examples/dncnn-teacher/$config.yaml" --resume
done
