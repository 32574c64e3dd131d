import assert from "node:assert/strict";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { encodePng } from "./png.ts";
import { compactImage } from "./compact_image.ts";

Deno.test("compactImage: a photo-like PNG becomes a smaller WebP of the same size and look", async () => {
  const [w, h] = [120, 80];
  const rgb = new Uint8Array(w * h * 3);
  let seed = 1;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 21) - 10;
  for (let i = 0; i < w * h; i++) {
    const [x, y] = [i % w, Math.floor(i / w)];
    const base = 128 + 60 * Math.sin(x / 5) * Math.cos(y / 7);
    rgb.set([base + noise(), base * 0.8 + noise(), 255 - base + noise()], i * 3);
  }
  const png = encodePng(rgb, w, h);
  const a = await compactImage(png), b = await compactImage(png);
  assert.equal(a.mime, "image/webp");
  assert.ok(a.bytes.length < png.length, `${a.bytes.length} ≥ ${png.length}`);
  assert.deepEqual(a.bytes, b.bytes, "deterministic");
  const img = await loadImage(a.bytes);
  assert.deepEqual([img.width, img.height], [w, h]);
  const c = createCanvas(w, h);
  c.getContext("2d").drawImage(img, 0, 0);
  const px = c.getContext("2d").getImageData(0, 0, w, h).data;
  let err = 0;
  for (let i = 0; i < w * h; i++) {
    for (let k = 0; k < 3; k++) err += Math.abs(px[i * 4 + k] - rgb[i * 3 + k]);
  }
  assert.ok(err / (w * h * 3) < 10, `mean abs error ${err / (w * h * 3)}`);
});

Deno.test("compactImage: what is not a decodable image stays as it is", async () => {
  const junk = new Uint8Array([1, 2, 3]);
  assert.deepEqual(await compactImage(junk), { bytes: junk, mime: "image/png" });
});
