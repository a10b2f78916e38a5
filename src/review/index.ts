/** `vanban review`: correct converted documents in the browser, and rebuild their outputs. */
export { startReviewServer, type ReviewServer, type ReviewServerOptions } from './server.js';
export { ReviewSession, journalPath, type Journal, type JournalEntry } from './session.js';
export { applyOp, settle, EDITABLE_FIELDS, type EditableField, type ReviewOp } from './edit.js';
export { fromJson, isDocumentJson, type DocumentJson } from './model.js';
export { listDocuments, type DocumentEntry } from './catalog.js';
export { rebuildDocument, rebuildBatchFiles } from './rebuild.js';
