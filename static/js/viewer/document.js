// The reader's copy opened in PDF.js as soon as PDF.js's core library has loaded: an async
// module of the page's head, which waits neither for the viewer's components (pdf_viewer.mjs)
// nor for the page's other modules. It starts from what opening.js asked for: the worker and
// the copy's first and last bytes. viewer.js shows the document the task opens.
import * as pdfjsLib from "../../vendor/pdfjs/pdf.min.mjs";
import { CHUNK, opening, pdfWorker, readRange } from "./opening.js";

const vendor = (path) => new URL(`../../vendor/pdfjs/${path}`, import.meta.url).href;

pdfjsLib.GlobalWorkerOptions.workerPort = pdfWorker;

/** The reader's copy for PDF.js, range by range, starting from the bytes opening.js already
 * asked for. Every range must come from the same copy (its ETag): a copy made again meanwhile
 * (evicted from the cache, then rebuilt) has other bytes, and the reader must reload. */
class CopyTransport extends pdfjsLib.PDFDataRangeTransport {
  #aborted = new AbortController();

  constructor(first, failed) {
    super(first.total, first.bytes, first.bytes.length >= first.total);
    this.etag = first.etag;
    this.ahead = first.ahead;
    this.failed = failed;
  }

  /** [begin, end) from the bytes asked for ahead when they hold it, else a request of its own. */
  async read(begin, end) {
    const block = this.ahead.find((b) => b.begin <= begin && end <= b.end);
    const got = block && await block.read.catch(() => null);
    if (got && got.bytes.length === block.end - block.begin) {
      return { bytes: got.bytes.subarray(begin - block.begin, end - block.begin), etag: got.etag };
    }
    return readRange(begin, end, this.#aborted.signal);
  }

  requestDataRange(begin, end) {
    this.read(begin, end).then(({ bytes, etag }) => {
      if (etag !== this.etag) throw new Error("the copy changed while it was read");
      this.onDataRange(begin, bytes);
    }).catch((error) => {
      if (!this.#aborted.signal.aborted) this.failed(error);
    });
  }

  abort() {
    this.#aborted.abort();
  }
}

let reportFailure;
/** Resolves with the error that stopped the copy's reading (the task is destroyed then). */
export const failure = new Promise((resolve) => { reportFailure = resolve; });

/** PDF.js's loading task of the copy, once its first bytes are in. */
export const loadingTask = opening.then((first) => {
  const task = pdfjsLib.getDocument({
    range: new CopyTransport(first, (error) => {
      task.destroy();
      reportFailure(error);
    }),
    disableAutoFetch: true,   // fetch only the ranges the shown pages need
    disableStream: true,
    rangeChunkSize: CHUNK,
    isEvalSupported: false,   // strict CSP: no eval / new Function
    enableXfa: false,
    useWasm: false,           // strict CSP: no WebAssembly compilation
    standardFontDataUrl: vendor("standard_fonts/"),
    cMapUrl: vendor("cmaps/"),
    cMapPacked: true,
  });
  return task;
});
loadingTask.catch(() => {});  // viewer.js reports it
