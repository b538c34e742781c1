// Our loader of PDF.js (the library itself comes from npm into static/vendor/): the core
// library first, because pdf_viewer.mjs reads it from globalThis.pdfjsLib when it is
// evaluated (module dependencies run in the order imported).
import * as pdfjsLib from "../../vendor/pdfjs/pdf.min.mjs";
import {
  EventBus, FindState, GenericL10n, LinkTarget, PDFFindController, PDFLinkService, PDFViewer,
} from "../../vendor/pdfjs/pdf_viewer.mjs";

export {
  EventBus, FindState, GenericL10n, LinkTarget, PDFFindController, PDFLinkService, PDFViewer,
  pdfjsLib,
};
