#!/usr/bin/env node
// Empties the package's dist/ before a build, so files whose sources were moved
// or deleted are not published from an old build (tsc never removes outputs).
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
