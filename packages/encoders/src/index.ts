/**
 * @onet/encoders — Encoders of Occupancy Networks in tfjs: ResNet-PointNet, SimplePointNet, 3D CNN, ResNet18, latent encoder,
 * local-pool PointNet (Convolutional ONet).
 * @module @onet/encoders
 * @packageDocumentation
 */
export {};
export * from './local/index.js';
export { ResnetPointnet, RESNET_POINTNET_DEFAULTS, concatPooled, type ResnetPointnetOptions } from './ResnetPointnet.js';
export { SimplePointnet, SIMPLE_POINTNET_DEFAULTS, type SimplePointnetOptions } from './SimplePointnet.js';
export { LatentEncoder, LATENT_ENCODER_DEFAULTS, type LatentEncoderOptions, type LatentDistribution } from './LatentEncoder.js';
export { VoxelEncoder, VOXEL_ENCODER_DEFAULTS, type VoxelEncoderOptions } from './VoxelEncoder.js';
export { Resnet18Encoder, RESNET18_ENCODER_DEFAULTS, IMAGENET_MEAN, IMAGENET_STD, type Resnet18EncoderOptions } from './Resnet18Encoder.js';
export { ConvEncoder, CONV_ENCODER_DEFAULTS, convEncoderMinSize, type ConvEncoderOptions } from './ConvEncoder.js';
export { latentKL, sampleLatent } from './latentKL.js';
