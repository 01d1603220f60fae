export { icosphere } from './icosphere.js';
export { box } from './box.js';
export { cylinder } from './cylinder.js';
export { torus } from './torus.js';
export { lathe } from './lathe.js';
export { sweepTube } from './sweepTube.js';
