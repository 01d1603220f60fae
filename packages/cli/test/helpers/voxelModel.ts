import { OccupancyNetwork, type ModelConfig } from '@onet/model';

/**
 * A hand-set local voxel model whose logit is `10·v(p) − 5`, v = the voxels interpolated trilinearly between cell
 * centres (conv_in = the centre tap, no U-Net, the decoder passes the feature straight to fc_out): its surface is the
 * grid's level ½, a smoothed copy of the voxels' boundary. Meaningful output without training.
 */
export function trilinearVoxelModel(resolution = 8): OccupancyNetwork {
  const config: ModelConfig = { kind: 'conv-onet', input: 'voxels', voxelResolution: resolution, inputPoints: 1, noiseStd: 0, padding: 0.1, cDim: 1, encoderHidden: 1, decoderHidden: 1, planes: [], unet3dLevels: 0 };
  const m = OccupancyNetwork.fromConfig(config, 1);
  const sd = m.net.stateDict();
  for (const [name, a] of sd) {
    const data = new Float32Array(a.data.length);
    if (name === 'encoder.conv_in.weight') data[13] = 1; // [1, 1, 3, 3, 3], centre tap
    if (name === 'decoder.fc_c.0.weight') data[0] = 1;
    if (name === 'decoder.fc_out.weight') data[0] = 10;
    if (name === 'decoder.fc_out.bias') data[0] = -5;
    sd.set(name, { data, shape: a.shape });
  }
  m.net.loadStateDict(sd);
  return m;
}
