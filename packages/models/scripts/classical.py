"""Classical surface reconstruction from a point cloud with Open3D, the peers of compare-classical.ts (issue #22).

Methods (each from the same points, normals estimated here, nothing else given):

- ``poisson<d>``: Screened Poisson (``create_from_point_cloud_poisson``, depth ``d``, width 0, scale 1.1, no
  linear fit, ``n_threads=1``) on estimated, oriented normals; no density trimming, so the mesh is closed.
- ``bpa``: ball pivoting (``create_from_point_cloud_ball_pivoting``) with radii r and 2r, r = 3 x the mean
  nearest-neighbour distance of the input; the mesh is open where no ball pivots.

Normals (both methods): ``estimate_normals(KDTreeSearchParamKNN(30))`` (Open3D's default neighbourhood), then
``orient_normals_consistent_tangent_plane(15)`` (Hoppe's Riemannian-graph MST), then all normals flipped when
most of them point towards the centroid (the MST fixes a consistent sign, not which one is outward).
Each method's time includes its normal estimation (a user starts from bare points).

Run by compare-classical.ts through ``@onet/test-utils/peers`` ``PythonPeer`` (one thread: OMP_NUM_THREADS=1 and
n_threads=1): ``run()`` reads ``<dir>/job.json`` ``{"points": "<.npy [N,3] float32>", "methods": [...],
"out": "<prefix>"}``, writes ``<prefix><method>.npz`` (``vertices`` [V,3] float32, ``faces`` [F,3] int32) and
returns ``{"open3d": version, "python": version, "results": [{"method", "cpuS", "wallS", "file", "vertices",
"faces"} or {"method", "error"}]}``.
Standalone: ``/usr/bin/python3 classical.py points.npy out-prefix [method ...]``.
"""
import json
import os
import sys
import time

import numpy as np
import open3d as o3d

NORMAL_KNN = 30
ORIENT_K = 15
BPA_NN_FACTOR = 3.0


def _oriented_cloud(points):
    pcd = o3d.geometry.PointCloud(o3d.utility.Vector3dVector(points.astype(np.float64)))
    pcd.estimate_normals(search_param=o3d.geometry.KDTreeSearchParamKNN(knn=NORMAL_KNN))
    pcd.orient_normals_consistent_tangent_plane(ORIENT_K)
    p = np.asarray(pcd.points)
    n = np.asarray(pcd.normals)
    if np.sum(np.einsum('ij,ij->i', n, p - p.mean(axis=0)) < 0) > len(p) / 2:
        pcd.normals = o3d.utility.Vector3dVector(-n)
    return pcd


def reconstruct(points, method):
    """One reconstruction: (vertices [V,3] float32, faces [F,3] int32)."""
    pcd = _oriented_cloud(points)
    if method.startswith('poisson'):
        depth = int(method[len('poisson'):])
        mesh, _densities = o3d.geometry.TriangleMesh.create_from_point_cloud_poisson(pcd, depth=depth, width=0, scale=1.1, linear_fit=False, n_threads=1)
    elif method == 'bpa':
        r = BPA_NN_FACTOR * float(np.mean(pcd.compute_nearest_neighbor_distance()))
        mesh = o3d.geometry.TriangleMesh.create_from_point_cloud_ball_pivoting(pcd, o3d.utility.DoubleVector([r, 2 * r]))
    else:
        raise ValueError('unknown method %r (poisson<depth> or bpa)' % method)
    return np.asarray(mesh.vertices, dtype=np.float32), np.asarray(mesh.triangles, dtype=np.int32)


def run_job(points_file, methods, out):
    points = np.load(points_file)
    if points.ndim != 2 or points.shape[1] != 3:
        raise ValueError('%s: expected [N,3] points, got shape %s' % (points_file, points.shape))
    results = []
    for method in methods:
        c0 = time.process_time()
        t0 = time.perf_counter()
        try:
            v, f = reconstruct(points, method)
        except Exception as e:  # one failed method is a row with its error, not a lost run
            results.append({'method': method, 'error': '%s: %s' % (type(e).__name__, e)})
            continue
        wall = time.perf_counter() - t0
        cpu = time.process_time() - c0
        file = out + method + '.npz'
        tmp = file + '.tmp.npz'
        np.savez(tmp, vertices=v, faces=f)
        os.replace(tmp, file)
        results.append({'method': method, 'cpuS': cpu, 'wallS': wall, 'file': file, 'vertices': len(v), 'faces': len(f)})
    return results


def run():
    with open(os.path.join(sys.argv[1], 'job.json')) as fh:
        job = json.load(fh)
    return {'open3d': o3d.__version__, 'python': sys.version.split()[0], 'results': run_job(job['points'], job['methods'], job['out'])}


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit('usage: classical.py points.npy out-prefix [poisson6 poisson8 poisson10 bpa]')
    print(json.dumps(run_job(sys.argv[1], sys.argv[3:] or ['poisson6', 'poisson8', 'poisson10', 'bpa'], sys.argv[2]), indent=1))
