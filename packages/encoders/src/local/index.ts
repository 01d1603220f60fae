export { LocalPoolPointnet, LOCAL_POOL_POINTNET_DEFAULTS, type LocalPoolPointnetOptions, type PlaneFeatures, type LocalFeatures } from './localPoolPointnet.js';
export { UNet2d, UNET2D_DEFAULTS, type UNet2dOptions } from './unet2d.js';
export { UNet3d, UNET3D_DEFAULTS, type UNet3dOptions } from './unet3d.js';
export { Conv2d, ConvTranspose2d, Conv3d, ConvTranspose3d } from './conv.js';
export { UNet, type UNetOps, type UNetLayer } from './unet.js';
export { LocalVoxelEncoder, LOCAL_VOXEL_ENCODER_DEFAULTS, voxelGridPadding, type LocalVoxelEncoderOptions } from './localVoxelEncoder.js';
export { PixelAlignedEncoder, PIXEL_ALIGNED_ENCODER_DEFAULTS, type PixelAlignedEncoderOptions } from './pixelAlignedEncoder.js';
