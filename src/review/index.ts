/** `vanban review`: correct converted documents in the browser, and rebuild their outputs. */
export { startReviewServer, type ReviewServer, type ReviewServerOptions } from './server.js';
