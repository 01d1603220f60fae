/**
 * Browser side of the self-contained result page (bundled with three.js into one IIFE by tsup, inlined
 * into the HTML by {@link viewerHtml}). Reads the JSON in `<script id="onet-data">`: base64 float32
 * input points and mesh positions, base64 uint32 indices. Left: input points; right: the reconstruction;
 * one camera shared by both, OrbitControls on the whole page.
 */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';

interface ViewerData {
  title: string;
  info: string[];
  points: string;
  positions: string;
  indices: string;
  leftLabel: string;
  rightLabel: string;
}

function decode(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes.buffer;
}

function main(): void {
  const el = document.getElementById('onet-data');
  if (!el) throw new Error('onet viewer: no #onet-data element');
  const data = JSON.parse(el.textContent ?? '{}') as ViewerData;
  const points = new Float32Array(decode(data.points));
  const positions = new Float32Array(decode(data.positions));
  const indices = new Uint32Array(decode(data.indices));

  const container = document.getElementById('view') as HTMLElement;
  const renderer = new THREE.WebGLRenderer({ antialias: true });
  renderer.setPixelRatio(window.devicePixelRatio);
  renderer.setScissorTest(true);
  container.appendChild(renderer.domElement);

  // Bounding sphere of points and mesh together, to frame the camera.
  const box = new THREE.Box3();
  for (const arr of [points, positions]) {
    for (let i = 0; i + 2 < arr.length; i += 3) box.expandByPoint(new THREE.Vector3(arr[i], arr[i + 1], arr[i + 2]));
  }
  const sphere = box.isEmpty() ? new THREE.Sphere(new THREE.Vector3(), 1) : box.getBoundingSphere(new THREE.Sphere());
  const radius = sphere.radius || 1;

  const left = new THREE.Scene();
  left.background = new THREE.Color(0xf4f4f4);
  const pg = new THREE.BufferGeometry();
  pg.setAttribute('position', new THREE.BufferAttribute(points, 3));
  left.add(new THREE.Points(pg, new THREE.PointsMaterial({ color: 0x1f5fbf, size: radius * 0.025 })));

  const right = new THREE.Scene();
  right.background = new THREE.Color(0xf4f4f4);
  const mg = new THREE.BufferGeometry();
  mg.setAttribute('position', new THREE.BufferAttribute(positions, 3));
  mg.setIndex(new THREE.BufferAttribute(indices, 1));
  mg.computeVertexNormals();
  right.add(new THREE.Mesh(mg, new THREE.MeshStandardMaterial({ color: 0xc8a070, roughness: 0.6, side: THREE.DoubleSide })));
  right.add(new THREE.HemisphereLight(0xffffff, 0x444444, 1.6));
  const sun = new THREE.DirectionalLight(0xffffff, 1.8);
  right.add(sun);

  const camera = new THREE.PerspectiveCamera(35, 1, radius / 100, radius * 100);
  camera.position.copy(sphere.center).add(new THREE.Vector3(0.6, 0.5, 1).normalize().multiplyScalar(radius * 3.4));
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.target.copy(sphere.center);
  controls.update();

  const labels = document.querySelectorAll('.label');
  (labels[0] as HTMLElement).textContent = data.leftLabel;
  (labels[1] as HTMLElement).textContent = data.rightLabel;

  function render(): void {
    const w = container.clientWidth;
    const h = container.clientHeight;
    renderer.setSize(w, h, false);
    camera.aspect = w / 2 / h;
    camera.updateProjectionMatrix();
    sun.position.copy(camera.position);
    renderer.setViewport(0, 0, w / 2, h);
    renderer.setScissor(0, 0, w / 2, h);
    renderer.render(left, camera);
    renderer.setViewport(w / 2, 0, w / 2, h);
    renderer.setScissor(w / 2, 0, w / 2, h);
    renderer.render(right, camera);
  }
  controls.addEventListener('change', render);
  window.addEventListener('resize', render);
  render();
}

main();
