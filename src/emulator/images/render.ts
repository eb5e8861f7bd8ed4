// The emulator's image bytes, generated (no fixtures): PNG and baseline-JPEG receipts drawn from a seed, and PDFs that
// bundle them one per page, as Image v1 bundles a report's receipts into one PDF (spec §1). Real, valid files: a
// viewer opens them; the gateway only streams them.
import { createHash, randomBytes } from "node:crypto";
import { crc32, deflateSync } from "node:zlib";

export type ImageType = "application/pdf" | "image/png" | "image/jpeg";

export interface RenderedImage {
  contentType: ImageType;
  data: Buffer;
}

/** A receipt's raster: RGB pixels (for PNG and PDF) or a grey JPEG. */
export interface Raster {
  width: number;
  height: number;
  /** 8-bit RGB, row by row. */
  rgb: Buffer;
}

const seedBytes = (seed: string) => createHash("sha256").update(seed).digest();

/** A striped receipt-like raster whose colours come from the seed (different seeds, different bytes). */
export function rasterOf(seed: string, width = 96, height = 64): Raster {
  const h = seedBytes(seed);
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const band = (y >> 3) % 4;
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      rgb[i] = h[band * 3] ^ (x * 2);
      rgb[i + 1] = h[band * 3 + 1] ^ y;
      rgb[i + 2] = h[band * 3 + 2];
    }
  }
  return { width, height, rgb };
}

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * A PNG of the raster. `padToBytes`: a private ancillary chunk (`emUl`, skipped by viewers) of random bytes makes the
 * file that large (the 10 MB-class images of the streaming tests).
 */
export function png(raster: Raster, padToBytes = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(raster.width, 0);
  ihdr.writeUInt32BE(raster.height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, filter 0, no interlace
  const rows = Buffer.alloc(raster.height * (raster.width * 3 + 1));
  for (let y = 0; y < raster.height; y++) raster.rgb.copy(rows, y * (raster.width * 3 + 1) + 1, y * raster.width * 3, (y + 1) * raster.width * 3);
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr), pngChunk("IDAT", deflateSync(rows))];
  const base = parts.reduce((n, p) => n + p.length, 0) + 12;
  if (padToBytes > base + 12) parts.push(pngChunk("emUl", randomBytes(padToBytes - base - 12)));
  parts.push(pngChunk("IEND", Buffer.alloc(0)));
  return Buffer.concat(parts);
}

/** Bits into bytes, MSB first, 0xFF stuffed with 0x00, padded with 1s (JPEG entropy-coded data). */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.current = (this.current << 1) | ((value >> i) & 1);
      if (++this.count === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.count = 0;
  }
  finish(): Buffer {
    while (this.count !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }
}

const segment = (marker: number, body: Buffer) => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([head, body]);
};

/**
 * A baseline JPEG (grey, one level per 8x8 block row band) with a comment naming `label`: DC-only blocks coded with
 * two tiny Huffman tables, quantisation 1. Width and height are multiples of 8.
 */
export function jpeg(seed: string, label: string, width = 96, height = 64): Buffer {
  const h = seedBytes(seed);
  const blocksX = width / 8;
  const blocksY = height / 8;
  // DC categories used: 0..11; the DC table codes every category with a 4-bit code (12 symbols of length 4).
  const dcSymbols = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const bits = new BitWriter();
  let previous = 0;
  for (let by = 0; by < blocksY; by++) {
    const level = 40 + (h[by % h.length] % 180); // grey level of this band
    for (let bx = 0; bx < blocksX; bx++) {
      const dc = 8 * (level - 128); // F(0,0) of a flat block after the level shift
      const diff = dc - previous;
      previous = dc;
      const magnitude = Math.abs(diff);
      const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
      bits.write(category, 4); // canonical code of symbol k is k (12 codes of length 4)
      if (category > 0) bits.write(diff > 0 ? diff : diff + (1 << category) - 1, category);
      bits.write(0, 1); // AC: end of block (the only AC symbol, code "0")
    }
  }
  const dqt = Buffer.concat([Buffer.from([0x00]), Buffer.alloc(64, 1)]);
  const sof = Buffer.from([8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]);
  const dcCounts = Buffer.alloc(16);
  dcCounts[3] = dcSymbols.length;
  const dht = Buffer.concat([Buffer.from([0x00]), dcCounts, Buffer.from(dcSymbols), Buffer.from([0x10]), Buffer.from([1, ...new Array(15).fill(0)]), Buffer.from([0x00])]);
  const sos = Buffer.from([1, 1, 0x00, 0, 63, 0]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xfe, Buffer.from(`Concur emulator receipt ${label}`, "latin1")),
    segment(0xdb, dqt),
    segment(0xc0, sof),
    segment(0xc4, dht),
    segment(0xda, sos),
    bits.finish(),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A page of a PDF: an image (JPEG as DCTDecode, raster as Flate RGB) or a few lines of text. */
export type PdfPage = { kind: "jpeg"; data: Buffer; width: number; height: number } | { kind: "raster"; raster: Raster } | { kind: "text"; lines: string[] };

const pdfText = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, "?");

/** A PDF of these pages (A4-ish, images scaled to the page width); what Image v1 answers for a report or an invoice. */
export function pdf(pages: PdfPage[], title: string): Buffer {
  const objects: Buffer[] = [];
  const add = (body: Buffer | string) => {
    objects.push(typeof body === "string" ? Buffer.from(body, "latin1") : body);
    return objects.length;
  };
  const stream = (dict: string, data: Buffer) => Buffer.concat([Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, "latin1"), data, Buffer.from("\nendstream", "latin1")]);
  const catalog = add(""); // filled once the pages object number is known
  const pagesObj = add("");
  const font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  const kids: number[] = [];
  for (const page of pages) {
    let resources = `/Font << /F1 ${font} 0 R >>`;
    let content: string;
    if (page.kind === "text") {
      content = `BT /F1 14 Tf 56 780 Td 18 TL ${page.lines.map((l) => `(${pdfText(l)}) '`).join(" ")} ET`;
    } else {
      const image =
        page.kind === "jpeg"
          ? add(stream(`/Type /XObject /Subtype /Image /Width ${page.width} /Height ${page.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode`, page.data))
          : add(stream(`/Type /XObject /Subtype /Image /Width ${page.raster.width} /Height ${page.raster.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode`, deflateSync(page.raster.rgb)));
      const [w, hgt] = page.kind === "jpeg" ? [page.width, page.height] : [page.raster.width, page.raster.height];
      const scale = 480 / w;
      resources += ` /XObject << /Im1 ${image} 0 R >>`;
      content = `q ${480} 0 0 ${(hgt * scale).toFixed(2)} 56 ${(780 - hgt * scale).toFixed(2)} cm /Im1 Do Q BT /F1 10 Tf 56 40 Td (${pdfText(title)}) Tj ET`;
    }
    const contents = add(stream("", Buffer.from(content, "latin1")));
    kids.push(add(`<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 595 842] /Resources << ${resources} >> /Contents ${contents} 0 R >>`));
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pagesObj} 0 R >>`, "latin1");
  objects[pagesObj - 1] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`, "latin1");
  const chunks: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let offset = chunks[0].length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, "latin1"), body, Buffer.from("\nendobj\n", "latin1")]);
    offsets.push(offset);
    offset += chunk.length;
    chunks.push(chunk);
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, "0000000000 65535 f \n", ...offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`)].join("");
  chunks.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info << /Title (${pdfText(title)}) >> >>\nstartxref\n${offset}\n%%EOF\n`, "latin1"));
  return Buffer.concat(chunks);
}
