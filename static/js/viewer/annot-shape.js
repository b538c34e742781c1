// What the server keeps of one PDF.js editor: its kind, page, boxes and strokes in PDF points
// (origin bottom left), its colour, the text under or next to it (to find it again in a new
// version of the document), and the editor's own serialised form to draw it again.

const KINDS = { highlight: "highlight", freetext: "freetext", ink: "ink" };
const NEAR = 18;  // points around a drawing or a text box whose words name it

/** A UUID v4, also where crypto.randomUUID is missing (a plain-http address on the LAN). */
export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const round = (value) => Math.round(value * 100) / 100;

/** JSON-safe copy of a serialised editor: typed arrays as lists, numbers to 0.01 pt (NaN,
 * PDF.js's marker between curve pieces, becomes null, which its deserialiser reads back). */
export function clean(value) {
  if (ArrayBuffer.isView(value)) return Array.from(value, (v) => (Number.isFinite(v) ? round(v) : null));
  if (Array.isArray(value)) return value.map(clean);
  if (typeof value === "number") return Number.isFinite(value) ? round(value) : null;
  if (value && typeof value === "object") {
    const copy = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined && typeof item !== "function") copy[key] = clean(item);
    }
    return copy;
  }
  return value;
}

/** The stored form back into what PDF.js's deserialisers take (ink points as Float32Array). */
export function revive(data) {
  const copy = structuredClone(data);
  if (copy?.paths?.points) {
    copy.paths.points = copy.paths.points.map((p) => Float32Array.from(p, (v) => v ?? NaN));
    if (copy.paths.lines) {
      copy.paths.lines = copy.paths.lines.map((l) => Float32Array.from(l, (v) => v ?? NaN));
    }
  }
  if (copy?.outlines?.points) {
    copy.outlines.points = copy.outlines.points.map((p) => Float32Array.from(p, (v) => v ?? NaN));
  }
  if (Array.isArray(copy?.quadPoints)) copy.quadPoints = Float32Array.from(copy.quadPoints);
  return copy;
}

const hex = (rgb) => (Array.isArray(rgb) && rgb.length === 3
  ? `#${rgb.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, "0")).join("")}`
  : null);

function boxesOfQuads(quads) {
  const boxes = [];
  for (let i = 0; i + 7 < quads.length; i += 8) {
    const xs = [quads[i], quads[i + 2], quads[i + 4], quads[i + 6]];
    const ys = [quads[i + 1], quads[i + 3], quads[i + 5], quads[i + 7]];
    boxes.push([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)].map(round));
  }
  return boxes;
}

/** The words of a page's text content inside `boxes` (grown by `margin` points), in order;
 * a run only partly inside gives the part inside (by its width: close enough to find it). */
export function textIn(items, boxes, margin = 0) {
  const words = [];
  for (const item of items) {
    if (!item.str || !item.transform) continue;
    const x = item.transform[4];
    const y = item.transform[5];
    const width = item.width || 0;
    const height = item.height || Math.abs(item.transform[3]) || 10;
    for (const [x1, y1, x2, y2] of boxes) {
      const bx1 = x1 - margin; const by1 = y1 - margin; const bx2 = x2 + margin; const by2 = y2 + margin;
      const overlapY = Math.min(y + height, by2) - Math.max(y, by1);
      if (overlapY < height * 0.4 || x > bx2 || x + width < bx1) continue;
      let text = item.str;
      if (width > 0 && margin === 0) {
        const from = Math.max(0, Math.floor(((bx1 - x) / width) * text.length));
        const to = Math.min(text.length, Math.ceil(((bx2 - x) / width) * text.length));
        text = text.slice(from, to);
      }
      words.push(text.trim());
      break;
    }
  }
  return words.filter(Boolean).join(" ").replace(/\s+/g, " ").slice(0, 2000);
}

/** The kind of a PDF.js editor as the server names it, or null for one we do not keep. */
export const kindOf = (editor) => KINDS[editor.editorType] || null;

/** The API's fields for one editor (without client_id, revision and version). */
export function describe(editor, data, textItems) {
  const kind = kindOf(editor);
  const rect = (data.rect || []).map(round);
  const rects = kind === "highlight" && data.quadPoints?.length
    ? boxesOfQuads(data.quadPoints) : (rect.length === 4 ? [rect] : []);
  const paths = [];
  const points = kind === "ink" ? data.paths?.points : (kind === "highlight" ? data.outlines?.points : null);
  if (kind === "ink" || (kind === "highlight" && !data.quadPoints?.length)) {
    for (const path of points || []) {
      const flat = path.filter((v) => typeof v === "number" && Number.isFinite(v));
      if (flat.length >= 2) paths.push(flat.slice(0, flat.length - (flat.length % 2)));
    }
  }
  // A highlight on text quotes the words under it; a drawing or a text box the words around
  // it (a new version of the document is searched for them to place it again).
  const onText = kind === "highlight" && data.quadPoints?.length;
  const quote = textIn(textItems || [], rects, onText ? 0 : NEAR);
  return {
    kind, page: editor.pageIndex + 1, rects, paths: paths.slice(0, 100), quote,
    color: hex(data.color) || "#ffd400",
    comment: kind === "freetext" ? (data.value || "") : "",
    data: compact(kind, data),
  };
}

/** What is stored of the editor's form: ink's curves are rebuilt from its points on load,
 * which keeps a long stroke under the server's 64 KiB. */
function compact(kind, data) {
  const copy = { ...data };
  delete copy.structTreeParentId;
  delete copy.id;
  if (kind === "ink" && copy.paths) copy.paths = { points: copy.paths.points };
  return copy;
}
