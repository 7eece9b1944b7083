import type { z } from 'zod';
import { closestMatch } from '../util/closest.js';

/**
 * One line per zod issue: `field.path: message`. Unknown keys name the
 * closest valid key and list the valid ones, when `knownKeys` are given.
 */
export function formatZodIssues(error: z.ZodError, knownKeys?: readonly string[]): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.length ? issue.path.join('.') : '(root)';
      if (issue.code === 'unrecognized_keys' && knownKeys && issue.path.length === 0) {
        return issue.keys
          .map((key) => {
            const near = closestMatch(key, knownKeys);
            return `unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; valid options: ${knownKeys.join(', ') || '(none)'}`;
          })
          .join('; ');
      }
      return `${at}: ${issue.message}`;
    })
    .join('; ');
}
