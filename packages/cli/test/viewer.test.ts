import { describe, expect, it } from 'vitest';
import { viewerHtml } from '../src/viewer/html.js';

describe('viewerHtml', () => {
  const points = new Float32Array([0, 0, 0, 1, 2, 3]);
  const mesh = { positions: new Float32Array([0, 0, 0, 1, 0, 0, 0, 1, 0]), indices: new Uint32Array([0, 1, 2]) };

  it('is self-contained: no external scripts, styles or fetches; data embedded as base64', () => {
    const html = viewerHtml(points, mesh, 'console.log("viewer")', { title: 'T <b>', info: ['IoU 0.8 & more'] });
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(html).not.toMatch(/<link[^>]+href=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('T &lt;b&gt;');
    expect(html).toContain('IoU 0.8 &amp; more');
    const json = /<script id="onet-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1];
    const data = JSON.parse(json);
    const decoded = new Float32Array(Uint8Array.from(Buffer.from(data.points, 'base64')).buffer);
    expect([...decoded]).toEqual([0, 0, 0, 1, 2, 3]);
    expect([...new Uint32Array(Uint8Array.from(Buffer.from(data.indices, 'base64')).buffer)]).toEqual([0, 1, 2]);
    expect(data.rightLabel).toBe('reconstruction (3 vertices, 1 faces)');
  });

  it('cannot be broken out of by "</script" in the script or the labels', () => {
    const html = viewerHtml(points, mesh, 'var s = "</script><b>";', { title: '</script>' });
    expect(html.match(/<\/script>/g)).toHaveLength(2); // closes the data and the viewer script only
  });
});
