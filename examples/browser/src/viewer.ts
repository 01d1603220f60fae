import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { TriangleMesh } from '@onet/io';

/**
 * Two views side by side in one WebGL canvas (scissor): input points on the left, the reconstructed mesh on
 * the right, one camera shared by both and orbit controls on the whole canvas.
 */
export class SideBySideViewer {
  readonly renderer: THREE.WebGLRenderer;
  private readonly camera = new THREE.PerspectiveCamera(40, 1, 0.001, 1000);
  private readonly controls: OrbitControls;
  private readonly left = new THREE.Scene();
  private readonly right = new THREE.Scene();
  private readonly resizeObserver: ResizeObserver;
  private pending = false;

  constructor(private readonly container: HTMLElement) {
    // preserveDrawingBuffer: screenshots (and the e2e test's pixel check) see the last frame.
    this.renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.setScissorTest(true);
    this.renderer.domElement.style.cssText = 'display:block;width:100%;height:100%';
    container.appendChild(this.renderer.domElement);
    for (const scene of [this.left, this.right]) {
      scene.background = new THREE.Color(0xf3f4f6);
      scene.add(new THREE.HemisphereLight(0xffffff, 0x8090a0, 1.6));
      const sun = new THREE.DirectionalLight(0xffffff, 1.6);
      sun.position.set(1, 2, 1.5);
      scene.add(sun);
    }
    this.camera.position.set(0, 0.3, 2.2);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.requestRender());
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(container);
    this.resize();
  }

  private static clear(scene: THREE.Scene): void {
    for (const child of [...scene.children]) {
      if (child instanceof THREE.Points || child instanceof THREE.Mesh || child instanceof THREE.LineSegments) {
        scene.remove(child);
        child.geometry.dispose();
        (child.material as THREE.Material).dispose();
      }
    }
  }

  /** Show `points` `[N·3]` on the left (and clear the right), framing the camera on them. */
  setPoints(points: Float32Array): void {
    SideBySideViewer.clear(this.left);
    SideBySideViewer.clear(this.right);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(points, 3));
    g.computeBoundingSphere();
    const sphere = g.boundingSphere ?? new THREE.Sphere(new THREE.Vector3(), 1);
    const r = sphere.radius > 0 ? sphere.radius : 1;
    this.left.add(new THREE.Points(g, new THREE.PointsMaterial({ color: 0x1d4ed8, size: r * 0.03, sizeAttenuation: true })));
    this.frame(sphere.center, r);
  }

  /** Show an input `mesh` on the left (e.g. input voxels as blocks; clears the right), framing the camera on it. */
  setInputMesh(mesh: TriangleMesh): void {
    SideBySideViewer.clear(this.left);
    SideBySideViewer.clear(this.right);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
    g.setIndex(new THREE.BufferAttribute(mesh.indices, 1));
    g.computeVertexNormals();
    g.computeBoundingSphere();
    const s = g.boundingSphere!;
    this.left.add(new THREE.Mesh(g, new THREE.MeshStandardMaterial({ color: 0x1d4ed8, roughness: 0.8, flatShading: true })));
    this.frame(s.center, s.radius);
  }

  /** Show `mesh` on the right (flat shaded, both sides, with a faint wireframe). */
  setMesh(mesh: TriangleMesh): void {
    SideBySideViewer.clear(this.right);
    const g = new THREE.BufferGeometry();
    g.setAttribute('position', new THREE.BufferAttribute(mesh.positions, 3));
    g.setIndex(new THREE.BufferAttribute(mesh.indices, 1));
    g.computeVertexNormals();
    this.right.add(new THREE.Mesh(g, new THREE.MeshStandardMaterial({ color: 0xd97706, roughness: 0.6, metalness: 0.05, side: THREE.DoubleSide })));
    this.requestRender();
  }

  /**
   * Show `mesh` on the right with nothing on the left (the page shows a picture there), framing the camera on the
   * sphere of `radius` about the origin as seen from +z: a mesh in a picture's view frame is first seen as the picture
   * saw it.
   */
  setViewMesh(mesh: TriangleMesh, radius = 0.5): void {
    SideBySideViewer.clear(this.left);
    this.setMesh(mesh);
    this.frame(new THREE.Vector3(), radius, new THREE.Vector3(0, 0, 1));
  }

  private frame(center: THREE.Vector3, radius: number, from = new THREE.Vector3(0.35, 0.45, 1)): void {
    const d = radius / Math.sin(THREE.MathUtils.degToRad(this.camera.fov / 2));
    this.controls.target.copy(center);
    this.camera.position.copy(center).add(from.clone().normalize().multiplyScalar(d * 1.05));
    this.camera.near = d / 100;
    this.camera.far = d * 100;
    this.camera.updateProjectionMatrix();
    this.controls.update();
    this.requestRender();
  }

  private resize(): void {
    const w = Math.max(2, this.container.clientWidth);
    const h = Math.max(2, this.container.clientHeight);
    // CSS sizes the canvas (100% of the container); only the drawing buffer follows, so no resize feedback.
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / 2 / h;
    this.camera.updateProjectionMatrix();
    this.render();
  }

  private requestRender(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  /** Draw both halves now. */
  render(): void {
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    const half = Math.floor(w / 2);
    this.renderer.setViewport(0, 0, half, h);
    this.renderer.setScissor(0, 0, half, h);
    this.renderer.render(this.left, this.camera);
    this.renderer.setViewport(half, 0, w - half, h);
    this.renderer.setScissor(half, 0, w - half, h);
    this.renderer.render(this.right, this.camera);
  }
}
