// tfjs-core's Node entry (its CJS bundle) registers neither gradients nor the
// chained tensor methods (`x.add(1)`); its ESM sources register both but
// cannot be loaded by plain Node (extensionless imports). This module imports
// exactly those two registration lists. The published package ships it as one
// bundle (dist/tfjs-registrations.cjs, built by scripts/bundle-tfjs.mjs);
// in the workspace, vitest compiles the same sources. Both register into the
// one tfjs engine and kernel/gradient registries, which tfjs keeps on the
// global object.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
