import { readFileSync } from 'node:fs';
import { fixturePath } from '@onet/test-utils';

export interface MiseCase {
  function: string;
  evaluations_per_round: number[];
  evaluations_total: number;
  dense_evaluations: number;
  inside_nodes: number;
  sign_grid_sha256: string;
  mesh_vertices: number;
  mesh_faces: number;
  mesh_area: number;
  mesh_volume: number;
  dense_inside_nodes: number;
  dense_mesh_faces: number;
  dense_mesh_area: number;
  dense_mesh_volume: number;
}

export const FIXTURE = JSON.parse(
  readFileSync(fixturePath('mise/mise_reference.json'), 'utf8'),
) as { threshold_logit: number; resolution0: number; upsampling_steps: number; cases: Record<string, MiseCase> };
