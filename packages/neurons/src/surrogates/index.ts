import { atanSurrogate } from './atan.js';
import { fastSigmoidSurrogate } from './fast-sigmoid.js';
import { rectSurrogate } from './rect.js';
import { sigmoidSurrogate } from './sigmoid.js';
import { triangleSurrogate } from './triangle.js';

export { atanSurrogate, fastSigmoidSurrogate, rectSurrogate, sigmoidSurrogate, triangleSurrogate };
export {
  defineSurrogate,
  makeSurrogate,
  type Surrogate,
  type SurrogateDefinition,
  smoothSurrogate,
} from './surrogate.js';

export const surrogatePlugins = [
  sigmoidSurrogate,
  atanSurrogate,
  triangleSurrogate,
  fastSigmoidSurrogate,
  rectSurrogate,
] as const;
