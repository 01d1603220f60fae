export { LocalPoolPointnet, LOCAL_POOL_POINTNET_DEFAULTS, type LocalPoolPointnetOptions, type PlaneFeatures } from './localPoolPointnet.js';
export { UNet2d, UNET2D_DEFAULTS, type UNet2dOptions } from './unet2d.js';
export { Conv2d, ConvTranspose2d } from './conv.js';
