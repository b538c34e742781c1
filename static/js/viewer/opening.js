// What the viewer starts before its own modules have loaded: this module has no imports and
// runs from the page's head as soon as it arrives (async), so that
// - the PDF.js worker (1.3 MB to compile) loads beside PDF.js and the viewer, not after them;
// - the first and the last 512 KiB of the reader's copy are on their way while the page's
//   modules load (the server stamps the reader's watermark on the first request: their copy
//   may not exist yet). PDF.js needs both before it can draw page 1: the header and, in a file
//   linearised at upload, page 1's objects; at the end, the cross-references and the reader's
//   update, which redefines every page.
// document.js hands the worker and these bytes to PDF.js (a worker port and a range transport).
// The page's <meta name="viewer-file"> and <meta name="viewer-worker"> say where both are.
export const CHUNK = 262144;  // PDF.js's rangeChunkSize: 4 segments of the stored file

const setting = (name) => document.querySelector(`meta[name="viewer-${name}"]`).content;
const fileUrl = setting("file");

/** PDF.js's worker, started now; PDF.js takes it as GlobalWorkerOptions.workerPort. */
export const pdfWorker = new Worker(setting("worker"), { type: "module" });

/** Bytes [begin, end) of the reader's copy: { bytes, total, etag }. Throws on any answer
 * other than the range asked for (or the whole file, when it is that short). */
export async function readRange(begin, end, signal) {
  const response = await fetch(fileUrl, {
    headers: { Range: `bytes=${begin}-${end - 1}` },
    credentials: "same-origin", cache: "no-store", signal,
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const whole = response.status === 200 && begin === 0;
  const range = /^bytes (\d+)-\d+\/(\d+)$/.exec(response.headers.get("Content-Range") || "");
  if (!whole && !(response.status === 206 && range && Number(range[1]) === begin)) {
    throw new Error(`bytes ${begin}-${end - 1}: HTTP ${response.status}`);
  }
  return { bytes, total: whole ? bytes.length : Number(range[2]),
           etag: response.headers.get("ETag") };
}

/** The copy's first bytes ({ bytes, total, etag }: page 1 of a linearised file is there) and,
 * in `ahead`, its last two chunks as they come: { begin, end, read } (a promise of the same). */
export const opening = readRange(0, 2 * CHUNK).then((first) => {
  const begin = Math.max(first.bytes.length,
                         (Math.floor((first.total - 1) / CHUNK) - 1) * CHUNK);
  const ahead = [];
  if (begin < first.total) {
    const read = readRange(begin, first.total);
    read.catch(() => {});  // PDF.js's request for these bytes is then sent anew, and reports it
    ahead.push({ begin, end: first.total, read });
  }
  return { ...first, ahead };
});
opening.catch(() => {});  // viewer.js reports it
